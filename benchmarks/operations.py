"""The operations compared, their shared settings and their targets.

Every library's implementation (``ops_ours.py``, ``ops_torchio.py``,
``ops_monai.py``) reads its parameters from here, so the three cannot drift
apart. Each implementation's docstring says how its settings were matched.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Resample from 1 mm to this isotropic voxel size (mm).
RESAMPLE_SPACING = 1.5
#: Resize the image to this shape (a typical network input).
RESIZE_SHAPE = (128, 128, 128)
#: Rotate by this angle (degrees) in the plane of array axes 0 and 1 (about axis 2).
ROTATE_DEGREES = 15.0
#: Flip along this array axis.
FLIP_AXIS = 0
#: Centre-crop to this shape.
CENTER_CROP_SHAPE = (128, 128, 128)
#: Crop or pad (centred) to this shape: pads some axes of the MNI volume, crops others.
CROP_OR_PAD_SHAPE = (224, 224, 224)
#: Percentiles for the percentile clip.
PERCENTILES = (0.5, 99.5)
#: Composed random affine: rotation drawn in [-DEG, DEG] about each axis, isotropic
#: scale in SCALES, translation in [-SHIFT, SHIFT] mm per axis, one resampling.
AFFINE_DEGREES = 10.0
AFFINE_SCALES = (0.9, 1.1)
AFFINE_SHIFT_MM = 10.0
#: Elastic: B-spline control points per axis (ours and TorchIO) and our bound on
#: the displacement (mm). The peers' strengths are calibrated to give the same
#: *measured* mean displacement on the MNI volume (see ``elastic_match.py``).
ELASTIC_CONTROL_POINTS = 7
ELASTIC_MAX_DISPLACEMENT_MM = 8.0
#: Slider steps of the viewer benchmark: the axial index moves by this many voxels per update.
VIEWER_STEP = 7


@dataclass(frozen=True)
class Operation:
    """One benchmarked operation.

    ``target`` is the largest acceptable ratio of our median time to the faster
    peer's (issue 10; resize: 1.5x MONAI's wall time with every library's default threads and 1.0x its
    CPU time with one thread each, issue 22); ``with_label`` says whether the label map is transformed
    too (Volume transforms), in every library. ``clock`` is what is compared: ``"wall"`` (elapsed
    time, each library with its default threads: all cores) or ``"cpu"`` (the process's CPU time, with
    ``threads`` threads in every library: like with like).
    """

    key: str
    title: str
    target: float
    with_label: bool = False
    clock: str = "wall"
    threads: int | None = None


OPERATIONS: tuple[Operation, ...] = (
    Operation("resample", f"resample to {RESAMPLE_SPACING} mm (linear; label nearest)", 0.5, True),
    Operation("resample_aa", f"resample to {RESAMPLE_SPACING} mm, anti-aliased (label nearest)", 0.5, True),
    Operation("resize", "resize to 128^3 (linear; wall time, all cores)", 1.5),
    Operation("resize_1t", "resize to 128^3 (linear; CPU time, one thread each)", 1.0, clock="cpu", threads=1),
    Operation("random_affine", "composed random affine (linear; label nearest)", 1.0, True),
    Operation("rotate", f"rotate {ROTATE_DEGREES:g} deg (linear)", 0.5),
    Operation("flip", f"flip axis {FLIP_AXIS}", 0.5),
    Operation("center_crop", "centre crop to 128^3", 0.5),
    Operation("crop_or_pad", "crop or pad to 224^3", 0.5),
    Operation("percentile_clip", f"percentile clip {PERCENTILES[0]}-{PERCENTILES[1]}", 0.5),
    Operation("zscore", "z-score inside the nonzero mask", 0.5),
    Operation("minmax", "min-max to [0, 1]", 0.5),
    Operation("elastic", "random elastic (linear; label nearest)", 0.15, True),
    Operation("viewer", "viewer update (move the axial slice, 960 px PNG)", 0.5),
)

#: Largest acceptable peak memory, as a multiple of the image's size in bytes (issue 18).
MEMORY_TARGET = 4.0

OPERATION_BY_KEY = {op.key: op for op in OPERATIONS}
