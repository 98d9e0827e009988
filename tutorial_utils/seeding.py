"""Reproducible random streams for parallel data loading.

The classic bug: augmentations that use the global ``np.random`` state run in
PyTorch DataLoader workers (forked processes). Every worker starts with a copy
of the parent's state, so worker 0 and worker 1 draw the *same* "random"
augmentations, epoch after epoch.

The fix used here: derive an independent generator per *sample* from a
:class:`numpy.random.SeedSequence` keyed by ``(seed, epoch, index)``. Streams
are statistically independent, a rerun gives the same ones, and the result
does not depend on how many workers there are or which one got the sample.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_non_negative_int


def sample_seed_sequence(seed: int, index: int, epoch: int = 0) -> np.random.SeedSequence:
    """The :class:`~numpy.random.SeedSequence` of sample ``index`` in ``epoch``.

    Examples
    --------
    >>> sample_seed_sequence(42, index=3, epoch=1).spawn_key
    (1, 3)
    """
    seed = check_non_negative_int(seed, "seed")
    index = check_non_negative_int(index, "index")
    epoch = check_non_negative_int(epoch, "epoch")
    return np.random.SeedSequence(seed, spawn_key=(epoch, index))


def sample_rng(seed: int, index: int, epoch: int = 0) -> np.random.Generator:
    """Independent generator for one sample: same ``(seed, epoch, index)``, same stream.

    Pass it as ``rng=`` to a transform or a :class:`~tutorial_utils.pipeline.Compose`.

    Examples
    --------
    >>> a = sample_rng(0, index=0).random()
    >>> b = sample_rng(0, index=1).random()
    >>> a == sample_rng(0, index=0).random(), a == b
    (True, False)
    """
    return np.random.default_rng(sample_seed_sequence(seed, index, epoch))


def seed_worker(worker_id: int) -> None:
    """``worker_init_fn`` for a PyTorch ``DataLoader`` whose dataset holds an ``rng``.

    PyTorch gives each worker a distinct ``torch.initial_seed()`` (a fresh base
    seed every epoch, derived from the main process's torch generator, so
    ``torch.manual_seed`` makes runs repeatable). This turns it into a numpy
    generator stored on the worker's copy of the dataset as ``dataset.rng`` and
    also seeds the legacy global ``np.random`` for third-party code that still
    uses it. Copy it into your code, or import it::

        loader = DataLoader(dataset, num_workers=2, worker_init_fn=seed_worker)

    Prefer per-sample generators (:func:`sample_rng`) where you can: they also
    make each sample independent of the number of workers.
    """
    import torch  # imported here: the course itself never needs torch

    info = torch.utils.data.get_worker_info()
    if info is None:
        raise RuntimeError("seed_worker must run inside a DataLoader worker (worker_init_fn=seed_worker)")
    seed_sequence = np.random.SeedSequence(info.seed)
    info.dataset.rng = np.random.default_rng(seed_sequence)
    np.random.seed(seed_sequence.generate_state(1)[0])  # noqa: NPY002 (seeding legacy code on purpose)
