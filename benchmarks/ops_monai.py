"""MONAI's equivalents, each set up on a preloaded volume.

The input is a ``MetaTensor`` (channel first, with the affine) built from the
same arrays without a copy, or a dict ``{"image", "label"}`` of them for the
Volume transforms (MONAI's dictionary transforms); building it is not timed.
MONAI's defaults are kept for everything not listed in a docstring, including
torch's thread count (all cores).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from monai import transforms as mt
from monai.data import MetaTensor

import elastic_match
import operations as spec
from harness import BenchVolume, Setup, Unavailable

LIBRARY = "monai"
_KEYS = ("image", "label")
_MODES = ("bilinear", "nearest")


def _tensor(array: np.ndarray, affine: np.ndarray) -> MetaTensor:
    return MetaTensor(torch.from_numpy(array[None]), affine=torch.as_tensor(affine))


def _image(vol: BenchVolume) -> Callable[[Callable[[Any], Any]], Callable[[], Any]]:
    data = _tensor(vol.image, vol.affine)
    return lambda transform: lambda: transform(data)


def _pair(vol: BenchVolume, transform: Callable[[Any], Any]) -> Callable[[], Any]:
    data = {"image": _tensor(vol.image, vol.affine), "label": _tensor(vol.label, vol.affine)}
    return lambda: transform(data)["image"]


def resample(vol: BenchVolume) -> Callable[[], Any]:
    """``Spacingd(pixdim=1.5, mode=("bilinear", "nearest"), dtype=float32)``: edge values
    extended (default ``padding_mode="border"``, as ours). MONAI computes in float64 by
    default; float32 here, as ours, which is MONAI's faster setting."""
    transform = mt.Spacingd(_KEYS, pixdim=spec.RESAMPLE_SPACING, mode=_MODES, dtype=np.float32)
    return _pair(vol, transform)


def resize(vol: BenchVolume) -> Callable[[], Any]:
    """``Resize((128, 128, 128), mode="trilinear")``: linear (MONAI's default is "area"), no
    anti-aliasing (default)."""
    return _image(vol)(mt.Resize(spec.RESIZE_SHAPE, mode="trilinear"))


def resize_1t(vol: BenchVolume) -> Callable[[], Any]:
    """As ``resize``, on one thread: ``torch.set_num_threads(1)``."""
    torch.set_num_threads(spec.OPERATION_BY_KEY["resize_1t"].threads)
    return resize(vol)


def random_affine(vol: BenchVolume) -> Callable[[], Any]:
    """``RandAffined(prob=1, rotate_range=10 deg, scale_range=0.1, translate_range=10,
    mode=("bilinear", "nearest"), padding_mode="zeros")``: one composed resampling
    (torch ``grid_sample`` over a dense grid); MONAI draws each axis's scale independently
    (ours and TorchIO draw one isotropic scale: same cost)."""
    transform = mt.RandAffined(
        _KEYS,
        prob=1.0,
        rotate_range=(math.radians(spec.AFFINE_DEGREES),) * 3,
        scale_range=(spec.AFFINE_SCALES[1] - 1.0,) * 3,
        translate_range=(spec.AFFINE_SHIFT_MM,) * 3,
        mode=_MODES,
        padding_mode="zeros",
    )
    transform.set_random_state(seed=0)
    return _pair(vol, transform)


def rotate(vol: BenchVolume) -> Callable[[], Any]:
    """``Rotate(angle=(0, 0, 15 deg), mode="bilinear", padding_mode="zeros")``: in the plane
    of array axes 0 and 1, output shape kept (default), outside 0 as ours."""
    transform = mt.Rotate(angle=(0.0, 0.0, math.radians(spec.ROTATE_DEGREES)), mode="bilinear", padding_mode="zeros")
    return _image(vol)(transform)


def flip(vol: BenchVolume) -> Callable[[], Any]:
    """``Flip(spatial_axis=0)``."""
    return _image(vol)(mt.Flip(spatial_axis=spec.FLIP_AXIS))


def center_crop(vol: BenchVolume) -> Callable[[], Any]:
    """``CenterSpatialCrop((128, 128, 128))``: returns a view (slicing), no copy."""
    if any(size > n for n, size in zip(vol.shape, spec.CENTER_CROP_SHAPE)):
        raise Unavailable(f"volume {vol.shape} smaller than the crop {spec.CENTER_CROP_SHAPE}")
    return _image(vol)(mt.CenterSpatialCrop(spec.CENTER_CROP_SHAPE))


def crop_or_pad(vol: BenchVolume) -> Callable[[], Any]:
    """``ResizeWithPadOrCrop((224, 224, 224))``: centred, padding with 0 (default)."""
    return _image(vol)(mt.ResizeWithPadOrCrop(spec.CROP_OR_PAD_SHAPE))


def percentile_clip(vol: BenchVolume) -> Callable[[], Any]:
    """``ClipIntensityPercentiles(0.5, 99.5)``: clip only, percentiles of the whole image."""
    return _image(vol)(mt.ClipIntensityPercentiles(*spec.PERCENTILES))


def zscore(vol: BenchVolume) -> Callable[[], Any]:
    """``NormalizeIntensity(nonzero=True)``: mean and std of the nonzero voxels, only those
    voxels changed (zeros stay 0, as ours)."""
    return _image(vol)(mt.NormalizeIntensity(nonzero=True))


def minmax(vol: BenchVolume) -> Callable[[], Any]:
    """``ScaleIntensity(minv=0, maxv=1)``: whole-image min and max."""
    return _image(vol)(mt.ScaleIntensity(minv=0.0, maxv=1.0))


def elastic(vol: BenchVolume) -> Callable[[], Any]:
    """``Rand3DElasticd(sigma_range=(s, s), magnitude_range=(m, m), prob=1,
    mode=("bilinear", "nearest"), padding_mode="zeros")``: Gaussian-smoothed noise at full
    resolution (sigma ``s`` voxels), ``m`` calibrated so that the mean displacement matches
    ours (see ``elastic_match.py``)."""
    transform = mt.Rand3DElasticd(
        _KEYS,
        sigma_range=(elastic_match.MONAI_SIGMA,) * 2,
        magnitude_range=(elastic_match.MONAI_MAGNITUDE,) * 2,
        prob=1.0,
        mode=_MODES,
        padding_mode="zeros",
    )
    transform.set_random_state(seed=0)
    return _pair(vol, transform)


def spike(vol: BenchVolume) -> Callable[[], Any]:
    """``KSpaceSpikeNoise(loc=..., k_intensity=log(0.5 * image.sum()))``: MONAI sets the log-magnitude
    of one point of the (unnormalised, centred) k-space, so the value is our height, half the
    centre's magnitude (the image's sum); location ``n // 2 + round(p * n)`` per axis as ours. The
    whole 3D FFT, log-magnitude and phase of every point, and back, real part."""
    location = tuple(n // 2 + int(np.floor(p * n + 0.5)) for p, n in zip(spec.SPIKE_POSITION, vol.shape))
    height = math.log(spec.SPIKE_INTENSITY * float(vol.image.sum(dtype=np.float64)))
    return _image(vol)(mt.KSpaceSpikeNoise(loc=location, k_intensity=height))


def gibbs(vol: BenchVolume) -> Callable[[], Any]:
    """``GibbsNoise(alpha=1 - 0.5 / sqrt(2))``: MONAI keeps a sphere of k-space of radius
    ``(1 - alpha) * max(shape) / sqrt(2)``, here a quarter of the largest side, the half-width of our
    box (ours keeps a box, the scanner's shape); its cost does not depend on alpha. The whole 3D FFT
    and back, real part."""
    return _image(vol)(mt.GibbsNoise(alpha=1.0 - spec.GIBBS_FRACTION / math.sqrt(2.0)))


def rician(vol: BenchVolume) -> Callable[[], Any]:
    """``RandRicianNoise(prob=1, std=5.0, sample_std=False)``: the same standard deviation on both
    channels (MONAI draws float64 noise with numpy's legacy RandomState)."""
    transform = mt.RandRicianNoise(prob=1.0, std=spec.RICIAN_STD, sample_std=False)
    transform.set_random_state(seed=0)
    return _image(vol)(transform)


def _none(reason: str) -> Setup:
    def setup(vol: BenchVolume) -> Callable[[], Any]:
        raise Unavailable(reason)

    return setup


SETUPS: dict[str, Setup] = {
    "resample": resample,
    "resample_aa": _none("Spacing has no anti-aliasing"),
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
    "viewer": _none("no slice viewer"),
    "motion": _none("no motion transform"),
    "ghosting": _none("no ghosting transform"),
    "spike": spike,
    "gibbs": gibbs,
    "anisotropy": _none("RandSimulateLowResolution zooms every axis, not one"),
    "rician": rician,
}
