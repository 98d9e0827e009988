"""Crop and pad a :class:`~tutorial_utils.volume.Volume`: image, label and affine together.

Cropping or padding changes the voxel grid but not the anatomy, so the affine
is updated to keep every kept voxel at its world coordinate: output voxel
``v`` is input voxel ``v + offset``, hence ``new_affine = affine @ T(offset)``
with ``T`` the 4x4 translation by ``offset`` voxels (``offset = start`` for a
crop, ``-pad_before`` for a pad). The label map is cut and padded with the
image (label padding is always 0, background).

Each function records what it did in ``volume.history`` (``"crop"``,
``"center_crop"``, ``"pad"``, ``"crop_or_pad"`` with plain parameters), so
:func:`~tutorial_utils.records.replay` repeats a whole preprocessing and
augmentation pipeline, not only its random steps.

:func:`random_crop` draws training patches the way nnU-Net does: with
probability ``foreground_probability`` the patch is centred on a random
foreground voxel (so small structures are seen often enough), otherwise its
position is uniform over every valid start.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from .._checks import RngLike, as_rng, as_triple, check_probability, describe
from .ops import (
    IntOrTriple,
    PadValue,
    _check_fits,
    _check_mode,
    _pad,
    _sizes,
    center_start,
    crop,
    crop_or_pad_plan,
    crop_start_around,
    pad_amounts,
    random_crop_start,
    resolve_pad_value,
)
from ..records import apply_recorded, replayable
from ..volume import Volume, check_volume

#: nnU-Net's default share of foreground-centred patches (``oversample_foreground_percent``).
NNUNET_FOREGROUND_PROBABILITY = 0.33




def _pad_value(value: object) -> PadValue:
    """The pad value as a plain record entry: ``"min"`` or a finite float."""
    if isinstance(value, str):
        if value != "min":
            raise ValueError(f'value must be a number or "min"; got {value!r}')
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f'value must be a number or "min"; got {describe(value)}')
    if not np.isfinite(value):
        raise ValueError(f'value must be finite or "min"; got {value}')
    return float(value)


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


def _regrid(volume: Volume, image: np.ndarray, label: np.ndarray | None, offset: Sequence[int]) -> Volume:
    return volume.replace(image=image, label=label, affine=shifted_affine(volume.affine, offset))


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
    volume = check_volume(volume)
    start_t = as_triple(start, "start", positive=True, integer=True)
    size_t = _sizes(size)
    return apply_recorded(volume, "crop", start=start_t, size=size_t)


@replayable("crop")
def _crop_volume(volume: Volume, *, start: tuple[int, int, int], size: tuple[int, int, int]) -> Volume:
    """Replayer of :func:`crop_volume` and :func:`random_crop` (recorded as ``"crop"``)."""
    image = crop(volume.image, start, size)
    label = None if volume.label is None else crop(volume.label, start, size)
    return _regrid(volume, image, label, start)


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
    volume = check_volume(volume)
    return apply_recorded(volume, "center_crop", size=_sizes(size))


@replayable("center_crop")
def _center_crop_volume(volume: Volume, *, size: tuple[int, int, int]) -> Volume:
    """Replayer of :func:`center_crop_volume` (recorded as ``"center_crop"``)."""
    return _crop_volume(volume, start=center_start(volume.shape, size), size=size)


def pad_volume(
    volume: Volume,
    shape: IntOrTriple,
    *,
    mode: str = "constant",
    value: PadValue = "min",
) -> Volume:
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
    value : float or "min"
        Image fill for ``mode="constant"``. The default ``"min"`` is the
        image's minimum, the background of most scans: CT air (about
        -1000 HU; 0 would be water) or MRI background (not always 0).

    Returns
    -------
    Volume
        The affine's origin moves back by the padding before, so every
        original voxel keeps its world coordinate. ``history`` gains a
        ``"pad"`` record (``shape``, ``mode``, ``value``; ``"min"`` is
        recorded as such and resolved again on replay).

    Examples
    --------
    >>> import numpy as np
    >>> ct = Volume(np.full((4, 4, 2), -1000.0), np.eye(4))
    >>> out = pad_volume(ct, (4, 4, 4))
    >>> out.shape, float(out.image.min()), out.affine[:3, 3]
    ((4, 4, 4), -1000.0, array([ 0.,  0., -1.]))
    """
    volume = check_volume(volume)
    return apply_recorded(volume, "pad", shape=_sizes(shape, "shape"), mode=_check_mode(mode), value=_pad_value(value))


@replayable("pad")
def _pad_volume(volume: Volume, *, shape: tuple[int, int, int], mode: str, value: PadValue) -> Volume:
    """Replayer of :func:`pad_volume` (recorded as ``"pad"``)."""
    before, after = pad_amounts(volume.shape, shape)
    fill = resolve_pad_value(volume.image, value) if mode == "constant" else 0
    image = _pad(volume.image, before, after, mode, fill)
    label = None if volume.label is None else _pad(volume.label, before, after, "constant", 0)
    return _regrid(volume, image, label, [-b for b in before])


def crop_or_pad_volume(
    volume: Volume,
    shape: IntOrTriple,
    *,
    mode: str = "constant",
    value: PadValue = "min",
) -> Volume:
    """Bring a Volume to ``shape``: centre-crop larger axes, centre-pad smaller ones.

    Use it after :func:`resample_to_spacing` to give a batch of scans one
    shape without stretching anatomy (resizing to a shape would change the
    voxel size differently for each scan).

    Parameters
    ----------
    volume : Volume
    shape : int or (3,) tuple of int
        Target shape.
    mode, value
        Image padding, as in :func:`pad_volume` (``"min"`` is the minimum of
        the whole image). The label is padded with 0.

    Returns
    -------
    Volume
        Affine updated so every kept voxel keeps its world coordinate.
        ``history`` gains a ``"crop_or_pad"`` record (``shape``, ``mode``,
        ``value``).

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
    volume = check_volume(volume)
    return apply_recorded(
        volume, "crop_or_pad", shape=_sizes(shape, "shape"), mode=_check_mode(mode), value=_pad_value(value)
    )


@replayable("crop_or_pad")
def _crop_or_pad_volume(volume: Volume, *, shape: tuple[int, int, int], mode: str, value: PadValue) -> Volume:
    """Replayer of :func:`crop_or_pad_volume` (recorded as ``"crop_or_pad"``)."""
    start, size, before, after = crop_or_pad_plan(volume.shape, shape)
    fill = resolve_pad_value(volume.image, value) if mode == "constant" else 0
    box = tuple(slice(a, a + s) for a, s in zip(start, size))
    image = _pad(volume.image[box], before, after, mode, fill)
    label = None if volume.label is None else _pad(volume.label[box], before, after, "constant", 0)
    return _regrid(volume, image, label, [a - b for a, b in zip(start, before)])


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


def random_crop(
    volume: Volume,
    size: IntOrTriple,
    *,
    foreground_probability: float = NNUNET_FOREGROUND_PROBABILITY,
    foreground_labels: Sequence[int] | None = None,
    rng: RngLike = None,
) -> Volume:
    """Crop a random patch of ``size``, centred on foreground with some probability.

    With probability ``foreground_probability`` the patch is centred on a
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
    foreground_probability : float in [0, 1]
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
    >>> patch = random_crop(vol, 8, foreground_probability=1.0, rng=0)
    >>> patch.history[-1].params, int(patch.label.sum())
    ({'start': (24, 0, 5), 'size': (8, 8, 8)}, 1)
    """
    volume = check_volume(volume)
    size_t = _sizes(size)
    _check_fits(volume.shape, size_t, "volume of shape")
    probability = check_probability(foreground_probability, "foreground_probability")
    labels = _check_labels(foreground_labels)
    generator = as_rng(rng)
    start = None
    if generator.random() < probability and volume.label is not None:
        center = _random_voxel(_foreground_mask(volume.label, labels), generator)
        if center is not None:
            start = crop_start_around(volume.shape, size_t, center)
    if start is None:
        start = random_crop_start(volume.shape, size_t, rng=generator)
    return apply_recorded(volume, "crop", start=start, size=size_t)


__all__ = [
    "NNUNET_FOREGROUND_PROBABILITY",
    "center_crop_volume",
    "crop_or_pad_volume",
    "crop_volume",
    "pad_volume",
    "random_crop",
    "shifted_affine",
]
