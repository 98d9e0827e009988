"""Training batches: augmented samples for a fixed number of iterations, the same for any number of workers.

A training run here is counted in iterations, not epochs (as nnU-Net counts
250 iterations per "epoch"). :func:`training_order` lists which volume each
of the ``iterations x batch_size`` samples comes from (every volume once per
round, rounds shuffled by the seed), and :func:`make_loader` wraps
:class:`~tutorial_utils.seeding.AugmentedVolumes` over that list in one
``DataLoader`` epoch. Sample ``i`` is augmented with ``sample_rng(seed, i)``,
so every sample gets its own draw, and the batches do not depend on
``num_workers``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from .._checks import check_non_negative_int, describe
from .._threads import set_num_threads
from ..seeding import AugmentedVolumes


def training_order(n_volumes: int, n_samples: int, seed: int = 0) -> list[int]:
    """Volume index of each sample: rounds through all volumes, each round in its own shuffled order.

    Examples
    --------
    >>> order = training_order(3, 7, seed=0)
    >>> len(order), sorted(order[:3]) == [0, 1, 2]
    (7, True)
    """
    n_volumes = check_non_negative_int(n_volumes, "n_volumes")
    n_samples = check_non_negative_int(n_samples, "n_samples")
    if n_volumes < 1:
        raise ValueError("n_volumes must be at least 1")
    rng = np.random.default_rng(np.random.SeedSequence(check_non_negative_int(seed, "seed"), spawn_key=(2**31,)))
    rounds = -(-n_samples // n_volumes)
    return [int(i) for _ in range(rounds) for i in rng.permutation(n_volumes)][:n_samples]


def one_thread_worker(worker_id: int) -> None:
    """``worker_init_fn``: the package's resampling threads to 1 in each worker (PyTorch already sets its own to 1)."""
    set_num_threads(1)


def make_loader(
    volumes: Sequence[Any],
    transform: Callable[..., Any],
    *,
    iterations: int,
    batch_size: int = 2,
    num_workers: int = 0,
    seed: int = 0,
) -> torch.utils.data.DataLoader:
    """A ``DataLoader`` of ``iterations`` batches of augmented ``(image, label)`` samples.

    Parameters
    ----------
    volumes : sequence of Volume
        Preprocessed training volumes, each with a label.
    transform : callable
        ``transform(volume, *, rng) -> Volume`` (a :class:`~tutorial_utils.Compose`),
        ending in one patch shape for every sample.
    iterations, batch_size : int
        Batches, and samples per batch.
    num_workers : int
        Worker processes (0: in this process). Each worker runs the package's
        resampling on one thread (:func:`one_thread_worker`).
    seed : int
        Seed of the sample order and of every sample's augmentation.

    Returns
    -------
    torch.utils.data.DataLoader
        Yields ``(images, labels)``: float32 ``(B, 1, I, J, K)`` and int64 ``(B, I, J, K)``.
    """
    iterations = check_non_negative_int(iterations, "iterations")
    batch_size = check_non_negative_int(batch_size, "batch_size")
    num_workers = check_non_negative_int(num_workers, "num_workers")
    if iterations < 1 or batch_size < 1:
        raise ValueError(f"iterations and batch_size must be >= 1; got {iterations} and {batch_size}")
    if not isinstance(volumes, Sequence) or not volumes:
        raise TypeError(f"volumes must be a non-empty sequence of Volumes; got {describe(volumes)}")
    order = training_order(len(volumes), iterations * batch_size, seed)
    dataset = AugmentedVolumes([volumes[i] for i in order], transform, seed=seed)
    return torch.utils.data.DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=False,
        num_workers=num_workers,
        worker_init_fn=one_thread_worker if num_workers else None,
        generator=torch.Generator().manual_seed(seed),
    )
