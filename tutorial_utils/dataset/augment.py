"""Augment volumes held in memory and save them, here or on a Dask cluster.

The in-memory sibling of :func:`~tutorial_utils.dataset.preprocess.preprocess_dataset`
(which reads files on the workers): the same cluster handling, the same
per-sample random streams, the same atomic files. The volumes themselves
travel to the workers (scattered once), so for a dataset on disk prefer
``preprocess_dataset``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._checks import check_non_negative_int, describe
from ..io import check_writable_folder, save_volume
from ..pipeline import Compose
from ..seeding import sample_rng
from ..volume import Volume

Transform = Callable[..., Volume]


def augment_one(task: dict[str, Any]) -> dict[str, Path]:
    """Augment one volume with ``sample_rng(seed, index, epoch)`` and save it; runs on a worker or here."""
    rng = sample_rng(task["seed"], task["index"], task["epoch"])
    augmented = Compose([task["transform"]])(task["volume"], rng=rng)
    return save_volume(augmented, task["folder"], task["name"])


def augment_and_save(
    volumes: Sequence[Volume],
    transform: Transform,
    folder: str | os.PathLike[str],
    *,
    seed: int = 0,
    epoch: int = 0,
    processes: int = 1,
    client: Any = None,
    prefix: str = "sample",
    progress: bool = True,
) -> list[dict[str, Path]]:
    """Augment each volume once and save it, in this process or on Dask workers.

    Sample ``n`` is augmented with :func:`~tutorial_utils.seeding.sample_rng`
    ``(seed, n, epoch)``, so the files do not depend on where they were
    computed: here, on two local workers or on a cluster. Each file is
    written atomically (see :func:`~tutorial_utils.io.save_volume`).

    Parameters
    ----------
    volumes : sequence of Volume
    transform : callable
        ``transform(volume, *, rng) -> Volume``, e.g. a
        :class:`~tutorial_utils.pipeline.Compose`.
    folder : path-like
        Created if missing; must be writable (by the workers too).
    seed, epoch : int
        Seed of the whole run and the epoch number (for a new draw per epoch).
    processes : int
        1 runs here, in this process (the package's threads use every core);
        more starts a Dask ``LocalCluster`` with that many single-threaded
        worker processes for this call (a few seconds to start: pass
        ``client`` to reuse one).
    client : None, str or distributed.Client
        Run on this Dask cluster instead (``processes`` must stay 1).
    prefix : str
        Files are named ``{prefix}_{index:04d}.nii.gz`` (+ ``_label``, ``_history.json``).
    progress : bool
        Show a progress bar.

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
    if client is not None and processes != 1:
        raise ValueError(f"give processes (a local cluster) or client, not both; got processes={processes}")
    path = str(check_writable_folder(folder))
    tasks = [
        {
            "volume": v,
            "transform": transform,
            "folder": path,
            "name": f"{prefix}_{i:04d}",
            "seed": seed,
            "index": i,
            "epoch": epoch,
        }
        for i, v in enumerate(volumes)
    ]
    if client is None and processes == 1:
        from tqdm import tqdm

        return [augment_one(task) for task in tqdm(tasks, desc="augmenting", unit="vol", disable=not progress)]

    from .cluster import dask_client, run_tasks

    results: list[dict[str, Path]] = [{}] * len(tasks)
    with dask_client(client, n_workers=None if client is not None else processes) as active:
        scattered = active.scatter(volumes, hash=True)
        remote = [{**task, "volume": future} for task, future in zip(tasks, scattered)]
        for position, paths, error in run_tasks(active, augment_one, remote, progress=progress, desc="augmenting"):
            if error is not None:
                raise error
            results[position] = paths
    return results
