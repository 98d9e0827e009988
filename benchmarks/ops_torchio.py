"""TorchIO's equivalents, each set up on a preloaded volume.

The input is a ``tio.Subject`` holding a ``ScalarImage`` (and a ``LabelMap``
for the Volume transforms) built from the same arrays and affine; building it
is not timed. TorchIO's own defaults are kept for everything not listed in a
docstring, including ``copy=True`` (every transform deep-copies the subject
first: that is how TorchIO runs unless told otherwise) and torch's thread
count (all cores).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
import torchio as tio

import elastic_match
import operations as spec
from harness import BenchVolume, Setup, Unavailable

LIBRARY = "torchio"


def _subject(vol: BenchVolume, with_label: bool = False) -> tio.Subject:
    images: dict[str, Any] = {"image": tio.ScalarImage(tensor=torch.from_numpy(vol.image[None]), affine=vol.affine)}
    if with_label:
        images["label"] = tio.LabelMap(tensor=torch.from_numpy(vol.label[None]), affine=vol.affine)
    return tio.Subject(**images)


def _run(transform: tio.Transform, subject: tio.Subject) -> Callable[[], Any]:
    return lambda: transform(subject)["image"].data


def resample(vol: BenchVolume) -> Callable[[], Any]:
    """``Resample(1.5)``: image linear, label nearest (defaults), no anti-aliasing (default)."""
    return _run(tio.Resample(spec.RESAMPLE_SPACING), _subject(vol, True))


def resample_aa(vol: BenchVolume) -> Callable[[], Any]:
    """``Resample(1.5, antialias=True)``: TorchIO's Gaussian anti-aliasing before downsampling."""
    return _run(tio.Resample(spec.RESAMPLE_SPACING, antialias=True), _subject(vol, True))


def resize(vol: BenchVolume) -> Callable[[], Any]:
    """``Resize((128, 128, 128))``: image linear (default)."""
    return _run(tio.Resize(spec.RESIZE_SHAPE), _subject(vol))


def random_affine(vol: BenchVolume) -> Callable[[], Any]:
    """``RandomAffine(scales=(0.9, 1.1), degrees=10, translation=10, isotropic=True)``: one
    composed resampling (SimpleITK), image linear, label nearest, padding with the image
    minimum (default; 0 here, as ours)."""
    torch.manual_seed(0)
    transform = tio.RandomAffine(
        scales=spec.AFFINE_SCALES, degrees=spec.AFFINE_DEGREES, translation=spec.AFFINE_SHIFT_MM, isotropic=True
    )
    return _run(transform, _subject(vol, True))


def rotate(vol: BenchVolume) -> Callable[[], Any]:
    """``Affine(scales=1, degrees=(0, 0, 15), translation=0)``: rotation about the third
    (S) axis, i.e. in the plane of array axes 0 and 1 of these RAS volumes; about the
    image centre (default), linear."""
    transform = tio.Affine(scales=(1, 1, 1), degrees=(0, 0, spec.ROTATE_DEGREES), translation=(0, 0, 0))
    return _run(transform, _subject(vol))


def flip(vol: BenchVolume) -> Callable[[], Any]:
    """``Flip(axes=(0,))``."""
    return _run(tio.Flip(axes=(spec.FLIP_AXIS,)), _subject(vol))


def center_crop(vol: BenchVolume) -> Callable[[], Any]:
    """``Crop`` with the bounds of the centred 128^3 box (``CropOrPad`` would do the same with
    more bookkeeping)."""
    bounds = []
    for n, size in zip(vol.shape, spec.CENTER_CROP_SHAPE):
        if size > n:
            raise Unavailable(f"volume {vol.shape} smaller than the crop {spec.CENTER_CROP_SHAPE}")
        start = (n - size) // 2
        bounds += [start, n - size - start]
    return _run(tio.Crop(tuple(bounds)), _subject(vol))


def crop_or_pad(vol: BenchVolume) -> Callable[[], Any]:
    """``CropOrPad((224, 224, 224))``: centred, padding with 0 (default)."""
    return _run(tio.CropOrPad(spec.CROP_OR_PAD_SHAPE), _subject(vol))


def percentile_clip(vol: BenchVolume) -> Callable[[], Any]:
    """``RescaleIntensity(out_min_max=(0, 1), percentiles=(0.5, 99.5))``: TorchIO has no
    clip-only percentile transform; this one clips at the percentiles and also rescales
    (one extra multiply-add over the volume)."""
    return _run(tio.RescaleIntensity(out_min_max=(0, 1), percentiles=spec.PERCENTILES), _subject(vol))


def zscore(vol: BenchVolume) -> Callable[[], Any]:
    """``ZNormalization(masking_method=lambda x: x != 0)``: mean and std of the nonzero
    voxels, applied to the whole image (voxels outside the mask are not zeroed)."""
    return _run(tio.ZNormalization(masking_method=lambda x: x != 0), _subject(vol))


def minmax(vol: BenchVolume) -> Callable[[], Any]:
    """``RescaleIntensity(out_min_max=(0, 1))``: whole-image min and max (default percentiles 0, 100)."""
    return _run(tio.RescaleIntensity(out_min_max=(0, 1)), _subject(vol))


def elastic(vol: BenchVolume) -> Callable[[], Any]:
    """``RandomElasticDeformation(num_control_points=7, max_displacement=d, locked_borders=2)``
    with ``d`` calibrated so that the mean displacement matches ours (see
    ``elastic_match.py``; TorchIO bounds each component, ours the vector length); cubic
    B-spline (SimpleITK), image linear, label nearest."""
    torch.manual_seed(0)
    transform = tio.RandomElasticDeformation(
        num_control_points=spec.ELASTIC_CONTROL_POINTS,
        max_displacement=elastic_match.TORCHIO_MAX_DISPLACEMENT_MM,
        locked_borders=2,
    )
    return _run(transform, _subject(vol, True))


def _none(reason: str) -> Setup:
    def setup(vol: BenchVolume) -> Callable[[], Any]:
        raise Unavailable(reason)

    return setup


def viewer(vol: BenchVolume) -> Callable[[], Any]:
    """``ScalarImage.plot(indices=..., show=False)``, TorchIO's three-plane view, then the PNG
    a notebook would show (``savefig`` at 72 dpi) and ``plt.close``: TorchIO has no live
    viewer, so moving a slice means plotting again. Image only (ours adds a label overlay)."""
    image = _subject(vol)["image"]
    centre = [n // 2 for n in vol.shape]
    state = {"k": centre[2]}

    def call() -> None:
        state["k"] = (state["k"] + spec.VIEWER_STEP) % vol.shape[2]
        figure = image.plot(show=False, indices=(centre[0], centre[1], state["k"]), return_fig=True)
        figure.savefig(io.BytesIO(), format="png", dpi=72)
        plt.close(figure)

    return call


def motion(vol: BenchVolume) -> Callable[[], Any]:
    """``Motion(degrees, translation, times=(0.35, 0.7), image_interpolation="linear")``, the
    deterministic transform that ``RandomMotion`` calls, with our two poses (SimpleITK Euler
    transforms about the image centre, in its LPS frame: same work), its k-space segments along the
    last axis; it resamples every pose and takes each whole 3D FFT, then the real part."""
    transform = tio.Motion(
        degrees=np.array(spec.MOTION_DEGREES),
        translation=np.array(spec.MOTION_TRANSLATION_MM),
        times=np.array(spec.MOTION_TIMES),
        image_interpolation="linear",
    )
    return _run(transform, _subject(vol))


def ghosting(vol: BenchVolume) -> Callable[[], Any]:
    """``Ghosting(num_ghosts=2, axis=1, intensity=0.5, restore=None)``: every 2nd plane along axis 1
    of the whole 3D k-space scaled by 0.5 (the central plane restored), real part."""
    transform = tio.Ghosting(
        num_ghosts=spec.GHOST_PERIOD, axis=spec.GHOST_AXIS, intensity=spec.GHOST_INTENSITY, restore=None
    )
    return _run(transform, _subject(vol))


def spike(vol: BenchVolume) -> Callable[[], Any]:
    """``Spike(spikes_positions=[p + 0.5], intensity=0.5)``: TorchIO places a spike at index
    ``floor(p * shape)`` of the centred k-space, so ``p + 0.5`` is our position; the whole 3D FFT
    and back, real part."""
    positions = np.array([spec.SPIKE_POSITION]) + 0.5
    return _run(tio.Spike(spikes_positions=positions, intensity=spec.SPIKE_INTENSITY), _subject(vol))


def anisotropy(vol: BenchVolume) -> Callable[[], Any]:
    """``RandomAnisotropy(axes=(2,), downsampling=(4, 4))``: resample axis 2 to 4 mm with nearest
    neighbour (one thin slice per 4 mm), then back to the original grid linearly; label maps are
    left alone (``scalars_only=True``, default)."""
    torch.manual_seed(0)
    transform = tio.RandomAnisotropy(axes=(spec.ANISOTROPY_AXIS,), downsampling=(spec.ANISOTROPY_THICKNESS_MM,) * 2)
    return _run(transform, _subject(vol, True))


SETUPS: dict[str, Setup] = {
    "resample": resample,
    "resample_aa": resample_aa,
    "resize": resize,
    "resize_1t": _none("the one-thread CPU-time row compares with MONAI, the faster peer for resize (issue 22)"),
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
    "gibbs": _none("no Gibbs transform"),
    "anisotropy": anisotropy,
    "rician": _none("no Rician noise (RandomNoise is Gaussian)"),
}
