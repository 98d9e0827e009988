"""NAIVE random numbers in worker processes: the pitfalls that remain, for demonstration only.

Since PyTorch 1.9 a ``DataLoader`` seeds each worker's global ``np.random``
from a base seed drawn anew for every epoch and the worker id
(``torch/utils/data/_utils/worker.py``: ``_worker_loop`` calls
``np.random.seed(_generate_state(base_seed, worker_id))``), so blog code that
draws from the global state no longer repeats itself across workers *inside a
DataLoader*. Three pitfalls remain, each reproduced here with a tiny dataset
whose sample is one rotation angle:

1. :class:`GeneratorInInitAngles`: a generator created in ``__init__`` is
   copied into every worker, so all workers draw the same stream, and (without
   ``persistent_workers``) the same again every epoch;
2. :func:`forked_global_draws`: code outside a DataLoader (``multiprocessing``,
   joblib, Dask) gets no reseeding; children started with ``fork`` copy the
   parent's global state and repeat each other's draws;
3. :class:`GlobalStateAngles`: with the DataLoader's per-worker seeding, a
   sample's draw depends on which worker computes it, hence on
   ``num_workers``.

:class:`SampleRngAngles` is the fix, for comparison: one generator per
``(seed, epoch, index)`` from :func:`tutorial_utils.sample_rng`.
:func:`loader_draws` imitates what a DataLoader does to a dataset, without
PyTorch, so the notebook runs where torch is not installed;
:func:`dataloader_draws` runs a real one where it is. The classes live
in a module (not a notebook) so that workers started with ``spawn`` or
``forkserver`` can import them.
"""

from __future__ import annotations

import multiprocessing
import pickle
from typing import Any

import numpy as np

from ..seeding import sample_rng

#: Rotation angles are drawn uniformly in this range (degrees).
ANGLE_RANGE = (-15.0, 15.0)


class GeneratorInInitAngles:
    """NAIVE: ``self.rng`` created once in ``__init__``; every worker gets a copy of it."""

    def __init__(self, length: int = 8, seed: int = 0) -> None:
        self.length = length
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> float:
        return round(float(self.rng.uniform(*ANGLE_RANGE)), 2)


class GlobalStateAngles:
    """NAIVE: draws from the global ``np.random`` state, as the blog's transforms do."""

    def __init__(self, length: int = 8) -> None:
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> float:
        return round(float(np.random.uniform(*ANGLE_RANGE)), 2)


class SampleRngAngles:
    """The fix, for comparison: sample ``index`` of epoch ``epoch`` draws from ``sample_rng(seed, index, epoch)``."""

    def __init__(self, length: int = 8, seed: int = 0) -> None:
        self.length, self.seed, self.epoch = length, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> float:
        return round(float(sample_rng(self.seed, index, self.epoch).uniform(*ANGLE_RANGE)), 2)


def loader_draws(dataset: Any, *, num_workers: int = 2, epochs: int = 2, seed: int = 0) -> list[list[tuple[int, Any]]]:
    """Imitate ``DataLoader(dataset, batch_size=None, num_workers=num_workers)`` without PyTorch.

    For every epoch, as a DataLoader without ``persistent_workers`` does: call
    ``dataset.set_epoch(epoch)`` if it exists, draw a new base seed, give each
    worker its own copy of the dataset (a pickle round trip: what the
    ``spawn`` and ``forkserver`` start methods send; ``fork`` copies memory,
    with the same result), seed the global ``np.random`` from the base seed and
    the worker id (PyTorch hashes them with ``_generate_state``; here a
    ``SeedSequence``), and deal the indices round-robin (worker ``w`` gets
    ``w``, ``w + num_workers``, ...). Everything runs in this process, one
    worker after the other, and the global state is restored afterwards.

    Returns
    -------
    list of list of (int, object)
        ``draws[epoch][index] == (worker_id, dataset[index] as computed by that worker)``.
    """
    if not isinstance(num_workers, int) or num_workers < 1:
        raise ValueError(f"num_workers must be an int >= 1, got {num_workers!r}")
    parent = np.random.default_rng(seed)
    saved = np.random.get_state()
    try:
        draws = []
        for epoch in range(epochs):
            if hasattr(dataset, "set_epoch"):
                dataset.set_epoch(epoch)
            base_seed = int(parent.integers(2**63))
            by_index: dict[int, tuple[int, Any]] = {}
            for worker in range(num_workers):
                copy = pickle.loads(pickle.dumps(dataset))
                np.random.seed(np.random.SeedSequence([base_seed, worker]).generate_state(4))
                for index in range(worker, len(copy), num_workers):
                    by_index[index] = (worker, copy[index])
            draws.append([by_index[i] for i in range(len(dataset))])
        return draws
    finally:
        np.random.set_state(saved)


def dataloader_draws(
    dataset: Any, *, num_workers: int = 2, epochs: int = 2, seed: int = 0, **loader_options: Any
) -> list[list[tuple[int, Any]]]:
    """What a real ``torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=num_workers)`` yields.

    The same format as :func:`loader_draws`: ``draws[epoch][index] ==
    (worker_id, value)``. The loader's base seeds come from
    ``torch.Generator().manual_seed(seed)``; ``dataset.set_epoch(epoch)`` is
    called before each epoch if it exists. Without shuffling, the DataLoader
    deals the indices to its workers in turn and yields them in order, so
    sample ``index`` came from worker ``index % num_workers`` (worker 0 when
    ``num_workers == 0``: the main process). ``loader_options`` go to the
    DataLoader (``worker_init_fn``, ``persistent_workers``, ...). Needs torch.
    """
    import torch  # only this function needs torch
    from torch.utils.data import DataLoader

    loader = DataLoader(
        dataset,
        batch_size=None,
        num_workers=num_workers,
        generator=torch.Generator().manual_seed(seed),
        **loader_options,
    )
    draws = []
    for epoch in range(epochs):
        if hasattr(dataset, "set_epoch"):
            dataset.set_epoch(epoch)
        draws.append([(index % max(num_workers, 1), value) for index, value in enumerate(loader)])
    return draws


def format_draws(draws: list[list[tuple[int, Any]]]) -> str:
    """One line per epoch and worker: the values that worker computed, in order.

    Examples
    --------
    >>> print(format_draws([[(0, 1.5), (1, 1.5), (0, -3.0), (1, -3.0)]]))
    epoch 0, worker 0: [1.5, -3.0]
    epoch 0, worker 1: [1.5, -3.0]
    """
    lines = []
    for epoch, samples in enumerate(draws):
        for worker in sorted({w for w, _ in samples}):
            lines.append(f"epoch {epoch}, worker {worker}: {[value for w, value in samples if w == worker]}")
    return "\n".join(lines)


def forked_global_draws(n_workers: int = 2, draws_per_worker: int = 3) -> list[list[float]]:
    """NAIVE: what processes forked outside a DataLoader draw from the global ``np.random`` state.

    Starts ``n_workers`` processes with the ``fork`` start method (Linux's
    default up to Python 3.13; 3.14 switched Linux to ``forkserver``, macOS
    has used ``spawn`` since 3.8) and returns one list of angles per process.
    Each child inherits a copy of the parent's global state and nothing
    reseeds it, so the lists are identical: the bug. Not available on Windows
    (no ``fork``).
    """
    context = multiprocessing.get_context("fork")
    pipes = []
    for _ in range(n_workers):
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(target=_send_draws, args=(sender, draws_per_worker))
        worker.start()
        pipes.append((receiver, worker))
    results = []
    for receiver, worker in pipes:
        results.append(receiver.recv())
        worker.join()
    return results


def _send_draws(sender: Any, n: int) -> None:
    sender.send([round(float(np.random.uniform(*ANGLE_RANGE)), 2) for _ in range(n)])
    sender.close()
