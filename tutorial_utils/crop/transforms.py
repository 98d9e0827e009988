"""Crop and pad a :class:`~tutorial_utils.volume.Volume`: image, label and affine together.

Cropping or padding changes the voxel grid but not the anatomy, so the affine
is updated to keep every kept voxel at its world coordinate: output voxel
``v`` is input voxel ``v + offset``, hence ``new_affine = affine @ T(offset)``
with ``T`` the 4x4 translation by ``offset`` voxels (``offset = start`` for a
crop, ``-pad_before`` for a pad). The label map is cut and padded with the
image (label padding is always 0, background).

Each function is a recorded step (``"crop"``, ``"center_crop"``, ``"pad"``,
``"crop_or_pad"``, with its parameters), so
:func:`~tutorial_utils.records.replay` repeats a whole preprocessing and
augmentation pipeline, not only its random steps.

:func:`random_crop` draws training patches the way nnU-Net does: with
probability ``foreground_p`` the patch is centred on a random foreground voxel
(so small structures are seen often enough), otherwise its position is
uniform over every valid start.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._checks import RngLike, as_rng, check_probability, describe
from ..records import random_transform, volume_transform
from ..volume import Volume, check_volume
from .ops import (
    IntOrTriple,
    Triple,
    center_start,
    check_box,
    check_fits,
    check_size,
    crop_start_around,
    random_crop_start,
)
from .pad_ops import PadValue, check_cval, check_mode, crop_or_pad_plan, pad_amounts, pad_array, resolve_pad_value

#: nnU-Net's default share of foreground-centred patches (``oversample_foreground_percent``).
NNUNET_FOREGROUND_P = 0.33


def shifted_affine(affine: np.ndarray, offset: Sequence[int]) -> np.ndarray:
    """Affine of a grid whose voxel 0 is voxel ``offset`` of the grid of ``affine``.

    Parameters
    ----------
    affine : (4, 4) ndarray
    offset : (3,) sequence of int
        Crop start (positive) or minus the padding before (negative).

    Returns
    -------
    (4, 4) ndarray
        ``affine @ T(offset)``: same voxel size and orientation, origin moved.

    Examples
    --------
    >>> import numpy as np
    >>> shifted_affine(np.diag([2.0, 2.0, 3.0, 1.0]), (1, 0, -2))[:3, 3]
    array([ 2.,  0., -6.])
    """
    translation = np.eye(4)
    translation[:3, 3] = offset
    return np.asarray(affine, dtype=np.float64) @ translation


def _regrid(
    volume: Volume,
    start: Triple,
    size: Triple,
    before: Triple = (0, 0, 0),
    after: Triple = (0, 0, 0),
    *,
    mode: str = "constant",
    cval: PadValue = 0.0,
) -> Volume:
    """Crop the (checked) box ``start, size``, then pad by ``before``/``after``; move the affine to match.

    ``cval="min"`` is the minimum of the whole image, before cropping. The
    label is padded with 0.
    """
    if mode == "constant" and (any(before) or any(after)):
        cval = resolve_pad_value(volume.image, cval)
    box = tuple(slice(a, a + s) for a, s in zip(start, size))
    image = pad_array(volume.image[box], before, after, mode=mode, cval=cval)
    label = None
    if volume.label is not None:
        label = pad_array(volume.label[box], before, after, mode="constant", cval=0)
    offset = [a - b for a, b in zip(start, before)]
    return volume.replace(image=image, label=label, affine=shifted_affine(volume.affine, offset))


@volume_transform("crop")
def crop_volume(volume: Volume, start: IntOrTriple, size: IntOrTriple) -> Volume:
    """Crop the box ``[start, start + size)`` from a Volume's image and label.

    Parameters
    ----------
    volume : Volume
    start : int or (3,) tuple of int
        First voxel of the box on each axis.
    size : int or (3,) tuple of int
        Box size in voxels; the box must lie inside the volume.

    Returns
    -------
    Volume
        Cropped image and label; the affine is moved so each kept voxel keeps
        its world coordinate; ``history`` gains a ``"crop"`` record with the
        ``start`` and ``size``.

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.zeros((10, 10, 10)), np.diag([2.0, 2.0, 2.0, 1.0]))
    >>> out = crop_volume(vol, (2, 0, 5), (4, 4, 4))
    >>> out.shape, out.affine[:3, 3]
    ((4, 4, 4), array([ 4.,  0., 10.]))
    >>> out.history[-1].params
    {'start': (2, 0, 5), 'size': (4, 4, 4)}
    """
    return _regrid(volume, *check_box(volume.shape, start, size))


@volume_transform("center_crop")
def center_crop_volume(volume: Volume, size: IntOrTriple) -> Volume:
    """Crop the centred box of ``size`` (the odd voxel is dropped at the end).

    Warnings
    --------
    Anatomy is rarely centred in the field of view (a CT's patient table, an
    off-centre tumour); for training patches prefer :func:`random_crop`.

    Returns
    -------
    Volume
        As :func:`crop_volume`; ``history`` gains a ``"center_crop"`` record
        with the ``size`` (the start is recomputed from the shape on replay).

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.zeros((10, 9, 4)), np.eye(4))
    >>> center_crop_volume(vol, 4).affine[:3, 3]
    array([3., 2., 0.])
    """
    size_t = check_size(size)
    return _regrid(volume, center_start(volume.shape, size_t), size_t)


@volume_transform("pad")
def pad_volume(volume: Volume, shape: IntOrTriple, *, mode: str = "constant", cval: PadValue = "min") -> Volume:
    """Pad a Volume evenly on both sides of each axis up to ``shape``.

    Parameters
    ----------
    volume : Volume
    shape : int or (3,) tuple of int
        Target shape, ``>=`` the volume's on every axis.
    mode : {"constant", "edge", "reflect"}
        How the image is padded (see
        :func:`~tutorial_utils.crop.pad_to_shape`). The label is always
        padded with 0 (background).
    cval : float or "min"
        Image fill for ``mode="constant"``. The default ``"min"`` is the
        image's minimum, the background of most scans: CT air (about
        -1000 HU; 0 would be water) or MRI background (not always 0).

    Returns
    -------
    Volume
        The affine's origin moves back by the padding before, so every
        original voxel keeps its world coordinate. ``history`` gains a
        ``"pad"`` record (``shape``, ``mode``, ``cval``; ``"min"`` is
        recorded as such and resolved again on replay).

    Examples
    --------
    >>> import numpy as np
    >>> ct = Volume(np.full((4, 4, 2), -1000.0), np.eye(4))
    >>> out = pad_volume(ct, (4, 4, 4))
    >>> out.shape, float(out.image.min()), out.affine[:3, 3]
    ((4, 4, 4), -1000.0, array([ 0.,  0., -1.]))
    """
    mode, cval = check_mode(mode), check_cval(cval)
    before, after = pad_amounts(volume.shape, check_size(shape, "shape"))
    return _regrid(volume, (0, 0, 0), volume.shape, before, after, mode=mode, cval=cval)


@volume_transform("crop_or_pad")
def crop_or_pad_volume(volume: Volume, shape: IntOrTriple, *, mode: str = "constant", cval: PadValue = "min") -> Volume:
    """Bring a Volume to ``shape``: centre-crop larger axes, centre-pad smaller ones.

    Use it after :func:`resample_to_spacing` to give a batch of scans one
    shape without stretching anatomy (resizing to a shape would change the
    voxel size differently for each scan).

    Parameters
    ----------
    volume : Volume
    shape : int or (3,) tuple of int
        Target shape.
    mode, cval
        Image padding, as in :func:`pad_volume` (``"min"`` is the minimum of
        the whole image). The label is padded with 0.

    Returns
    -------
    Volume
        Affine updated so every kept voxel keeps its world coordinate.
        ``history`` gains a ``"crop_or_pad"`` record (``shape``, ``mode``,
        ``cval``).

    Warnings
    --------
    A centre crop can cut off-centre anatomy; check with
    :func:`~tutorial_utils.crop.foreground_bbox` that the target shape holds
    the foreground, or crop around it first.

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.zeros((10, 4, 6)), np.eye(4), np.ones((10, 4, 6), np.uint8))
    >>> out = crop_or_pad_volume(vol, (6, 8, 6))
    >>> out.shape, out.affine[:3, 3], int(out.label[0, 0, 0])
    ((6, 8, 6), array([ 2., -2.,  0.]), 0)
    """
    mode, cval = check_mode(mode), check_cval(cval)
    return _regrid(volume, *crop_or_pad_plan(volume.shape, check_size(shape, "shape")), mode=mode, cval=cval)


def _foreground_mask(label: np.ndarray, labels: tuple[int, ...] | None) -> np.ndarray:
    if labels is None:
        return label > 0
    mask = label == labels[0]
    for value in labels[1:]:
        mask |= label == value
    return mask


def _random_voxel(mask: np.ndarray, generator: np.random.Generator) -> tuple[int, int, int] | None:
    """A voxel drawn uniformly among the True voxels of ``mask`` (None if there is none).

    Counts per slab along axis 0 first, so no index array of the whole
    foreground is built (``count_nonzero`` of a whole slab is several times
    faster than with an ``axis`` argument).
    """
    per_slab = np.array([np.count_nonzero(plane) for plane in mask])
    cumulative = np.cumsum(per_slab)
    total = int(cumulative[-1])
    if total == 0:
        return None
    rank = int(generator.integers(total))
    i = int(np.searchsorted(cumulative, rank, side="right"))
    within = rank - (int(cumulative[i]) - int(per_slab[i]))
    j, k = np.unravel_index(np.flatnonzero(mask[i])[within], mask.shape[1:])
    return i, int(j), int(k)


def _check_labels(labels: object) -> tuple[int, ...] | None:
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)) or not isinstance(labels, (Sequence, np.ndarray)):
        raise TypeError(f"foreground_labels must be None or a sequence of ints; got {describe(labels)}")
    values = tuple(np.asarray(labels).ravel().tolist())
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ValueError(f"foreground_labels must hold at least one int label value; got {describe(labels)}")
    return values


@random_transform
def random_crop(
    volume: Volume,
    size: IntOrTriple,
    *,
    foreground_p: float = NNUNET_FOREGROUND_P,
    foreground_labels: Sequence[int] | None = None,
    rng: RngLike = None,
) -> Volume:
    """Crop a random patch of ``size``, centred on foreground with some probability.

    With probability ``foreground_p`` the patch is centred on a
    voxel drawn uniformly among the foreground voxels of the label (then
    shifted, if needed, to stay inside the volume, so that voxel is always
    in the patch). Otherwise the start is uniform over every valid position
    (:func:`~tutorial_utils.crop.random_crop_start`). This is nnU-Net's
    foreground oversampling: without it, patches from a large scan rarely
    contain a small structure.

    Parameters
    ----------
    volume : Volume
    size : int or (3,) tuple of int
        Patch size in voxels, ``<=`` the volume's shape on every axis (pad
        first with :func:`pad_volume` or use :func:`crop_or_pad_volume`).
    foreground_p : float in [0, 1]
        Share of foreground-centred patches (nnU-Net uses 0.33). With no
        label, or no foreground voxel, the patch is drawn uniformly.
    foreground_labels : sequence of int, optional
        Label values that count as foreground; default every label > 0.
    rng : Generator, int or None
        Random source; the same seed gives the same patch.

    Returns
    -------
    Volume
        Image and label patch, affine moved so voxels keep their world
        coordinates; ``history`` gains a ``"crop"`` record with the drawn
        ``start`` and the ``size`` (replay it with
        :func:`~tutorial_utils.records.replay`).

    Raises
    ------
    ValueError
        ``size`` larger than the volume on some axis (the message names it).

    Notes
    -----
    In a pipeline of ``t(volume, *, rng)`` transforms, fix the size with
    ``functools.partial(random_crop, size=(128, 128, 48))``. For data with
    thick slices (CT with 64 slices of 2.5 mm) pick an anisotropic patch
    rather than a cube.

    Examples
    --------
    >>> import numpy as np
    >>> label = np.zeros((32, 32, 16), np.uint8)
    >>> label[30, 2, 9] = 1
    >>> vol = Volume(np.zeros((32, 32, 16)), np.eye(4), label)
    >>> patch = random_crop(vol, 8, foreground_p=1.0, rng=0)
    >>> patch.history[-1].params, int(patch.label.sum())
    ({'start': (24, 0, 5), 'size': (8, 8, 8)}, 1)
    """
    volume = check_volume(volume)
    size_t = check_size(size)
    check_fits(volume.shape, size_t, "volume of shape")
    probability = check_probability(foreground_p, "foreground_p")
    labels = _check_labels(foreground_labels)
    generator = as_rng(rng)
    start = None
    if generator.random() < probability and volume.label is not None:
        center = _random_voxel(_foreground_mask(volume.label, labels), generator)
        if center is not None:
            start = crop_start_around(volume.shape, size_t, center)
    if start is None:
        start = random_crop_start(volume.shape, size_t, rng=generator)
    return crop_volume(volume, start=start, size=size_t)


__all__ = [
    "NNUNET_FOREGROUND_P",
    "center_crop_volume",
    "crop_or_pad_volume",
    "crop_volume",
    "pad_volume",
    "random_crop",
    "shifted_affine",
]
