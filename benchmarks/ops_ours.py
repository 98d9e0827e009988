"""Our operations (``tutorial_utils``), each set up on a preloaded volume.

Every function takes a :class:`harness.BenchVolume`, builds our input (a
``Volume`` or the bare image, not timed) and returns the call to time, which
returns the output image. The docstring says which settings were matched to
the peers; anything not listed is our default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import operations as spec
import tutorial_utils as tu
from harness import BenchVolume, Setup, Unavailable

LIBRARY = "ours"


def _need(*names: str) -> list[Any]:
    missing = [name for name in names if not hasattr(tu, name)]
    if missing:
        raise Unavailable(f"tutorial_utils has no {', '.join(missing)} yet")
    return [getattr(tu, name) for name in names]


def _volume(vol: BenchVolume, with_label: bool = True) -> tu.Volume:
    return tu.Volume(vol.image, vol.affine, vol.label if with_label else None)


def resample(vol: BenchVolume) -> Callable[[], Any]:
    """``resample_to_spacing(volume, 1.5, order=1, antialias=False)``: image linear, label
    nearest, edge values extended (the peers' defaults have no anti-aliasing)."""
    (fn,) = _need("resample_to_spacing")
    volume = _volume(vol)
    return lambda: fn(volume, spec.RESAMPLE_SPACING, order=1, antialias=False).image


def resample_aa(vol: BenchVolume) -> Callable[[], Any]:
    """``resample_to_spacing(volume, 1.5)``: our default, Gaussian anti-aliasing before the
    linear interpolation (TorchIO: ``antialias=True``; MONAI's Spacing has none)."""
    (fn,) = _need("resample_to_spacing")
    volume = _volume(vol)
    return lambda: fn(volume, spec.RESAMPLE_SPACING, order=1).image


def resize(vol: BenchVolume) -> Callable[[], Any]:
    """``resize(image, (128, 128, 128), order=1, antialias=False)``: linear, field of view
    kept (voxel edges aligned, as align_corners=False), no anti-aliasing as the peers."""
    (fn,) = _need("resize")
    return lambda: fn(vol.image, spec.RESIZE_SHAPE, order=1, antialias=False)


def resize_1t(vol: BenchVolume) -> Callable[[], Any]:
    """As ``resize``, on one thread: ``set_num_threads(1)`` (the package's threads; its band
    products are sized for one BLAS thread)."""
    tu.set_num_threads(spec.OPERATION_BY_KEY["resize_1t"].threads)
    return resize(vol)


def random_affine(vol: BenchVolume) -> Callable[[], Any]:
    """``random_affine(volume)`` with rotation in [-10, 10] deg about each axis, isotropic
    scale in [0.9, 1.1], shift in [-10, 10] mm per axis: one composed resampling, image
    linear, label nearest, outside the image minimum (default; 0 here)."""
    (fn,) = _need("random_affine")
    volume = _volume(vol)
    rng = np.random.default_rng(0)
    params = dict(degrees=spec.AFFINE_DEGREES, scale_range=spec.AFFINE_SCALES, translation_range=spec.AFFINE_SHIFT_MM)
    return lambda: fn(volume, **params, rng=rng).image


def rotate(vol: BenchVolume) -> Callable[[], Any]:
    """``rotate(image, 15, axes=(0, 1), order=1)``: about the volume centre, linear, outside the
    image minimum (default; 0 here)."""
    (fn,) = _need("rotate")
    return lambda: fn(vol.image, spec.ROTATE_DEGREES, axes=(0, 1), order=1)


def flip(vol: BenchVolume) -> Callable[[], Any]:
    """``flip(image, 0)``."""
    (fn,) = _need("flip")
    return lambda: fn(vol.image, spec.FLIP_AXIS)


def center_crop(vol: BenchVolume) -> Callable[[], Any]:
    """``center_crop(image, (128, 128, 128))``: returns a new contiguous array (a copy)."""
    (fn,) = _need("center_crop")
    return lambda: fn(vol.image, spec.CENTER_CROP_SHAPE)


def crop_or_pad(vol: BenchVolume) -> Callable[[], Any]:
    """``crop_or_pad(image, (224, 224, 224))``: centred, padding with 0."""
    (fn,) = _need("crop_or_pad")
    return lambda: fn(vol.image, spec.CROP_OR_PAD_SHAPE)


def percentile_clip(vol: BenchVolume) -> Callable[[], Any]:
    """``percentile_clip(image, 0.5, 99.5)``: percentiles of the whole image, clip only."""
    (fn,) = _need("percentile_clip")
    return lambda: fn(vol.image, *spec.PERCENTILES)


def zscore(vol: BenchVolume) -> Callable[[], Any]:
    """``normalize_intensity(image, method="zscore", mask="nonzero")``: mean and std of the nonzero
    voxels; the voxels outside the mask are set to 0."""
    (fn,) = _need("normalize_intensity")
    return lambda: fn(vol.image, method="zscore", mask="nonzero")


def minmax(vol: BenchVolume) -> Callable[[], Any]:
    """``normalize_intensity(image, method="minmax", mask=None)``: whole-image min and max to [0, 1],
    as the peers' defaults."""
    (fn,) = _need("normalize_intensity")
    return lambda: fn(vol.image, method="minmax", mask=None)


def elastic(vol: BenchVolume) -> Callable[[], Any]:
    """``random_elastic(volume, num_control_points=7, max_displacement=8.0)``: cubic B-spline
    field on 7 control points per axis (border locked), bound 8 mm; image linear, label
    nearest, same field. The measured displacement is reported next to the peers'."""
    (fn,) = _need("random_elastic")
    volume = _volume(vol)
    rng = np.random.default_rng(0)
    return lambda: (
        fn(
            volume,
            num_control_points=spec.ELASTIC_CONTROL_POINTS,
            max_displacement=spec.ELASTIC_MAX_DISPLACEMENT_MM,
            rng=rng,
        ).image
    )


def viewer(vol: BenchVolume) -> Callable[[], Any]:
    """``SliceViewer(volume)`` built once (default 960 px frame: every panel of mni >= 300 px on
    its long side); an update moves the axial slider by 7 voxels, which draws the axial panel
    from the volume (window, label overlay, nearest-neighbour scaling, no matplotlib), composes
    the frame with crosshairs and orientation letters and encodes it as PNG."""
    (cls,) = _need("SliceViewer")
    view = cls(_volume(vol))
    slider = view.sliders["axial"]
    size = vol.shape[2]

    def call() -> None:
        slider.value = (slider.value + spec.VIEWER_STEP) % size

    return call


def motion(vol: BenchVolume) -> Callable[[], Any]:
    """``motion_volume(volume, degrees=..., translation=... mm, times=(0.35, 0.7), axis=2)``: two
    movements, the poses resampled linearly (outside: the image minimum), each pose's k-space lines
    along axis 2 (only that axis is transformed: the other axes' transforms cancel); image only."""
    (fn,) = _need("motion_volume")
    volume = _volume(vol, with_label=False)
    params = dict(
        degrees=spec.MOTION_DEGREES,
        translation=spec.MOTION_TRANSLATION_MM,
        times=spec.MOTION_TIMES,
        axis=spec.MOTION_AXIS,
    )
    return lambda: fn(volume, **params).image


def ghosting(vol: BenchVolume) -> Callable[[], Any]:
    """``ghosting_volume(volume, intensity=0.5, period=2, axis=1)``: every other k-space line along
    axis 1 scaled by 0.5 (a 1D real FFT along that axis and back), magnitude."""
    (fn,) = _need("ghosting_volume")
    volume = _volume(vol, with_label=False)
    return lambda: fn(volume, intensity=spec.GHOST_INTENSITY, period=spec.GHOST_PERIOD, axis=spec.GHOST_AXIS).image


def spike(vol: BenchVolume) -> Callable[[], Any]:
    """``spike_volume(volume, positions=[(0.1, -0.3, 0.25)], intensity=0.5)``: one k-space point half as
    high as the centre, added in the image as the plane wave it is (no FFT), magnitude."""
    (fn,) = _need("spike_volume")
    volume = _volume(vol, with_label=False)
    return lambda: fn(volume, positions=[spec.SPIKE_POSITION], intensity=spec.SPIKE_INTENSITY).image


def gibbs(vol: BenchVolume) -> Callable[[], Any]:
    """``gibbs_volume(volume, fraction=0.5)``: the central half of k-space kept along every axis (a
    box), each axis transformed only for the frequencies kept, magnitude."""
    (fn,) = _need("gibbs_volume")
    volume = _volume(vol, with_label=False)
    return lambda: fn(volume, fraction=spec.GIBBS_FRACTION).image


def anisotropy(vol: BenchVolume) -> Callable[[], Any]:
    """``thick_slices_volume(volume, thickness=4.0, axis=2)``: 4 mm slices averaged along axis 2 (a box
    slice profile), linear interpolation back to the 1 mm grid; the label is kept as it is."""
    (fn,) = _need("thick_slices_volume")
    volume = _volume(vol)
    return lambda: fn(volume, thickness=spec.ANISOTROPY_THICKNESS_MM, axis=spec.ANISOTROPY_AXIS).image


def rician(vol: BenchVolume) -> Callable[[], Any]:
    """``rician_noise_volume(volume, std=5.0, seed=...)``: two float32 Gaussian fields (numpy's
    Generator), ``hypot(x + n1, n2)``."""
    (fn,) = _need("rician_noise_volume")
    volume = _volume(vol, with_label=False)
    seeds = iter(range(1_000_000))
    return lambda: fn(volume, std=spec.RICIAN_STD, seed=next(seeds)).image


SETUPS: dict[str, Setup] = {
    "resample": resample,
    "resample_aa": resample_aa,
    "resize": resize,
    "resize_1t": resize_1t,
    "random_affine": random_affine,
    "rotate": rotate,
    "flip": flip,
    "center_crop": center_crop,
    "crop_or_pad": crop_or_pad,
    "percentile_clip": percentile_clip,
    "zscore": zscore,
    "minmax": minmax,
    "elastic": elastic,
    "viewer": viewer,
    "motion": motion,
    "ghosting": ghosting,
    "spike": spike,
    "gibbs": gibbs,
    "anisotropy": anisotropy,
    "rician": rician,
}
