"""Reproducible random streams for parallel data loading.

What PyTorch already does: since version 1.9 every ``DataLoader`` worker seeds
``random``, torch and NumPy's global state from ``base_seed + worker_id``
(NumPy through ``_generate_state(base_seed, worker_id)`` in
``torch/utils/data/_utils/worker.py``), and the base seed is drawn anew for
every epoch. What it cannot do: reseed a generator object that the dataset
created in ``__init__`` (every worker gets a copy of it), reseed processes
started outside a DataLoader, or make a sample's draw independent of which
worker computes it.

The fix used here: derive an independent generator per *sample* from a
:class:`numpy.random.SeedSequence` keyed by ``(seed, epoch, index)``. Streams
are statistically independent, a rerun gives the same ones, and the result
does not depend on how many workers there are or which one got the sample.
:class:`AugmentedVolumes` is a map-style dataset built on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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
    generator stored on the worker's copy of the dataset as ``dataset.rng``,
    replacing the copy of the generator the dataset created in ``__init__``
    (which every worker would otherwise share), and reseeds the legacy global
    ``np.random`` from the same seed (PyTorch already seeds it per worker; this
    keeps one seed per worker for both). Copy it into your code, or import it::

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


class AugmentedVolumes:
    """Map-style dataset (PyTorch's ``__len__``/``__getitem__``) of augmented volumes, one generator per sample.

    Sample ``index`` of epoch ``epoch`` is ``transform(volumes[index],
    rng=sample_rng(seed, index, epoch))``: the same whatever the number of
    workers, new every epoch. Call :meth:`set_epoch` before each epoch's
    iteration (as ``DistributedSampler.set_epoch``): a ``DataLoader`` without
    ``persistent_workers`` copies the dataset into fresh workers at the start
    of every epoch. It lives in a module, not a notebook, so that workers
    started with ``spawn`` or ``forkserver`` (the default on Linux from Python
    3.14) can import it; it needs no PyTorch.

    ``dataset[index]`` is ``(image, label)``: the image as float32 C-contiguous
    ``(1, I, J, K)`` (a channel axis), the label as int64 ``(I, J, K)`` (what
    ``torch.nn.CrossEntropyLoss`` expects). ``torch.from_numpy`` rejects the
    negative strides of ``np.flip``; ``np.ascontiguousarray`` rules them out.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> dataset = AugmentedVolumes([tu.make_ct_phantom(shape=(16, 16, 16))], tu.random_flip, seed=0)
    >>> image, label = dataset[0]
    >>> image.shape, image.dtype, label.dtype
    ((1, 16, 16, 16), dtype('float32'), dtype('int64'))
    """

    def __init__(self, volumes: Sequence[Any], transform: Callable[..., Any], seed: int = 0) -> None:
        self.volumes = list(volumes)
        if not callable(transform):
            raise TypeError(f"transform must be callable t(volume, *, rng); got {type(transform).__name__}")
        self.transform = transform
        self.seed = check_non_negative_int(seed, "seed")
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Use the streams of ``epoch`` from now on."""
        self.epoch = check_non_negative_int(epoch, "epoch")

    def __len__(self) -> int:
        return len(self.volumes)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        volume = self.transform(self.volumes[index], rng=sample_rng(self.seed, index, self.epoch))
        if getattr(volume, "label", None) is None:
            raise ValueError(f"AugmentedVolumes needs volumes with a label; sample {index} has none")
        image = np.ascontiguousarray(volume.image[np.newaxis], dtype=np.float32)
        label = np.ascontiguousarray(volume.label, dtype=np.int64)
        return image, label
