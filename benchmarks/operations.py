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

#: MRI artifacts (issue 24). Motion: two movements (rotation in degrees about the three axes,
#: shift in mm), at these fractions of the scan, k-space segments along the last axis (TorchIO's
#: fixed choice); deterministic in every library (TorchIO's ``Motion``), so the poses match.
MOTION_DEGREES = ((4.0, -3.0, 6.0), (-2.0, 5.0, 3.0))
MOTION_TRANSLATION_MM = ((2.0, -1.0, 3.0), (-3.0, 2.0, 1.0))
MOTION_TIMES = (0.35, 0.7)
MOTION_AXIS = 2
#: Ghosting: every other k-space line (one ghost at N/2) along the anterior-posterior axis loses half its signal.
GHOST_PERIOD = 2
GHOST_INTENSITY = 0.5
GHOST_AXIS = 1
#: Spike: one k-space point at this position (fraction of k-space from its centre, per axis), as
#: high as this fraction of the k-space centre.
SPIKE_POSITION = (0.1, -0.3, 0.25)
SPIKE_INTENSITY = 0.5
#: Gibbs: the central half of k-space kept along every axis (ours: a box; MONAI: a sphere of the
#: same half-width, see ops_monai.py).
GIBBS_FRACTION = 0.5
#: Anisotropy: 4 mm slices along the last axis (1 mm voxels: a downsampling factor of 4).
ANISOTROPY_THICKNESS_MM = 4.0
ANISOTROPY_AXIS = 2
#: Rician noise: standard deviation of each channel's Gaussian noise, in image units (the MNI
#: template spans 0-255).
RICIAN_STD = 5.0
#: The MRI artifacts run on the MRI volumes only (a CT has no k-space; its HU are negative).
MRI_VOLUMES = ("mni", "256")


@dataclass(frozen=True)
class Operation:
    """One benchmarked operation.

    ``target`` is the largest acceptable ratio of our median time to the faster
    peer's (issue 10; resize: 1.5x MONAI's wall time with every library's default threads and 1.0x its
    CPU time with one thread each, issue 22); ``with_label`` says whether the label map is transformed
    too (Volume transforms), in every library. ``clock`` is what is compared: ``"wall"`` (elapsed
    time, each library with its default threads: all cores) or ``"cpu"`` (the process's CPU time, with
    ``threads`` threads in every library: like with like). ``floor`` is the reference our time is also
    divided by: ``"memcpy"`` (a copy of the image) or ``"fft"`` (one forward and one inverse FFT of the
    volume, the floor of a k-space artifact computed the plain way; issue 24). ``volumes`` limits the
    volumes it runs on (None: all): the MRI artifacts skip the CT, which has no k-space.
    """

    key: str
    title: str
    target: float
    with_label: bool = False
    clock: str = "wall"
    threads: int | None = None
    floor: str = "memcpy"
    volumes: tuple[str, ...] | None = None

    def runs_on(self, volume: str) -> bool:
        """Whether this operation is measured on the volume named ``volume``."""
        return self.volumes is None or volume in self.volumes


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
    Operation("motion", "MRI motion, 2 movements (k-space segments)", 0.5, floor="fft", volumes=MRI_VOLUMES),
    Operation("ghosting", "MRI ghosting, every other k-space line", 0.5, floor="fft", volumes=MRI_VOLUMES),
    Operation("spike", "MRI spike (one k-space point)", 0.5, floor="fft", volumes=MRI_VOLUMES),
    Operation("gibbs", "MRI Gibbs ringing, half of k-space kept", 0.5, floor="fft", volumes=MRI_VOLUMES),
    Operation("anisotropy", f"MRI thick slices, {ANISOTROPY_THICKNESS_MM:g} mm along axis 2", 0.5, volumes=MRI_VOLUMES),
    Operation("rician", "MRI Rician noise", 0.5, volumes=MRI_VOLUMES),
)

#: Largest acceptable peak memory, as a multiple of the image's size in bytes (issue 18).
MEMORY_TARGET = 4.0

OPERATION_BY_KEY = {op.key: op for op in OPERATIONS}
