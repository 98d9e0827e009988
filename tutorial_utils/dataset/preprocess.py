"""Preprocess a whole dataset on Dask: paths travel, each worker reads, transforms and writes one case.

Per case, over the network, only a few hundred bytes go out (the case's paths,
its index, the seed and the pickled pipeline) and about a kilobyte comes back
(a manifest row). The voxels go from shared storage to the worker and back to
shared storage, never through the client, so the client is not the
bottleneck; the storage's bandwidth is, once there are enough workers.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import sys
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import check_non_negative_int, describe
from ..io import check_writable_folder, save_volume
from ..pipeline import Compose
from ..records import records_to_json
from ..seeding import sample_rng
from ..volume import Volume
from .cases import list_cases
from .manifest import MANIFEST_NAME, ManifestWriter, completed_row, read_manifest, to_frame

if TYPE_CHECKING:
    import pandas as pd

Transform = Callable[..., Volume]


def output_hash(volume: Volume) -> str:
    """A short SHA-256 of a volume's image, label and affine (shape and dtype included).

    Examples
    --------
    >>> output_hash(Volume(np.zeros((2, 2, 2)), np.eye(4)))
    'ad4401965cca00a1'
    """
    digest = hashlib.sha256()
    for array in (volume.image, volume.label, volume.affine):
        if array is not None:
            digest.update(f"{array.dtype.str}{array.shape}".encode())
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def process_case(task: dict[str, Any]) -> dict[str, Any]:
    """Read, transform and save one case; runs on a worker. Any error becomes a ``"failed"`` row.

    ``task`` holds the row's identity (case, index, image, label, pipeline
    text, seed) plus ``transform`` (the pipeline) and ``out_dir``. The row's
    ``peak_memory_mib`` is the worker process's peak resident memory so far
    (imports included): what a worker needs, at no cost (tracing every
    allocation would slow the case down by a third).
    """
    row = _unfinished_row(task, worker=_worker_name())
    start = time.perf_counter()
    try:
        volume = Volume.from_nifti(task["image"], task["label"] or None)
        result = Compose([task["transform"]])(volume, rng=sample_rng(task["seed"], task["index"]))
        paths = save_volume(result, task["out_dir"], task["case"])
        row.update(
            status="done",
            output_image=str(paths["image"]),
            output_label=str(paths.get("label", "")),
            output_history=str(paths["history"]),
            output_hash=output_hash(result),
            history=records_to_json(result.history),
        )
    except Exception as exc:  # one bad case must not stop the others: it becomes a row
        row["error"] = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    row["seconds"] = round(time.perf_counter() - start, 3)
    row["peak_memory_mib"] = peak_rss_mib()
    return row


def peak_rss_mib() -> float:
    """Largest resident memory of this process so far, in MiB (on a worker: the worker's)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def describe_pipeline(pipeline: Transform) -> str:
    """The text that identifies a pipeline in the manifest (its ``repr``); resume compares it.

    A :class:`~tutorial_utils.pipeline.Compose` of package functions and
    ``functools.partial`` objects has a stable repr. A lambda's or an
    object's default repr holds a memory address that changes every session,
    so resume cannot recognise it: this warns then.
    """
    text = repr(pipeline)
    if re.search(r" at 0x[0-9a-fA-F]+", text):
        warnings.warn(
            f"the pipeline's repr holds a memory address ({text[:60]}...), which changes every session, "
            "so resume=True cannot recognise finished cases in a later session; build it from module-level "
            "functions and functools.partial inside a Compose",
            UserWarning,
            stacklevel=3,
        )
    return text


def _unfinished_row(task: dict[str, Any], *, worker: str) -> dict[str, Any]:
    """The manifest row of ``task`` before it is done: its identity, status failed, no outputs."""
    row = {k: task[k] for k in ("case", "index", "image", "label", "pipeline", "seed")}
    row.update(
        status="failed",
        error="",
        output_image="",
        output_label="",
        output_history="",
        output_hash="",
        history="",
        worker=worker,
    )
    return row


def _failed_row(task: dict[str, Any], error: BaseException) -> dict[str, Any]:
    """The row of a case whose worker never returned one (Dask gave up on it or the call raised)."""
    row = _unfinished_row(task, worker="")
    row.update(error=f"{type(error).__name__}: {error}", seconds=float("nan"), peak_memory_mib=float("nan"))
    return row


def preprocess_dataset(
    cases: Any,
    pipeline: Transform,
    out_dir: str | os.PathLike[str],
    *,
    client: Any = None,
    seed: int = 0,
    resume: bool = True,
    n_workers: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Run ``pipeline`` on every case of a dataset on a Dask cluster and save the results, with a manifest.

    Case ``i`` is read on a worker, transformed with
    ``pipeline(volume, rng=sample_rng(seed, i))`` and saved atomically as
    ``out_dir/<case>.nii.gz`` (+ ``_label.nii.gz``, ``_history.json``), so
    the files do not depend on the number of workers, on which worker got a
    case, or on the order in which cases finish. ``out_dir/manifest.csv`` is
    rewritten (atomically) as cases finish.

    Parameters
    ----------
    cases : path-like or list
        A dataset folder in the nnU-Net raw layout, or a list of
        ``(image_path, label_path_or_None)`` pairs.
    pipeline : callable
        ``pipeline(volume, *, rng) -> Volume``, e.g. ``plan.pipeline()`` or a
        :class:`~tutorial_utils.pipeline.Compose`. It travels to the workers
        pickled (cloudpickle), so lambdas work, but resume recognises a run
        by ``repr(pipeline)``: prefer module-level functions and partials.
    out_dir : path-like
        Created if missing.
    client : None, str or distributed.Client
        None starts a ``LocalCluster`` with ``n_workers`` single-threaded
        workers (default one per CPU) for this call; an address
        (``"tcp://host:8786"``) or a Client runs on that cluster. Workers
        need ``tutorial_utils`` installed and the paths readable and
        writable (shared storage).
    seed : int
        Seed of the run.
    resume : bool
        Skip cases that the manifest in ``out_dir`` lists as done with the
        same pipeline, seed, index and input paths and whose files exist
        (status ``"skipped"``); everything else is (re)done.
    n_workers : int, optional
        Workers of the local cluster when ``client`` is None.
    progress : bool
        Show a progress bar (the dashboard link is printed when Dask serves one).

    Returns
    -------
    pandas.DataFrame
        The manifest, one row per case in case order: ``case``, ``index``,
        ``status`` (done / failed / skipped), ``error``, ``seconds``,
        ``peak_memory_mib``, input and output paths, ``output_hash``,
        ``history`` (JSON), ``pipeline``, ``seed``, ``worker``. Failed cases
        do not raise: a warning says how many failed.

    Examples
    --------
    >>> from functools import partial
    >>> import tempfile, tutorial_utils as tu
    >>> data = tu.make_sample_dataset(tempfile.mkdtemp(), n_cases=2, scale=0.05)
    >>> steps = tu.Compose([partial(tu.resample_to_spacing, spacing=4.0)])
    >>> out = preprocess_dataset(data, steps, tempfile.mkdtemp(), n_workers=1, progress=False)
    >>> out[["case", "status"]].values.tolist()
    [['case_000', 'done'], ['case_001', 'done']]
    """
    found = list_cases(cases)
    if not callable(pipeline):
        raise TypeError(f"pipeline must be a callable pipeline(volume, *, rng) -> Volume; got {describe(pipeline)}")
    seed = check_non_negative_int(seed, "seed")
    if not isinstance(resume, bool):
        raise TypeError(f"resume must be True or False; got {describe(resume)}")
    folder = check_writable_folder(out_dir, "out_dir")
    manifest_path = folder / MANIFEST_NAME
    text = describe_pipeline(pipeline)
    previous = read_manifest(manifest_path) if resume and manifest_path.exists() else None

    rows: dict[str, dict[str, Any]] = {}
    todo = []
    for index, case in enumerate(found):
        task = {
            "case": case.name,
            "index": index,
            "image": str(case.image),
            "label": "" if case.label is None else str(case.label),
            "pipeline": text,
            "seed": seed,
        }
        done = completed_row(previous, task)
        if done is not None:
            rows[case.name] = {**done, "status": "skipped", "seconds": 0.0}
        else:
            todo.append({**task, "transform": pipeline, "out_dir": str(folder)})

    writer = ManifestWriter(manifest_path, rows)
    try:
        if todo:
            from .cluster import dask_client, input_size, run_tasks

            sizes = [input_size(task["image"]) for task in todo]
            with dask_client(client, n_workers=n_workers) as active:
                results = run_tasks(
                    active, process_case, todo, progress=progress, desc="preprocessing", priorities=sizes
                )
                for position, row, error in results:
                    writer.add(row if error is None else _failed_row(todo[position], error))
    finally:  # also on an interruption (Ctrl-C, a lost scheduler): what finished is on record for resume
        writer.flush()
    manifest = to_frame(rows)
    failed = manifest[manifest["status"] == "failed"]
    if len(failed):
        warnings.warn(
            f"{len(failed)} of {len(manifest)} cases failed ({', '.join(failed['case'][:5])}"
            f"{', ...' if len(failed) > 5 else ''}); their errors are in the manifest's 'error' column "
            f"({manifest_path})",
            UserWarning,
            stacklevel=2,
        )
    return manifest
