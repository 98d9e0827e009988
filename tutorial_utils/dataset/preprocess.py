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
import resource
import sys
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import check_non_negative_int, describe
from ..io import check_writable_folder, save_volume
from ..pipeline import Compose
from ..records import records_to_json
from ..seeding import sample_rng
from ..volume import Volume
from .cases import Case, list_cases
from .identity import pipeline_hash
from .manifest import MANIFEST_NAME, ManifestWriter, completed_row, file_digest, read_manifest, to_frame
from .outputs import check_out_dir, check_output_names, output_paths, remove_outputs

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

    ``task`` holds the row's identity (:func:`case_task`) plus ``transform``
    (the pipeline) and ``out_dir``. The row records the outputs' total size
    and the SHA-256 of their bytes, which resume checks. Its
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
        written = [paths[k] for k in ("image", "label", "history") if k in paths]
        size, sha256 = file_digest(written)
        row.update(
            status="done",
            output_image=str(paths["image"]),
            output_label=str(paths.get("label", "")),
            output_history=str(paths["history"]),
            output_hash=output_hash(result),
            output_bytes=size,
            output_sha256=sha256,
            history=records_to_json(result.history),
        )
    except Exception as exc:  # one bad case must not stop the others: it becomes a row
        row["error"] = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    row["seconds"] = round(time.perf_counter() - start, 3)
    row["peak_memory_mib"] = peak_rss_mib()
    return row


def case_task(
    case: Case, index: int, *, seed: int, pipeline: Transform, text: str, identity: str, out_dir: Path
) -> dict[str, Any]:
    """What :func:`process_case` needs for case ``index``: the row's identity, the pipeline and ``out_dir``."""
    return {
        "case": case.name,
        "index": index,
        "image": str(case.image),
        "label": "" if case.label is None else str(case.label),
        "pipeline": text,
        "pipeline_hash": identity,
        "seed": seed,
        "transform": pipeline,
        "out_dir": str(out_dir),
    }


def peak_rss_mib() -> float:
    """Largest resident memory of this process so far, in MiB (on a worker: the worker's)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def describe_pipeline(pipeline: Transform, *, resume: bool = True) -> tuple[str, str]:
    """The pipeline's text for the manifest (its ``repr``, for people) and its identity (for resume).

    Resume compares the identity, a hash of every step's code and
    parameters (:func:`~tutorial_utils.dataset.identity.pipeline_hash`), so a
    nested step edited from 4 mm to 3 mm, a lambda or a local function is
    recognised as it is, across sessions too. Should a part of the pipeline
    be impossible to identify (an object that can be neither walked nor
    pickled), the identity is new for this call: no earlier output is
    trusted, and with ``resume`` a warning names what could not be identified.
    """
    found = pipeline_hash(pipeline)
    if found.unidentified and resume:
        warnings.warn(
            f"resume cannot tell whether {', '.join(found.unidentified)} in the pipeline changed since an "
            "earlier run, so every case is done again (pass resume=False to say that is what you want, or "
            "give the pipeline plain values, arrays, functions or picklable objects)",
            UserWarning,
            stacklevel=3,
        )
    if found.unidentified:
        return repr(pipeline), f"unidentified-{uuid.uuid4().hex}"
    return repr(pipeline), found.digest


def _unfinished_row(task: dict[str, Any], *, worker: str) -> dict[str, Any]:
    """The manifest row of ``task`` before it is done: its identity, status failed, no outputs."""
    row = {k: task[k] for k in ("case", "index", "image", "label", "pipeline", "pipeline_hash", "seed")}
    row.update(
        status="failed",
        error="",
        output_image="",
        output_label="",
        output_history="",
        output_hash="",
        output_bytes=None,
        output_sha256="",
        history="",
        worker=worker,
    )
    return row


def _failed_row(task: dict[str, Any], error: BaseException) -> dict[str, Any]:
    """The row of a case whose worker never returned one (Dask gave up on it or the call raised)."""
    row = _unfinished_row(task, worker="")
    row.update(error=f"{type(error).__name__}: {error}", seconds=float("nan"), peak_memory_mib=float("nan"))
    return row


def _tidy(row: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Remove what an earlier run left that ``row`` does not vouch for, and say so in a failed row's error."""
    if row["status"] == "failed":
        removed = remove_outputs(folder, row["case"])
        if removed:
            row = {**row, "error": f"{row['error']} (removed the outputs of an earlier run: {', '.join(removed)})"}
    elif not row["output_label"]:
        remove_outputs(folder, row["case"], kinds=("label",))
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

    Nothing is overwritten by accident: ``out_dir`` is refused when it holds
    an input or lies in (or is) an input's folder, and two cases whose output
    names would collide (``scan``'s label output is ``scan_label.nii.gz``,
    the image output of a case ``scan_label``) are refused naming both, before
    any case runs (see :mod:`~tutorial_utils.dataset.outputs`).

    Parameters
    ----------
    cases : path-like or list
        A dataset folder in the nnU-Net raw layout, or a list of
        ``(image_path, label_path_or_None)`` pairs.
    pipeline : callable
        ``pipeline(volume, *, rng) -> Volume``, e.g. ``plan.pipeline()`` or a
        :class:`~tutorial_utils.pipeline.Compose`. It travels to the workers
        pickled (cloudpickle), so lambdas and local functions work, and resume
        recognises it by a hash of every step's code and parameters, nested
        ones included (:func:`~tutorial_utils.dataset.identity.pipeline_hash`).
    out_dir : path-like
        Created if missing; apart from every input folder.
    client : None, str or distributed.Client
        None starts a ``LocalCluster`` with ``n_workers`` single-threaded
        workers (default one per CPU) for this call and closes it afterwards,
        also when a Client of your own is open in this process (yours is left
        alone and is not used: pass it here to run on its cluster). An address
        (``"tcp://host:8786"``) or a Client runs on that cluster; a Client
        passed in stays open. Workers need ``tutorial_utils`` installed and
        the paths readable and writable (shared storage); the client writes
        the manifest, so it must see ``out_dir`` too.
    seed : int
        Seed of the run.
    resume : bool
        Skip cases that the manifest in ``out_dir`` lists as done with the
        same pipeline hash, seed, index and input paths, and whose output
        files are whole: their total size and the SHA-256 of their bytes
        match the row (status ``"skipped"``). The bytes, not the voxels: a
        truncated or replaced file changes them, and reading them costs far
        less than decompressing the volume again. Everything else is
        (re)done. A manifest that cannot be read raises a ``ValueError``
        naming it (rerun with ``resume=False``, or move it away).
    n_workers : int, optional
        Workers of the local cluster when ``client`` is None.
    progress : bool
        Show a progress bar (the dashboard link is printed when Dask serves one).

    Returns
    -------
    pandas.DataFrame
        The manifest, one row per case in case order: ``case``, ``index``,
        ``status`` (done / failed / skipped), ``error``, ``seconds``,
        ``peak_memory_mib``, input and output paths, ``output_hash`` (of the
        volume), ``output_bytes`` and ``output_sha256`` (of the files),
        ``history`` (JSON), ``pipeline`` (its text), ``pipeline_hash``,
        ``seed``, ``worker``. Failed cases do not raise: a warning says how
        many failed. A failed case's outputs from an earlier run are removed
        (its ``error`` names them), so no stale file stays behind.

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
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a path; got {describe(out_dir)}")
    check_out_dir(out_dir, found)
    check_output_names(found)
    folder = check_writable_folder(out_dir, "out_dir")
    manifest_path = folder / MANIFEST_NAME
    text, identity = describe_pipeline(pipeline, resume=resume)
    previous = read_manifest(manifest_path) if resume and manifest_path.exists() else None

    rows: dict[str, dict[str, Any]] = {}
    todo = []
    for index, case in enumerate(found):
        task = case_task(case, index, seed=seed, pipeline=pipeline, text=text, identity=identity, out_dir=folder)
        done = completed_row(previous, task, output_paths(folder, case.name))
        if done is not None:
            rows[case.name] = {**done, "status": "skipped", "seconds": 0.0}
        else:
            todo.append(task)

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
                    writer.add(_tidy(row if error is None else _failed_row(todo[position], error), folder))
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
