"""Pad 3D arrays to a shape, or crop-or-pad them to one: the batch-shape step.

Centred pads put the odd voxel at the end (``pad_before = (shape - n) // 2``),
like the centred crops of :mod:`.ops`, so cropping and padding back returns
every kept voxel to where it was. The dtype is kept, so the same functions pad
images (float32) and label maps (integers); labels are padded with 0.

The fill is called ``cval``, as everywhere in the package: a number, or
``"min"`` for the array's minimum (CT air at about -1000 HU, MRI background).
"""

from __future__ import annotations

import numbers
from typing import Any, Literal

import numpy as np

from .._checks import check_array_3d, describe
from .ops import IntOrTriple, Triple, center_start, check_size

PadValue = float | Literal["min"]

#: Padding modes accepted by :func:`pad_to_shape` and :func:`crop_or_pad`.
PAD_MODES = ("constant", "edge", "reflect")


def check_cval(cval: Any) -> PadValue:
    """Return the fill ``cval`` as ``"min"`` or a finite float (before any array is known).

    Examples
    --------
    >>> check_cval(-1000), check_cval("min")
    (-1000.0, 'min')
    """
    if isinstance(cval, str):
        if cval != "min":
            raise ValueError(f'cval must be a number or "min" (the image minimum); got {cval!r}')
        return cval
    if isinstance(cval, (bool, np.bool_)) or not isinstance(cval, (numbers.Real, np.number)):
        raise TypeError(f'cval must be a number or "min" (the image minimum); got {describe(cval)}')
    if not np.isfinite(cval):
        raise ValueError(f'cval must be finite or "min"; got {cval}')
    return float(cval)


def resolve_pad_value(array: np.ndarray, cval: PadValue) -> float | int:
    """Return the constant to pad ``array`` with: ``cval``, or ``array.min()`` for ``"min"``.

    ``"min"`` suits images whose background is their darkest value: air in CT
    (about -1000 HU), the background of most MRI (which is not always 0, e.g.
    after a z-score normalisation). For label maps pad with 0 (background).

    Raises
    ------
    ValueError
        A NaN/infinite ``cval``, a non-integer one (or one out of range) for
        an integer array, or a string other than ``"min"``.

    Examples
    --------
    >>> import numpy as np
    >>> resolve_pad_value(np.array([[[-1000.0, 40.0]]]), "min")
    -1000.0
    """
    cval = check_cval(cval)
    if cval == "min":
        result = array.min().item()
        if isinstance(result, float) and not np.isfinite(result):
            raise ValueError(f'cval="min" is not finite ({result}): the array holds NaN or inf')
        return result
    if np.issubdtype(array.dtype, np.integer):
        info = np.iinfo(array.dtype)
        if cval != int(cval) or not info.min <= int(cval) <= info.max:
            raise ValueError(
                f"cval must be an integer in [{info.min}, {info.max}] to pad an array of dtype "
                f"{array.dtype}; got {cval:g}"
            )
        return int(cval)
    if array.dtype == np.bool_:
        if cval not in (0, 1):
            raise ValueError(f"cval must be 0 or 1 to pad a boolean array; got {cval:g}")
        return int(cval)
    return cval


def check_mode(mode: Any) -> str:
    """Return ``mode`` if it is one of :data:`PAD_MODES`."""
    if not isinstance(mode, str) or mode not in PAD_MODES:
        raise ValueError(f"mode must be one of {PAD_MODES}; got {describe(mode)}")
    return mode


def pad_array(arr: np.ndarray, before: Triple, after: Triple, *, mode: str, cval: PadValue) -> np.ndarray:
    """Pad ``arr`` by ``before``/``after`` voxels per axis (checked amounts); always a new C-contiguous array."""
    if not any(before) and not any(after):
        return np.array(arr, order="C", copy=True)
    if mode == "constant":
        out = np.full(
            tuple(n + b + a for n, b, a in zip(arr.shape, before, after)),
            resolve_pad_value(arr, cval),
            dtype=arr.dtype,
        )
        out[tuple(slice(b, b + n) for b, n in zip(before, arr.shape))] = arr
        return out
    if mode == "reflect" and min(arr.shape) < 2:
        axis = int(np.argmin(arr.shape))
        raise ValueError(
            f'mode="reflect" needs at least 2 voxels on every axis; axis {axis} has '
            f'{arr.shape[axis]} (use mode="edge" or "constant")'
        )
    return np.ascontiguousarray(np.pad(arr, tuple(zip(before, after)), mode=mode))


def pad_amounts(shape: IntOrTriple, target: IntOrTriple) -> tuple[Triple, Triple]:
    """Voxels added ``(before, after)`` on each axis to centre ``shape`` in ``target``.

    ``before = (target - n) // 2`` and ``after`` takes the rest, so the odd
    voxel goes at the end, as in :func:`~tutorial_utils.crop.ops.center_start`.

    Examples
    --------
    >>> pad_amounts((4, 5, 6), (4, 8, 9))
    ((0, 1, 1), (0, 2, 2))
    """
    shape_t = check_size(shape, "shape")
    target_t = check_size(target, "target")
    for axis, (n, t) in enumerate(zip(shape_t, target_t)):
        if t < n:
            raise ValueError(
                f"target {target_t} is smaller than shape {shape_t} on axis {axis} "
                f"({t} < {n}); padding only grows an axis (use crop_or_pad)"
            )
    before = tuple((t - n) // 2 for n, t in zip(shape_t, target_t))
    after = tuple(t - n - b for n, t, b in zip(shape_t, target_t, before))
    return before, after  # type: ignore[return-value]


def pad_to_shape(array: np.ndarray, shape: IntOrTriple, *, mode: str = "constant", cval: PadValue = 0) -> np.ndarray:
    """Pad a 3D array evenly on both sides of each axis up to ``shape``.

    Parameters
    ----------
    array : (I, J, K) ndarray
        Image or label map; its dtype is kept.
    shape : int or (3,) tuple of int
        Target shape, ``>=`` the array's on every axis (an equal axis is left
        alone).
    mode : {"constant", "edge", "reflect"}
        ``"constant"`` fills with ``cval``; ``"edge"`` repeats the border
        voxel; ``"reflect"`` mirrors the array about its border voxel (as
        ``numpy.pad``). Use ``"constant"`` with 0 for label maps: edge and
        reflect copy anatomy labels into the padding.
    cval : float or "min"
        Fill for ``mode="constant"``. ``"min"`` uses the array's minimum,
        the usual background: CT air is about -1000 HU (0 would be water), and
        MRI background is not always 0 (e.g. after normalisation).

    Returns
    -------
    (shape[0], shape[1], shape[2]) ndarray
        A new array with ``array``'s dtype.

    Raises
    ------
    ValueError
        A target smaller than the array on some axis (named), an unknown
        ``mode``, a ``cval`` the dtype cannot hold.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.ones((2, 3, 4), dtype=np.float32)
    >>> p = pad_to_shape(a, (4, 3, 5), cval=-1000)
    >>> p.shape, p.dtype, float(p[0, 0, 0]), float(p[1, 0, 0])
    ((4, 3, 5), dtype('float32'), -1000.0, 1.0)
    """
    arr = check_array_3d(array)
    mode, cval = check_mode(mode), check_cval(cval)
    before, after = pad_amounts(arr.shape, check_size(shape, "shape"))
    return pad_array(arr, before, after, mode=mode, cval=cval)


def crop_or_pad_plan(shape: IntOrTriple, target: IntOrTriple) -> tuple[Triple, Triple, Triple, Triple]:
    """Per axis, the centred crop of ``shape`` then the centred pad that give ``target``.

    Returns
    -------
    crop_start, crop_size, pad_before, pad_after : (3,) tuples of int
        Where an axis is larger than the target it is cropped (no padding);
        where it is smaller it is padded (no cropping). Input voxel
        ``crop_start - pad_before`` lands on output voxel 0.

    Examples
    --------
    >>> crop_or_pad_plan((10, 4, 6), (6, 8, 6))
    ((2, 0, 0), (6, 4, 6), (0, 2, 0), (0, 2, 0))
    """
    shape_t = check_size(shape, "shape")
    target_t = check_size(target, "target")
    crop_size = tuple(min(n, t) for n, t in zip(shape_t, target_t))
    crop_start = center_start(shape_t, crop_size)
    before, after = pad_amounts(crop_size, target_t)
    return crop_start, crop_size, before, after  # type: ignore[return-value]


def crop_or_pad(array: np.ndarray, shape: IntOrTriple, *, mode: str = "constant", cval: PadValue = 0) -> np.ndarray:
    """Bring a 3D array to ``shape``: centre-crop larger axes, centre-pad smaller ones.

    The usual last step after resampling a dataset to one voxel spacing:
    volumes then have the same mm per voxel but different shapes, and a batch
    needs one shape. Unlike resizing, this never stretches the anatomy.

    Parameters
    ----------
    array : (I, J, K) ndarray
        Image or label map; its dtype is kept.
    shape : int or (3,) tuple of int
        Target shape.
    mode, cval
        Padding, as in :func:`pad_to_shape` (``cval="min"`` takes the
        minimum of the cropped array).

    Returns
    -------
    (shape[0], shape[1], shape[2]) ndarray

    Warnings
    --------
    A centre crop can cut away the structure you care about when it is off
    centre; for training patches prefer
    :func:`~tutorial_utils.crop.transforms.random_crop` with foreground
    oversampling.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((10, 4, 6), dtype=np.int16)
    >>> crop_or_pad(a, (6, 8, 6)).shape
    (6, 8, 6)
    """
    arr = check_array_3d(array)
    mode, cval = check_mode(mode), check_cval(cval)
    crop_start, crop_size, before, after = crop_or_pad_plan(arr.shape, check_size(shape, "shape"))
    box = tuple(slice(a, a + s) for a, s in zip(crop_start, crop_size))
    return pad_array(arr[box], before, after, mode=mode, cval=cval)


__all__ = [
    "PAD_MODES",
    "crop_or_pad",
    "crop_or_pad_plan",
    "pad_amounts",
    "pad_to_shape",
    "resolve_pad_value",
]
