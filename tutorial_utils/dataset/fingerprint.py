"""The fingerprint of a dataset: what its scans look like, measured case by case on Dask.

nnU-Net (Isensee et al., 2021) showed that a few numbers about a dataset fix
most preprocessing choices: the voxel spacings and shapes (for the target
spacing and the crop size) and the intensities inside the labelled
foreground (for the CT clip range and normalization). We compute them the
same way, in our own code:

* per case: shape and spacing, in the array's order and in RAS order (the
  order after reorienting to RAS, which is what the plan resamples), the
  orientation letters, the spacing anisotropy, statistics of the foreground
  intensities and a random sample of them (10,000 voxels per case by
  default, drawn with replacement from ``sample_rng(seed, index)``; nnU-Net
  v2's per-case function has the same default, but its ``run()`` passes
  ``int(10e7 // n_cases)`` per case, see notebook 09's References);
* for the dataset: median spacing and shape, and the mean, standard
  deviation and 0.5 / 99.5 percentiles of the pooled foreground samples.

The foreground is ``label > 0``; a case without a label uses every voxel.
"""

from __future__ import annotations

import functools
import json
import os
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import check_non_negative_int
from ..seeding import sample_rng
from ..volume import Volume
from .cases import list_cases, read_dataset_json
from .ops import in_ras_order

if TYPE_CHECKING:
    import pandas as pd

    from .plan import PreprocessingPlan

#: Foreground voxels sampled per case by default (the default argument of nnU-Net v2's per-case function;
#: its ``run()`` passes ``int(10e7 // n_cases)``).
SAMPLES_PER_CASE = 10_000
PERCENTILES = (0.5, 50.0, 99.5)
#: Columns of :attr:`DatasetFingerprint.cases`, in order.
CASE_COLUMNS = (
    "case",
    "index",
    "image",
    "label",
    "status",
    "error",
    "axcodes",
    "shape",
    "spacing",
    "shape_ras",
    "spacing_ras",
    "anisotropy",
    "foreground_voxels",
    "fg_mean",
    "fg_median",
    "fg_p00_5",
    "fg_p99_5",
    "seconds",
)


def fingerprint_case(task: dict[str, Any]) -> dict[str, Any]:
    """Measure one case; runs on a worker. A case that cannot be read becomes a ``"failed"`` row."""
    row: dict[str, Any] = {k: task[k] for k in ("case", "index", "image", "label")}
    row.update(status="failed", error="")
    start = time.perf_counter()
    try:
        volume = Volume.from_nifti(task["image"], task["label"] or None)
        foreground = volume.image if volume.label is None else volume.image[volume.label > 0]
        foreground = foreground.ravel()
        n_samples = task["samples_per_case"]
        if n_samples is None or foreground.size == 0:
            samples = foreground.copy()
        else:
            samples = sample_rng(task["seed"], task["index"]).choice(foreground, n_samples, replace=True)
        low, median, high = np.percentile(foreground, PERCENTILES) if foreground.size else (np.nan,) * 3
        row.update(
            status="done",
            axcodes="".join(volume.axcodes),
            shape=volume.shape,
            spacing=tuple(round(s, 6) for s in volume.spacing),
            shape_ras=in_ras_order(volume.shape, volume.affine),
            spacing_ras=tuple(round(s, 6) for s in in_ras_order(volume.spacing, volume.affine)),
            anisotropy=round(max(volume.spacing) / min(volume.spacing), 3),
            foreground_voxels=int(foreground.size),
            fg_mean=float(np.mean(foreground, dtype=np.float64)) if foreground.size else np.nan,
            fg_median=float(median),
            fg_p00_5=float(low),
            fg_p99_5=float(high),
            samples=samples.astype(np.float32),
        )
    except Exception as exc:  # a case that cannot be read is reported, not fatal
        row["error"] = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    row["seconds"] = round(time.perf_counter() - start, 3)
    return row


@dataclass(frozen=True, eq=False)
class DatasetFingerprint:
    """What a dataset's scans look like; make a preprocessing plan from it with :meth:`plan`.

    Attributes
    ----------
    cases : pandas.DataFrame
        One row per case: ``case``, ``index``, ``image``, ``label``,
        ``status`` (done / failed), ``error``, ``axcodes``, ``shape``,
        ``spacing`` (array order), ``shape_ras``, ``spacing_ras`` (RAS
        order), ``anisotropy``, ``foreground_voxels``, ``fg_mean``,
        ``fg_median``, ``fg_p00_5``, ``fg_p99_5``, ``seconds``.
    samples : dict
        Case name -> float32 sample of its foreground intensities.
    modality : str
        ``dataset.json``'s first channel name (``"CT"`` unless it says otherwise).
    """

    cases: pd.DataFrame
    samples: dict[str, np.ndarray]
    modality: str = "CT"

    @property
    def read(self) -> pd.DataFrame:
        """The rows of the cases that could be read."""
        return self.cases[self.cases["status"] == "done"]

    @property
    def spacings(self) -> np.ndarray:
        """``(N, 3)`` spacings in RAS order of the cases that could be read (mm)."""
        return np.array(self.read["spacing_ras"].tolist(), dtype=np.float64).reshape(-1, 3)

    @property
    def shapes(self) -> np.ndarray:
        """``(N, 3)`` shapes in RAS order of the cases that could be read."""
        return np.array(self.read["shape_ras"].tolist(), dtype=np.float64).reshape(-1, 3)

    @property
    def median_spacing(self) -> tuple[float, float, float]:
        """Median spacing per axis in mm, in RAS order (x: left-right, y: front-back, z: head-feet)."""
        return tuple(float(v) for v in np.median(self.spacings, axis=0))  # type: ignore[return-value]

    @property
    def median_shape(self) -> tuple[float, float, float]:
        """Median shape per axis, in RAS order."""
        return tuple(float(v) for v in np.median(self.shapes, axis=0))  # type: ignore[return-value]

    @property
    def anisotropy(self) -> float:
        """Largest over smallest median spacing (3 or more: strongly anisotropic, nnU-Net's threshold)."""
        spacing = self.median_spacing
        return max(spacing) / min(spacing)

    @functools.cached_property
    def intensity(self) -> dict[str, float]:
        """Statistics of the pooled foreground samples: mean, std, median, min, max, percentile_00_5, percentile_99_5."""
        pooled = np.concatenate([self.samples[c] for c in self.read["case"]] or [np.zeros(0, np.float32)])
        if pooled.size == 0:
            raise ValueError("the fingerprint has no foreground intensities: no case could be read")
        pooled = pooled.astype(np.float64)
        low, median, high = np.percentile(pooled, PERCENTILES)
        return {
            "mean": float(pooled.mean()),
            "std": float(pooled.std()),
            "median": float(median),
            "min": float(pooled.min()),
            "max": float(pooled.max()),
            "percentile_00_5": float(low),
            "percentile_99_5": float(high),
            "samples": int(pooled.size),
        }

    def plan(self, *, normalization: str | None = None, multiple: int = 16) -> PreprocessingPlan:
        """The preprocessing plan this fingerprint implies; see :func:`~tutorial_utils.dataset.plan.make_plan`."""
        from .plan import make_plan

        return make_plan(self, normalization=normalization, multiple=multiple)

    def to_dict(self) -> dict[str, Any]:
        """The dataset-level numbers and one entry per case, as plain JSON-ready values (no samples)."""
        per_case = json.loads(self.cases.to_json(orient="records"))
        return {
            "modality": self.modality,
            "median_spacing": list(self.median_spacing),
            "median_shape": list(self.median_shape),
            "anisotropy": self.anisotropy,
            "foreground_intensity": self.intensity,
            "cases": per_case,
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_dict` as JSON (atomically) and return the path."""
        target = Path(path)
        temporary = target.with_name(f".{target.name}.partial-{os.getpid()}")
        temporary.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        os.replace(temporary, target)
        return target

    def __str__(self) -> str:
        read, n = len(self.read), len(self.cases)
        lines = [f"Dataset fingerprint: {n} cases, {read} read, {n - read} failed; modality {self.modality}"]
        lines.append(f"{'':22s}{'median':>10s}{'min':>10s}{'max':>10s}")
        for name, values, unit in (("spacing", self.spacings, " (mm)"), ("shape", self.shapes, "")):
            for axis, letter in enumerate("xyz"):
                column = values[:, axis]
                lines.append(
                    f"{f'{name} {letter}{unit}':22s}"
                    + "".join(f"{v:10.4g}" for v in (np.median(column), column.min(), column.max()))
                )
        counts = Counter(self.read["axcodes"])
        lines.append("orientations: " + ", ".join(f"{code} {k}" for code, k in sorted(counts.items())))
        lines.append(f"anisotropy of the median spacing (max/min): {self.anisotropy:.2f}")
        i = self.intensity
        lines.append(
            f"foreground intensity: mean {i['mean']:.1f}, std {i['std']:.1f}, 0.5 % {i['percentile_00_5']:.1f}, "
            f"99.5 % {i['percentile_99_5']:.1f} ({i['samples']:,} samples)"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"DatasetFingerprint({len(self.cases)} cases, modality={self.modality!r})"


def fingerprint_dataset(
    cases: Any,
    *,
    client: Any = None,
    samples_per_case: int | None = SAMPLES_PER_CASE,
    seed: int = 0,
    n_workers: int | None = None,
    progress: bool = True,
) -> DatasetFingerprint:
    """Measure every case of a dataset in parallel on Dask and collect a :class:`DatasetFingerprint`.

    Parameters
    ----------
    cases : path-like or list
        A dataset folder in the nnU-Net raw layout, or a list of
        ``(image_path, label_path_or_None)`` pairs.
    client : None, str or distributed.Client
        As in :func:`~tutorial_utils.dataset.preprocess.preprocess_dataset`.
    samples_per_case : int or None
        Foreground voxels sampled per case for the dataset's intensity
        statistics; None keeps every foreground voxel (exact, more memory).
    seed : int
        Seed of the sampling (case ``i`` draws from ``sample_rng(seed, i)``).
    n_workers : int, optional
        Workers of the local cluster when ``client`` is None.
    progress : bool
        Show a progress bar.

    Returns
    -------
    DatasetFingerprint
        Cases that cannot be read are rows with ``status="failed"`` and
        their error (a warning says how many); the statistics use the others.

    Examples
    --------
    >>> import tempfile, tutorial_utils as tu
    >>> data = tu.make_sample_dataset(tempfile.mkdtemp(), n_cases=3, scale=0.05)
    >>> fp = fingerprint_dataset(data, n_workers=1, progress=False)
    >>> len(fp.cases), fp.median_spacing[2] >= 0.8
    (3, True)
    """
    found = list_cases(cases)
    if samples_per_case is not None:
        samples_per_case = check_non_negative_int(samples_per_case, "samples_per_case")
        if samples_per_case < 1:
            raise ValueError(f"samples_per_case must be >= 1 or None; got {samples_per_case}")
    seed = check_non_negative_int(seed, "seed")
    tasks = [
        {
            "case": c.name,
            "index": i,
            "image": str(c.image),
            "label": "" if c.label is None else str(c.label),
            "samples_per_case": samples_per_case,
            "seed": seed,
        }
        for i, c in enumerate(found)
    ]
    from .cluster import dask_client, input_size, run_tasks

    rows: list[dict[str, Any]] = [{}] * len(tasks)
    sizes = [input_size(task["image"]) for task in tasks]
    with dask_client(client, n_workers=n_workers) as active:
        results = run_tasks(active, fingerprint_case, tasks, progress=progress, desc="fingerprint", priorities=sizes)
        for position, row, error in results:
            if error is not None:
                row = {
                    **{k: tasks[position][k] for k in ("case", "index", "image", "label")},
                    "status": "failed",
                    "error": f"{type(error).__name__}: {error}",
                }
            rows[position] = row
    return _collect(rows, cases)


def _collect(rows: list[dict[str, Any]], cases: Any) -> DatasetFingerprint:
    import pandas as pd

    samples = {row["case"]: row.pop("samples") for row in rows if "samples" in row}
    frame = pd.DataFrame.from_records(rows, columns=list(CASE_COLUMNS))
    failed = frame[frame["status"] == "failed"]
    if len(failed):
        warnings.warn(
            f"{len(failed)} of {len(frame)} cases could not be read ({', '.join(failed['case'][:5])}); "
            "see the fingerprint's cases['error']",
            UserWarning,
            stacklevel=3,
        )
    modality = "CT"
    if isinstance(cases, (str, os.PathLike)):
        modality = str(read_dataset_json(cases).get("channel_names", {}).get("0", "CT"))
    return DatasetFingerprint(frame, samples, modality)
