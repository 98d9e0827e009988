"""Rotation, shift and affine augmentation of a :class:`~tutorial_utils.Volume` (flips: :mod:`.flip_transforms`).

Two kinds of functions:

* deterministic, Volume in and Volume out: :func:`rotate_volume`,
  :func:`shift_volume`, :func:`affine_volume`. The
  label map gets exactly the image's geometry with nearest-neighbour
  interpolation (never a new label value) and a fill of 0 (background). The
  affine is kept: these augmentations move the anatomy on a fixed grid.
  Each is a recorded step (:func:`~tutorial_utils.records.volume_transform`):
  every call adds one record to ``volume.history``.
* random: :func:`random_rotate`, :func:`random_shift`, :func:`random_affine`. Each draws its parameters from ``rng``, then calls
  one deterministic function, so ``volume.history`` shows what was drawn and
  :func:`~tutorial_utils.records.replay` repeats it.

Rotation, scaling and the translation of :func:`affine_volume` act in
millimetres (the volume's spacing), about the volume centre. :func:`random_shift`
moves by whole voxels, drawn as a fraction of each axis' own size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import RngLike, as_range, as_rng, as_triple, check_bool, describe
from ..records import random_transform, volume_transform
from ..volume import Volume, check_volume
from .affine_ops import (
    PLANE_ABOUT_AXIS,
    Cval,
    affine_matrix,
    apply_affine,
    check_plane_axes,
    shift,
)


@volume_transform("affine")
def affine_volume(
    volume: Volume,
    *,
    rotation: Sequence[float] = (0.0, 0.0, 0.0),
    scale: float | Sequence[float] = 1.0,
    translation: float | Sequence[float] = 0.0,
    order: int = 1,
    cval: Cval = "min",
) -> Volume:
    """Rotate, scale and translate image and label in ONE resampling; the affine is kept.

    The matrix is :func:`~tutorial_utils.spatial.affine_ops.affine_matrix` with the
    volume's spacing, so everything acts in millimetres about the centre:
    scale first, then rotate about axes 0, 1, 2, then translate.

    Parameters
    ----------
    volume : Volume
    rotation : (3,) sequence of float
        Degrees about axes 0, 1 and 2 (right-hand rule, applied in that order).
    scale : float or (3,) sequence of float
        > 1 magnifies the anatomy.
    translation : float or (3,) sequence of float
        Millimetres along each array axis; positive moves the anatomy to
        higher indices.
    order : int
        Image interpolation order (the label always uses 0).
    cval : float or "min"
        Image fill outside the field of view (the label's is 0).

    Returns
    -------
    Volume

    Examples
    --------
    >>> vol = Volume(np.zeros((5, 5, 5)), np.diag([1.0, 1.0, 2.0, 1.0]))
    >>> affine_volume(vol, rotation=(0, 0, 30), scale=1.1).shape
    (5, 5, 5)
    """
    return _affine(volume, rotation, scale, translation, order, cval)


def _affine(volume: Volume, rotation: Any, scale: Any, translation: Any, order: Any, cval: Any) -> Volume:
    """The resampling of :func:`affine_volume` (and :func:`rotate_volume`), which records nothing."""
    matrix = affine_matrix(
        volume.shape,
        rotation=rotation,
        scale=scale,
        translation=translation,
        spacing=volume.spacing,
        translation_units="mm",
    )
    image = apply_affine(volume.image, matrix, order=order, cval=cval)
    label = None if volume.label is None else apply_affine(volume.label, matrix, order=0, cval=0)
    return volume.replace(image=image, label=label)


@volume_transform("rotate")
def rotate_volume(volume: Volume, rotation: Sequence[float], *, order: int = 1, cval: Cval = "min") -> Volume:
    """Rotate image and label about the centre, in millimetres: :func:`affine_volume` with rotation only.

    Examples
    --------
    >>> vol = Volume(np.zeros((4, 4, 4)), np.eye(4))
    >>> rotate_volume(vol, (0, 0, 90)).shape
    (4, 4, 4)
    """
    return _affine(volume, rotation, 1.0, 0.0, order, cval)


@volume_transform("shift")
def shift_volume(volume: Volume, offset: float | Sequence[float], *, order: int = 1, cval: Cval = "min") -> Volume:
    """Move image and label by ``offset`` voxels per axis; the affine is kept.

    Whole-voxel offsets are exact copies (no interpolation); fractional ones
    interpolate the image with ``order`` and the label with nearest neighbour.

    Examples
    --------
    >>> vol = Volume(np.arange(4.0).reshape(4, 1, 1), np.eye(4))
    >>> shift_volume(vol, (1, 0, 0)).image.ravel()
    array([0., 0., 1., 2.], dtype=float32)
    """
    image = shift(volume.image, offset, order=order, cval=cval)
    label = None if volume.label is None else shift(volume.label, offset, order=0, cval=0)
    return volume.replace(image=image, label=label)


@random_transform
def random_rotate(
    volume: Volume,
    *,
    degrees: float | Sequence[float] = 15.0,
    axes: str | Sequence[int] = "all",
    order: int = 1,
    cval: Cval = "min",
    rng: RngLike = None,
) -> Volume:
    """Rotate image and label by a random angle about the centre, in millimetres, in one resampling.

    Parameters
    ----------
    volume : Volume
    degrees : float or (low, high)
        Angle range in degrees: a number ``d`` means uniform in ``[-d, d]``.
    axes : "all", "plane" or (2,) sequence of int
        ``"all"``: one angle about each of the three axes, composed;
        ``"plane"``: one angle in a plane chosen at random; a pair such as
        ``(0, 1)``: one angle in that plane (positive turns the first axis
        towards the second).
    order : int
        Image interpolation order (the label always uses 0).
    cval : float or "min"
        Image fill for the corners that rotate in from outside.
    rng : numpy.random.Generator, int or None

    Returns
    -------
    Volume
        ``history`` ends with ``rotate`` and the drawn ``rotation`` (degrees
        about axes 0, 1, 2).

    Examples
    --------
    >>> vol = Volume(np.zeros((4, 4, 4)), np.eye(4))
    >>> random_rotate(vol, degrees=(10, 10), axes=(0, 1), rng=0).history[-1].params["rotation"]
    (0.0, 0.0, 10.0)
    """
    check_volume(volume)
    low, high = as_range(degrees, "degrees")
    gen = as_rng(rng)
    if isinstance(axes, str):
        if axes not in ("all", "plane"):
            raise ValueError(f"axes must be 'all', 'plane' or a pair of axes; got {axes!r}")
        if axes == "all":
            rotation = tuple(float(a) for a in gen.uniform(low, high, size=3))
        else:
            about = int(gen.integers(3))
            rotation = tuple(float(gen.uniform(low, high)) if a == about else 0.0 for a in range(3))
    else:
        first, second = check_plane_axes(axes)
        about = 3 - first - second
        sign = 1.0 if PLANE_ABOUT_AXIS[about] == (first, second) else -1.0
        angle = float(gen.uniform(low, high))
        rotation = tuple(sign * angle if a == about else 0.0 for a in range(3))
    return rotate_volume(volume, rotation, order=order, cval=cval)


@random_transform
def random_shift(
    volume: Volume,
    *,
    max_fraction: float | Sequence[float] = 0.1,
    cval: Cval = "min",
    rng: RngLike = None,
) -> Volume:
    """Move image and label by a random whole number of voxels per axis (exact, no interpolation).

    Whole voxels keep every value as it is, so image and label stay exactly
    aligned; for a translation in mm, with scaling and rotation, in one
    resampling, use :func:`random_affine`.

    Parameters
    ----------
    volume : Volume
    max_fraction : float or (3,) sequence of float
        Largest shift as a fraction of *each axis' own size*, in [0, 1]: 0.1
        on a 128 x 96 x 24 volume allows up to 12, 9 and 2 voxels.
    cval : float or "min"
        Image fill for the uncovered side (the label's is 0).
    rng : numpy.random.Generator, int or None

    Returns
    -------
    Volume
        ``history`` ends with ``shift`` and the drawn ``offset`` in voxels.

    Examples
    --------
    >>> vol = Volume(np.zeros((20, 20, 20)), np.eye(4))
    >>> max(abs(o) for o in random_shift(vol, max_fraction=0.1, rng=0).history[-1].params["offset"]) <= 2
    True
    """
    check_volume(volume)
    fractions = as_triple(max_fraction, "max_fraction", positive=True)
    if any(f > 1 for f in fractions):
        raise ValueError(f"max_fraction must be in [0, 1] for every axis; got {describe(max_fraction)}")
    gen = as_rng(rng)
    limits = [int(np.floor(f * n)) for f, n in zip(fractions, volume.shape)]
    offset = tuple(int(gen.integers(-m, m + 1)) for m in limits)
    return shift_volume(volume, offset, cval=cval)


@random_transform
def random_affine(
    volume: Volume,
    *,
    degrees: float | Sequence[float] = 10.0,
    scale_range: float | Sequence[float] = (0.9, 1.1),
    translation_range: float | Sequence[float] = 5.0,
    isotropic: bool = True,
    order: int = 1,
    cval: Cval = "min",
    rng: RngLike = None,
) -> Volume:
    """Random rotation + scaling + translation, composed into ONE resampling.

    Chaining :func:`random_rotate`, a zoom and :func:`random_shift` would
    interpolate three times: three times the cost, and each pass blurs. Here
    the three draws become one matrix (:func:`~tutorial_utils.spatial.affine_ops.affine_matrix`).

    Parameters
    ----------
    volume : Volume
    degrees : float or (low, high)
        Angle range for each of the three axes (a number ``d``: ``[-d, d]``).
    scale_range : (low, high) or float
        Range of the size factor, low > 0; > 1 magnifies. A number ``d``
        means ``(1 - d, 1 + d)``.
    translation_range : float or (low, high)
        Translation in mm, drawn for each axis from this range (a number
        ``d``: ``[-d, d]``).
    isotropic : bool
        One scale factor for all axes (True) or one per axis.
    order : int
        Image interpolation order (the label always uses 0).
    cval : float or "min"
        Image fill outside the field of view (the label's is 0).
    rng : numpy.random.Generator, int or None

    Returns
    -------
    Volume
        ``history`` ends with ``affine`` and the drawn ``rotation`` (degrees),
        ``scale`` and ``translation`` (mm).

    Examples
    --------
    >>> vol = Volume(np.zeros((8, 8, 8)), np.eye(4))
    >>> sorted(random_affine(vol, rng=0).history[-1].params)
    ['cval', 'order', 'rotation', 'scale', 'translation']
    """
    check_volume(volume)
    low, high = as_range(degrees, "degrees")
    scale_low, scale_high = check_scale_range(scale_range)
    shift_low, shift_high = as_range(translation_range, "translation_range")
    isotropic = check_bool(isotropic, "isotropic")
    gen = as_rng(rng)
    rotation = tuple(float(a) for a in gen.uniform(low, high, size=3))
    factors = gen.uniform(scale_low, scale_high, size=1 if isotropic else 3)
    factor: float | tuple[float, ...] = float(factors[0]) if isotropic else tuple(float(f) for f in factors)
    translation = tuple(float(t) for t in gen.uniform(shift_low, shift_high, size=3))
    return affine_volume(volume, rotation=rotation, scale=factor, translation=translation, order=order, cval=cval)


def check_scale_range(scale_range: Any) -> tuple[float, float]:
    """``scale_range`` as ``(low, high)`` with ``0 < low <= high``; a number ``d`` is ``(1 - d, 1 + d)``."""
    low, high = as_range(scale_range, "scale_range", center=1.0)
    if low <= 0:
        raise ValueError(f"scale_range must hold factors > 0; got {describe(scale_range)} (range {low:g} to {high:g})")
    return low, high


__all__ = [
    "affine_volume",
    "random_affine",
    "random_rotate",
    "random_shift",
    "rotate_volume",
    "shift_volume",
]
