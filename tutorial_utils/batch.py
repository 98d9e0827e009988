"""Augment many volumes in parallel processes and save them as NIfTI files."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm.auto import tqdm

from ._checks import check_non_negative_int, describe
from .io import check_writable_folder, save_volume
from .seeding import sample_rng
from .volume import Volume

Transform = Callable[..., Volume]


def _augment_one(
    transform: Transform, volume: Volume, folder: str, name: str, seed: int, index: int, epoch: int
) -> dict[str, Path]:
    augmented = transform(volume, rng=sample_rng(seed, index, epoch))
    if not isinstance(augmented, Volume):
        raise TypeError(f"transform must return a Volume; got {describe(augmented)}")
    return save_volume(augmented, folder, name)


def _process_context() -> multiprocessing.context.BaseContext:
    """Fresh worker processes, safe to start from a threaded parent (a Jupyter kernel).

    ``fork`` copies the parent's threads' locks and its global random state;
    ``spawn`` re-imports this package in every worker, seconds each time.
    A forkserver imports it once (the first call pays), then forks clean
    workers from that process; where there is none (Windows), spawn.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tutorial_utils"])
    return context


def augment_and_save(
    volumes: Sequence[Volume],
    transform: Transform,
    folder: str | os.PathLike[str],
    *,
    seed: int = 0,
    epoch: int = 0,
    processes: int = 1,
    prefix: str = "sample",
    progress: bool = True,
) -> list[dict[str, Path]]:
    """Augment each volume once and save it, optionally in parallel processes.

    Sample ``n`` is augmented with :func:`~tutorial_utils.seeding.sample_rng`
    ``(seed, n, epoch)``, so the output does not depend on ``processes``: one
    process or four give identical files. Each file is written atomically
    (see :func:`~tutorial_utils.io.save_volume`).

    Parameters
    ----------
    volumes : sequence of Volume
    transform : callable
        ``transform(volume, *, rng) -> Volume``, e.g. a
        :class:`~tutorial_utils.pipeline.Compose`. With ``processes > 1`` it
        must be picklable: a module-level function, a ``functools.partial``
        of one, or a ``Compose`` of those (not a lambda).
    folder : path-like
        Created if missing; must be writable.
    seed, epoch : int
        Seed of the whole run and the epoch number (for a new draw per epoch).
    processes : int
        Worker processes (1 runs in this process).
    prefix : str
        Files are named ``{prefix}_{index:04d}.nii.gz`` (+ ``_label``, ``_history.json``).
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    list of dict
        The paths :func:`~tutorial_utils.io.save_volume` wrote, in input order.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> def identity(volume, *, rng=None):
    ...     return volume
    >>> vols = [Volume(np.zeros((2, 2, 2)), np.eye(4))] * 2
    >>> out = augment_and_save(vols, identity, tempfile.mkdtemp(), progress=False)
    >>> [p["image"].name for p in out]
    ['sample_0000.nii.gz', 'sample_0001.nii.gz']
    """
    volumes = list(volumes)
    for i, volume in enumerate(volumes):
        if not isinstance(volume, Volume):
            raise TypeError(f"volumes[{i}] must be a Volume; got {describe(volume)}")
    if not callable(transform):
        raise TypeError(f"transform must be callable; got {describe(transform)}")
    seed = check_non_negative_int(seed, "seed")
    epoch = check_non_negative_int(epoch, "epoch")
    processes = check_non_negative_int(processes, "processes")
    if processes < 1:
        raise ValueError(f"processes must be >= 1; got {processes}")
    path = str(check_writable_folder(folder))
    names = [f"{prefix}_{i:04d}" for i in range(len(volumes))]

    results: list[dict[str, Path] | None] = [None] * len(volumes)
    bar = tqdm(total=len(volumes), desc="augmenting", unit="vol", disable=not progress)
    try:
        if processes == 1:
            for i, volume in enumerate(volumes):
                results[i] = _augment_one(transform, volume, path, names[i], seed, i, epoch)
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=processes, mp_context=_process_context()) as pool:
                futures = {
                    pool.submit(_augment_one, transform, volume, path, names[i], seed, i, epoch): i
                    for i, volume in enumerate(volumes)
                }
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
    finally:
        bar.close()
    return [r for r in results if r is not None]
