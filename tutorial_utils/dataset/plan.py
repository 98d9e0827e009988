"""A preprocessing plan derived from a dataset fingerprint, with the rule behind each number.

The rules are nnU-Net's (Isensee et al., 2021, and the default experiment
planner of its repository), written out here so a reader can check them:

* **target spacing**: the median spacing of each axis. When one axis is
  strongly anisotropic (its median spacing more than 3x the others' and its
  median size less than a third of theirs), that axis gets the 10th
  percentile of its spacings instead, but never finer than the other axes:
  with the median, the few thick slices would be interpolated badly.
* **crop-or-pad shape**: the median shape after resampling, rounded up to a
  multiple of 16 so that four 2x poolings of a U-Net divide it. Larger scans
  are centre-cropped, smaller ones padded; the notes say how many of each.
* **normalization**: for CT, clip to the 0.5 and 99.5 percentiles of the
  foreground intensities of the whole dataset, then subtract their mean and
  divide by their standard deviation, the same numbers for every scan (HU
  are physical units). Other modalities: a z-score per scan over its
  nonzero voxels.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import as_triple, check_non_negative_int, describe
from ..crop import crop_or_pad_volume
from ..intensity import normalize_volume
from ..pipeline import Compose
from ..spatial import reorient, resample_to_spacing
from .transforms import ct_normalize_volume

if TYPE_CHECKING:
    from .fingerprint import DatasetFingerprint

#: nnU-Net's ANISO_THRESHOLD: a median spacing this many times the others' counts as anisotropic.
ANISOTROPY_THRESHOLD = 3.0
#: Percentile of the spacings taken for the low-resolution axis of anisotropic data (nnU-Net: 10).
LOW_RES_PERCENTILE = 10
NORMALIZATIONS = ("ct", "zscore")


@dataclass(frozen=True)
class PreprocessingPlan:
    """Target spacing, crop-or-pad shape and intensity normalization for a whole dataset.

    Build one with ``fingerprint.plan()``; turn it into a pipeline with
    :meth:`pipeline`. Spacing and shape are in RAS order (the pipeline
    reorients every scan to RAS first).

    Attributes
    ----------
    target_spacing : (3,) tuple of float
        Voxel size in mm after resampling.
    shape : (3,) tuple of int
        Shape after crop-or-pad.
    normalization : {"ct", "zscore"}
    clip : (low, high) or None
        CT clip range in HU.
    mean, std : float or None
        CT foreground mean and standard deviation in HU.
    notes : tuple of str
        Why each number is what it is.

    Examples
    --------
    >>> plan = PreprocessingPlan((1.0, 1.0, 2.5), (64, 64, 32), "ct", clip=(-900.0, 1100.0), mean=50.0, std=300.0)
    >>> print(plan.pipeline())
    Compose([
        reorient,
        resample_to_spacing(spacing=(1.0, 1.0, 2.5)),
        ct_normalize_volume(low=-900.0, high=1100.0, mean=50.0, std=300.0),
        crop_or_pad_volume(shape=(64, 64, 32)),
    ])
    """

    target_spacing: tuple[float, float, float]
    shape: tuple[int, int, int]
    normalization: str = "ct"
    clip: tuple[float, float] | None = None
    mean: float | None = None
    std: float | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "target_spacing", as_triple(self.target_spacing, "target_spacing", positive=True, allow_zero=False)
        )
        object.__setattr__(self, "shape", as_triple(self.shape, "shape", positive=True, integer=True, allow_zero=False))
        if self.normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}; got {self.normalization!r}")
        if self.normalization == "ct":
            if self.clip is None or self.mean is None or self.std is None:
                raise ValueError("a CT plan needs clip, mean and std (from the dataset's foreground intensities)")
            object.__setattr__(self, "clip", (float(self.clip[0]), float(self.clip[1])))
        object.__setattr__(self, "notes", tuple(self.notes))

    def pipeline(self) -> Compose:
        """The deterministic preprocessing pipeline: to RAS, resample, normalize, crop or pad."""
        if self.normalization == "ct":
            low, high = self.clip  # type: ignore[misc]
            normalize = partial(ct_normalize_volume, low=low, high=high, mean=self.mean, std=self.std)
        else:
            normalize = partial(normalize_volume, method="zscore", mask="nonzero")
        return Compose(
            [
                reorient,
                partial(resample_to_spacing, spacing=self.target_spacing),
                normalize,
                partial(crop_or_pad_volume, shape=self.shape),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain values, ready for JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> PreprocessingPlan:
        """Inverse of :meth:`to_dict` (lists become tuples)."""
        if not isinstance(values, dict):
            raise TypeError(f"values must be a dict from PreprocessingPlan.to_dict(); got {describe(values)}")
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls(**fields)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the plan as JSON and return the path; read it back with :meth:`load`."""
        target = Path(path)
        target.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PreprocessingPlan:
        """Read a plan written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text()))

    def __str__(self) -> str:
        spacing = " x ".join(f"{s:g}" for s in self.target_spacing)
        lines = [
            "Preprocessing plan (axes in RAS order: x left-right, y front-back, z head-feet)",
            "  1. reorient to RAS        exact, no interpolation",
            f"  2. resample to            {spacing} mm (image linear, label nearest)",
        ]
        if self.normalization == "ct":
            lines.append(
                f"  3. CT normalization       clip to [{self.clip[0]:g}, {self.clip[1]:g}] HU, "  # type: ignore[index]
                f"then (HU - {self.mean:g}) / {self.std:g}"
            )
        else:
            lines.append("  3. z-score per scan       over its nonzero voxels")
        lines.append(f"  4. crop or pad to         {' x '.join(str(n) for n in self.shape)} voxels")
        lines += ["Why:"] + [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


def _target_spacing(spacings: np.ndarray, shapes: np.ndarray) -> tuple[np.ndarray, str]:
    target = np.median(spacings, axis=0)
    median_shape = np.median(shapes, axis=0)
    worst = int(np.argmax(target))
    others = [a for a in range(3) if a != worst]
    anisotropic_spacing = target[worst] > ANISOTROPY_THRESHOLD * max(target[others])
    anisotropic_voxels = median_shape[worst] * ANISOTROPY_THRESHOLD < min(median_shape[others])
    axis = "xyz"[worst]
    if not (anisotropic_spacing and anisotropic_voxels):
        return target, (
            f"target spacing = median spacing of each axis; the coarsest median ({axis}, "
            f"{target[worst]:.3g} mm) is {target[worst] / max(target[others]):.2f}x the next, "
            f"under nnU-Net's anisotropy threshold of {ANISOTROPY_THRESHOLD:g}"
        )
    low_res = max(float(np.percentile(spacings[:, worst], LOW_RES_PERCENTILE)), float(max(target[others])))
    note = (
        f"anisotropic: the {axis} axis's median spacing ({target[worst]:.3g} mm) is over "
        f"{ANISOTROPY_THRESHOLD:g}x the others' and its median size under a third of theirs, so it gets the "
        f"{LOW_RES_PERCENTILE}th percentile of its spacings ({low_res:.3g} mm, never finer than the other axes): "
        "with the median, the few thick slices would be interpolated badly (nnU-Net's rule)"
    )
    target[worst] = low_res
    return target, note


def make_plan(
    fingerprint: DatasetFingerprint, *, normalization: str | None = None, multiple: int = 16
) -> PreprocessingPlan:
    """Apply the rules of this module to a fingerprint.

    Parameters
    ----------
    fingerprint : DatasetFingerprint
    normalization : {"ct", "zscore"}, optional
        Default: ``"ct"`` when the fingerprint's modality is CT, else ``"zscore"``.
    multiple : int
        The crop-or-pad shape is rounded up to a multiple of this (16 for
        four 2x poolings).
    """
    multiple = check_non_negative_int(multiple, "multiple")
    if multiple < 1:
        raise ValueError(f"multiple must be >= 1; got {multiple}")
    if normalization is None:
        normalization = "ct" if fingerprint.modality.upper() == "CT" else "zscore"
    spacings, shapes = fingerprint.spacings, fingerprint.shapes
    if len(spacings) == 0:
        raise ValueError("the fingerprint has no readable case; fix or remove the failed ones first")
    target, spacing_note = _target_spacing(spacings, shapes)
    target = np.round(target, 4)
    resampled = np.floor(shapes * spacings / target + 0.5)
    shape = tuple(int(math.ceil(n / multiple) * multiple) for n in np.median(resampled, axis=0))
    cropped = [int((resampled[:, a] > shape[a]).sum()) for a in range(3)]
    notes = [
        spacing_note,
        (
            f"crop-or-pad shape = median shape after resampling, rounded up to a multiple of {multiple}; "
            f"centre-cropped along x, y, z: {cropped[0]}, {cropped[1]}, {cropped[2]} of {len(shapes)} cases"
        ),
    ]
    if normalization == "ct":
        stats = fingerprint.intensity
        clip = (round(stats["percentile_00_5"], 2), round(stats["percentile_99_5"], 2))
        mean, std = round(stats["mean"], 2), round(stats["std"], 2)
        notes.append(
            f"CT: clip to the 0.5 and 99.5 percentiles of the foreground HU of all cases, then subtract "
            f"their mean and divide by their std ({stats['samples']:,} samples)"
        )
        return PreprocessingPlan(tuple(target), shape, "ct", clip, mean, std, tuple(notes))
    notes.append("not CT: intensities have no physical unit, so each scan is z-scored over its nonzero voxels")
    return PreprocessingPlan(tuple(target), shape, "zscore", notes=tuple(notes))
