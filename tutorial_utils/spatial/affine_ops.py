"""Rotation, scaling, shift and flip of 3D arrays, as ONE affine resampling.

Every geometric augmentation in this module is a 4x4 matrix. Build it with
:func:`affine_matrix` (rotations about all three axes, scaling and a
translation, about the volume centre and in millimetres), then resample once
with :func:`apply_affine`. Chaining ``rotate``, ``zoom`` and ``shift``
instead interpolates three times: three times the cost, and each pass blurs.

Direction convention
--------------------
We *describe* a transform forwards, as what happens to the anatomy: rotate it
by 10 degrees, magnify it 1.2 times, move it 5 voxels. Resampling needs the
opposite direction: for every OUTPUT voxel, where to read in the INPUT. The
matrices returned by :func:`affine_matrix` are in that OUTPUT -> INPUT
direction, the convention of ``scipy.ndimage.affine_transform``; so a scale
parameter of 2 (the anatomy doubles in size) puts 0.5 on the matrix diagonal.

Fill value
----------
Output voxels whose source lies outside the input get ``cval``. It is a number,
or ``"min"`` for the image minimum: MRI background is not always 0 (some
scanners store an offset, and after z-scoring it is negative), CT air is
-1000 HU; a fill of 0 would paint a frame of water around a rotated CT.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import (
    as_resampling_input,
    as_triple,
    check_array_3d,
    check_axis,
    check_homogeneous_matrix,
    check_shape,
    describe,
    resolve_cval,
)
from .._resampling import affine_transform

Cval = float | str
"""A fill value: a number, or ``"min"`` for the input's minimum."""

#: Rotation "about axis a" turns the first axis of the plane towards the second
#: (the right-hand rule in (i, j, k) order).
PLANE_ABOUT_AXIS = {0: (1, 2), 1: (2, 0), 2: (0, 1)}


def affine_matrix(
    shape: Sequence[int],
    *,
    rotation: Sequence[float] = (0.0, 0.0, 0.0),
    scale: float | Sequence[float] = 1.0,
    translation: float | Sequence[float] = 0.0,
    spacing: Sequence[float] | None = None,
    translation_units: str = "voxels",
) -> np.ndarray:
    """One 4x4 matrix for rotation, scaling and translation about the volume centre.

    The transform of the anatomy, described forwards in millimetres about the
    centre ``c = (shape - 1) / 2``, is ``y = R @ S @ (x - c) + c + t``: scale
    first, then rotate, then translate. The returned matrix is its inverse in
    voxel coordinates (OUTPUT -> INPUT), ready for :func:`apply_affine` or
    ``scipy.ndimage.affine_transform``.

    Parameters
    ----------
    shape : (3,) sequence of int
        Shape of the array the matrix will be applied to.
    rotation : (3,) sequence of float
        Angles in degrees about axes 0, 1 and 2, applied in that order. About
        axis 0 turns axis 1 towards axis 2, about axis 1 turns axis 2 towards
        axis 0, about axis 2 turns axis 0 towards axis 1 (the right-hand
        rule). For a single plane, :func:`rotate` is simpler.
    scale : float or (3,) sequence of float
        Size factor per axis, > 0; > 1 magnifies the anatomy (as
        ``scipy.ndimage.zoom``), < 1 shrinks it.
    translation : float or (3,) sequence of float
        How far the anatomy moves along each array axis, in
        ``translation_units``.
    spacing : (3,) sequence of float, optional
        Voxel size in mm. Given, rotation and scaling act in physical space,
        so anisotropic voxels do not shear the anatomy; omitted, in voxel space.
    translation_units : {"voxels", "mm"}
        Unit of ``translation``; ``"mm"`` needs ``spacing``.

    Returns
    -------
    (4, 4) ndarray of float64
        Maps homogeneous OUTPUT voxel coordinates to INPUT voxel coordinates.

    Examples
    --------
    >>> m = affine_matrix((5, 5, 5), scale=2.0)
    >>> np.diag(m)[:3], m[:3, 3]  # magnify 2x: read at half the distance from the centre
    (array([0.5, 0.5, 0.5]), array([1., 1., 1.]))
    """
    shape = check_shape(shape)
    if isinstance(rotation, (numbers.Number, np.number)):
        raise TypeError(
            f"rotation must be 3 angles in degrees, about axes 0, 1 and 2; got the single number "
            f"{rotation!r}. For example rotation=(0, 0, {rotation!r}) turns axis 0 towards axis 1"
        )
    angles = as_triple(rotation, "rotation")
    factors = as_triple(scale, "scale", positive=True, allow_zero=False)
    steps = np.array(as_triple(translation, "translation"))
    voxel_mm = _voxel_mm(spacing)
    if translation_units not in ("voxels", "mm"):
        raise ValueError(f"translation_units must be 'voxels' or 'mm'; got {translation_units!r}")
    if translation_units == "mm":
        if spacing is None:
            raise ValueError("translation_units='mm' needs spacing (the voxel size in mm); got spacing=None")
        steps = steps / voxel_mm
    rotation_matrix = np.eye(3)
    for axis, angle in enumerate(angles):
        rotation_matrix = _plane_rotation(angle, *PLANE_ABOUT_AXIS[axis]) @ rotation_matrix
    inverse = np.diag(1.0 / np.array(factors)) @ rotation_matrix.T  # (R S)^-1, exact for R = I
    return _pullback(shape, inverse, steps, voxel_mm)


def apply_affine(
    array: Any,
    matrix: Any,
    *,
    order: int = 1,
    cval: Cval = "min",
) -> np.ndarray:
    """Resample ``array`` once with a 4x4 OUTPUT -> INPUT voxel matrix; the shape is kept.

    Parameters
    ----------
    array : (I, J, K) array_like
        An image, or with ``order=0`` a label map.
    matrix : (4, 4) array_like
        Homogeneous matrix mapping OUTPUT voxel coordinates to INPUT voxel
        coordinates, e.g. from :func:`affine_matrix` (the convention of
        ``scipy.ndimage.affine_transform``, not the forward direction).
    order : int in [0, 5]
        Spline order: 0 nearest neighbour (label maps), 1 linear (images,
        fast), 3 cubic (sharper, about 3x slower, can overshoot).
    cval : float or "min"
        Value for output voxels whose source lies outside the input;
        ``"min"`` uses the input's minimum (see the module docstring).

    Returns
    -------
    (I, J, K) ndarray
        float32, or the input's integer dtype when ``order=0`` (label maps
        keep their values: nearest neighbour never invents one).

    Warnings
    --------
    Resample once: compose rotation, scaling and shift into one matrix
    (:func:`affine_matrix`) rather than calling this three times. An integer
    label map with ``order >= 1`` comes back as float32 with blended values;
    use ``order=0`` for labels.

    Examples
    --------
    >>> a = np.zeros((3, 3, 3), np.float32); a[0, 1, 1] = 1
    >>> apply_affine(a, affine_matrix(a.shape, translation=(1, 0, 0)))[:, 1, 1]
    array([0., 1., 0.], dtype=float32)
    """
    arr = as_resampling_input(array, order)
    matrix = check_homogeneous_matrix(matrix, "matrix", " (homogeneous, OUTPUT -> INPUT)")
    fill = resolve_cval(arr, cval)
    source = arr.view(np.uint8) if arr.dtype == np.bool_ else arr
    out = affine_transform(source, matrix[:3, :3], matrix[:3, 3], order=order, cval=fill, output_dtype=source.dtype)
    return out.view(np.bool_) if arr.dtype == np.bool_ else out


def rotate(
    array: Any,
    angle: float,
    *,
    axes: Sequence[int] = (0, 1),
    order: int = 1,
    cval: Cval = "min",
    spacing: Sequence[float] | None = None,
) -> np.ndarray:
    """Rotate about the volume centre in the plane of ``axes``; the shape is kept.

    Parameters
    ----------
    array : (I, J, K) array_like
        An image, or with ``order=0`` a label map.
    angle : float
        Degrees; positive turns ``axes[0]`` towards ``axes[1]``, like
        ``np.rot90(array, 1, axes)``.
    axes : (2,) sequence of int
        The plane of rotation, two different axes.
    order : int in [0, 5]
        Spline order (0 for label maps).
    cval : float or "min"
        Fill for the corners that rotate in from outside.
    spacing : (3,) sequence of float, optional
        Voxel size in mm: rotate in physical space. Without it an anisotropic
        volume (e.g. 2 x 2 x 4 mm) is rotated in voxel space and its anatomy
        shears.

    Returns
    -------
    (I, J, K) ndarray
        Same dtype rules as :func:`apply_affine`.

    Warnings
    --------
    Unlike ``scipy.ndimage.rotate`` (``reshape=True`` by default) the shape
    never changes, so image and label stay on one grid. To rotate and also
    scale or shift, build one matrix with :func:`affine_matrix` instead.

    Examples
    --------
    >>> a = np.arange(27.0).reshape(3, 3, 3)
    >>> bool(np.array_equal(rotate(a, 90, axes=(0, 1)), np.rot90(a, 1, axes=(0, 1))))
    True
    """
    plane = check_plane_axes(axes)
    degrees = _check_angle(angle)
    shape = check_array_3d(array, "array").shape
    inverse = _plane_rotation(degrees, *plane).T
    return apply_affine(array, _pullback(shape, inverse, np.zeros(3), _voxel_mm(spacing)), order=order, cval=cval)


def flip(array: Any, axes: int | Sequence[int]) -> np.ndarray:
    """Mirror ``array`` along one axis or several; the dtype is kept.

    Exact (no interpolation) and its own inverse. Returns a C-contiguous copy:
    ``np.flip`` alone gives a negative-stride view that ``torch.from_numpy``
    rejects.

    Parameters
    ----------
    array : (I, J, K) array_like
        Image or label map.
    axes : int or sequence of int
        Axis or axes to mirror (distinct, in [-3, 3)); an empty sequence
        gives a copy.

    Returns
    -------
    (I, J, K) ndarray

    Examples
    --------
    >>> flip(np.arange(3).reshape(3, 1, 1), 0).ravel()
    array([2, 1, 0])
    """
    arr = check_array_3d(array, "array")
    return np.array(np.flip(arr, check_flip_axes(axes)), order="C", copy=True)


def shift(
    array: Any,
    offset: float | Sequence[float],
    *,
    order: int = 1,
    cval: Cval = "min",
) -> np.ndarray:
    """Move the content by ``offset`` voxels along each axis; the shape is kept.

    Whole-voxel offsets are copied exactly (no interpolation, no blur);
    fractional ones are interpolated with ``order``.

    Parameters
    ----------
    array : (I, J, K) array_like
        An image, or with ``order=0`` a label map.
    offset : float or (3,) sequence of float
        Voxels per axis; positive moves the content towards higher indices.
    order : int in [0, 5]
        Spline order for fractional offsets (0 for label maps).
    cval : float or "min"
        Fill for the voxels uncovered on the opposite side.

    Returns
    -------
    (I, J, K) ndarray
        A whole-voxel shift copies every value exactly; the dtype follows
        the rules of :func:`apply_affine`.

    Examples
    --------
    >>> shift(np.arange(4.0).reshape(4, 1, 1), (1, 0, 0), cval=-1).ravel()
    array([-1.,  0.,  1.,  2.], dtype=float32)
    """
    steps = as_triple(offset, "offset")
    if not all(float(s).is_integer() for s in steps):
        shape = check_array_3d(array, "array").shape
        return apply_affine(array, affine_matrix(shape, translation=steps), order=order, cval=cval)
    arr = as_resampling_input(array, order)
    fill = resolve_cval(arr, cval)
    out = np.full(arr.shape, fill, dtype=arr.dtype)
    target, source = [], []
    for step, n in zip((int(s) for s in steps), arr.shape):
        if abs(step) >= n:
            return out
        target.append(slice(max(step, 0), n + min(step, 0)))
        source.append(slice(max(-step, 0), n - max(step, 0)))
    out[tuple(target)] = arr[tuple(source)]
    return out


def _voxel_mm(spacing: Any) -> np.ndarray:
    """Voxel size in mm per axis; ones (voxel space) when ``spacing`` is None."""
    if spacing is None:
        return np.ones(3)
    return np.array(as_triple(spacing, "spacing", positive=True, allow_zero=False))


def _pullback(
    shape: tuple[int, int, int], inverse_mm: np.ndarray, steps: np.ndarray, voxel_mm: np.ndarray
) -> np.ndarray:
    """OUTPUT -> INPUT voxel matrix of ``y = A (x - c) + c + t``, given ``A^-1`` in mm.

    In voxels the linear part is ``D^-1 A^-1 D`` with ``D = diag(spacing)``.
    """
    linear = inverse_mm * voxel_mm[None, :] / voxel_mm[:, None]
    centre = (np.array(shape, dtype=np.float64) - 1.0) / 2.0
    matrix = np.eye(4)
    matrix[:3, :3] = linear
    matrix[:3, 3] = centre - linear @ (centre + steps)
    return matrix


def _plane_rotation(degrees: float, first: int, second: int) -> np.ndarray:
    """3x3 rotation turning axis ``first`` towards axis ``second`` by ``degrees``."""
    quarter_turns = degrees / 90.0
    if float(quarter_turns).is_integer():  # exact for multiples of 90 degrees
        cos, sin = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][int(quarter_turns) % 4]
    else:
        cos, sin = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    matrix = np.eye(3)
    matrix[first, first] = matrix[second, second] = cos
    matrix[second, first] = sin
    matrix[first, second] = -sin
    return matrix


def _check_angle(angle: Any, name: str = "angle") -> float:
    if isinstance(angle, (bool, np.bool_)) or not isinstance(angle, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a number of degrees; got {describe(angle)}")
    if not np.isfinite(angle):
        raise ValueError(f"{name} must be a finite number of degrees; got {angle}")
    return float(angle)


def check_plane_axes(axes: Any) -> tuple[int, int]:
    """``axes`` as a pair of two different axes in 0..2: the plane of a rotation."""
    if isinstance(axes, (str, bytes)) or not isinstance(axes, (Sequence, np.ndarray)) or len(axes) != 2:
        raise ValueError(f"axes must be a pair of different axes, e.g. (0, 1); got {describe(axes)}")
    first, second = (check_axis(a, "axes") for a in axes)
    if first == second:
        raise ValueError(f"axes must be two different axes; got {describe(axes)}")
    return first, second


def check_flip_axes(axes: Any) -> tuple[int, ...]:
    """``axes`` (an int or a sequence of distinct ints) as a tuple of axes in 0..2."""
    if isinstance(axes, (Sequence, np.ndarray)) and not isinstance(axes, (str, bytes)):
        checked = tuple(check_axis(a, "axes") for a in axes)
    else:
        checked = (check_axis(axes, "axes"),)
    if len(set(checked)) != len(checked):
        raise ValueError(f"axes must not repeat an axis; got {describe(axes)}")
    return checked


__all__ = ["affine_matrix", "apply_affine", "flip", "rotate", "shift"]
