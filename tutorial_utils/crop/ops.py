"""Crop and pad 3D arrays: to a box, to the centre, to a fixed shape, at random.

Training batches need every sample at one shape. These array functions do the
index arithmetic once, with clear errors; :mod:`tutorial_utils.crop.transforms`
applies them to a :class:`~tutorial_utils.volume.Volume` (image, label and
affine together).

Conventions used throughout:

* A box is ``start`` (index of its first voxel on each axis) and ``size``
  (voxels on each axis), so it covers ``start[a] <= index < start[a] + size[a]``.
* Centred crops and pads put the odd voxel at the end:
  ``start = (n - size) // 2``, ``pad_before = (shape - n) // 2``. Cropping
  with one and padding back with the other returns every kept voxel to
  where it was.
* Crop and pad never change the dtype, so the same functions crop images
  (float32) and label maps (integers). The result is always a new,
  C-contiguous array (safe to modify, accepted by ``torch.from_numpy``).
"""

from __future__ import annotations

import numbers
from typing import Any, Literal, Union

import numpy as np

from .._checks import RngLike, as_rng, as_triple, check_array_3d, describe

Triple = tuple[int, int, int]
IntOrTriple = Union[int, tuple[int, int, int]]
PadValue = Union[float, Literal["min"]]

#: Padding modes accepted by :func:`pad_to_shape` and :func:`crop_or_pad`.
PAD_MODES = ("constant", "edge", "reflect")


def _sizes(size: Any, name: str = "size") -> Triple:
    """Check a box size: a positive int or three positive ints."""
    return as_triple(size, name, positive=True, integer=True, allow_zero=False)


def _check_fits(shape: Triple, size: Triple, where: str = "shape") -> None:
    for axis, (n, s) in enumerate(zip(shape, size)):
        if s > n:
            raise ValueError(
                f"size {size} does not fit in {where} {shape}: axis {axis} has {n} voxels but "
                f"the crop needs {s}. Choose a smaller size on that axis, pad it first "
                f"(pad_to_shape, pad_volume) or use crop_or_pad (crop_or_pad_volume), which pads "
                f"where the volume is smaller"
            )


def crop(array: np.ndarray, start: IntOrTriple, size: IntOrTriple) -> np.ndarray:
    """Cut the box ``[start, start + size)`` out of a 3D array.

    Parameters
    ----------
    array : (I, J, K) ndarray
        Image or label map (any numeric dtype; it is kept).
    start : int or (3,) tuple of int
        Index of the box's first voxel on each axis, ``>= 0``.
    size : int or (3,) tuple of int
        Voxels on each axis, ``> 0``; the box must lie inside ``array``.

    Returns
    -------
    (size[0], size[1], size[2]) ndarray
        A new C-contiguous array with ``array``'s dtype.

    Raises
    ------
    ValueError
        Negative ``start``, non-positive ``size``, a tuple without 3 entries,
        or a box reaching past the array (the message names the axis).

    Notes
    -----
    Cropping an image without its label map (or with different offsets)
    silently misaligns them; crop a :class:`~tutorial_utils.volume.Volume`
    with :func:`~tutorial_utils.crop.transforms.crop_volume` instead.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(4 * 5 * 6).reshape(4, 5, 6)
    >>> box = crop(a, (1, 0, 2), (2, 5, 3))
    >>> box.shape, bool(box[0, 0, 0] == a[1, 0, 2])
    ((2, 5, 3), True)
    """
    arr = check_array_3d(array)
    start_t = as_triple(start, "start", positive=True, integer=True)
    size_t = _sizes(size)
    for axis, (n, a, s) in enumerate(zip(arr.shape, start_t, size_t)):
        if a + s > n:
            raise ValueError(
                f"start {start_t} + size {size_t} reaches past the array on axis {axis}: "
                f"{a} + {s} = {a + s} > {n} voxels (array shape {arr.shape}); "
                f"the last valid start on that axis is {n - s}"
            )
    box = tuple(slice(a, a + s) for a, s in zip(start_t, size_t))
    return np.array(arr[box], order="C", copy=True)


def center_start(shape: IntOrTriple, size: IntOrTriple) -> Triple:
    """Start of the box of ``size`` centred in ``shape``: ``(n - size) // 2`` per axis.

    Examples
    --------
    >>> center_start((10, 9, 4), (4, 4, 4))
    (3, 2, 0)
    """
    shape_t = _sizes(shape, "shape")
    size_t = _sizes(size)
    _check_fits(shape_t, size_t)
    return tuple((n - s) // 2 for n, s in zip(shape_t, size_t))  # type: ignore[return-value]


def center_crop(array: np.ndarray, size: IntOrTriple) -> np.ndarray:
    """Crop the centred box of ``size`` (the odd voxel is dropped at the end).

    Parameters
    ----------
    array : (I, J, K) ndarray
    size : int or (3,) tuple of int
        Must fit in ``array`` on every axis.

    Returns
    -------
    (size[0], size[1], size[2]) ndarray
        Same dtype as ``array``.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(5 * 5 * 5).reshape(5, 5, 5)
    >>> center_crop(a, 1)[0, 0, 0] == a[2, 2, 2]
    np.True_
    """
    arr = check_array_3d(array)
    return crop(arr, center_start(arr.shape, size), size)


def resolve_pad_value(array: np.ndarray, value: PadValue) -> float | int:
    """Return the constant to pad ``array`` with: ``value``, or ``array.min()`` for ``"min"``.

    ``"min"`` suits images whose background is their darkest value: air in CT
    (about -1000 HU), the background of most MRI (which is not always 0, e.g.
    after a z-score normalisation). For label maps pad with 0 (background).

    Raises
    ------
    ValueError
        A NaN/infinite value, a non-integer value (or one out of range) for an
        integer array, or an unknown string.

    Examples
    --------
    >>> import numpy as np
    >>> resolve_pad_value(np.array([[[-1000.0, 40.0]]]), "min")
    -1000.0
    """
    if isinstance(value, str):
        if value != "min":
            raise ValueError(f'value must be a number or "min"; got {value!r}')
        result = array.min().item()
        if isinstance(result, float) and not np.isfinite(result):
            raise ValueError(f'value="min" is not finite ({result}): the array holds NaN or inf')
        return result
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f'value must be a number or "min"; got {describe(value)}')
    if not np.isfinite(value):
        raise ValueError(f"value must be finite; got {value}")
    if np.issubdtype(array.dtype, np.integer):
        info = np.iinfo(array.dtype)
        if float(value) != int(value) or not info.min <= int(value) <= info.max:
            raise ValueError(
                f"value must be an integer in [{info.min}, {info.max}] to pad an array of dtype "
                f"{array.dtype}; got {value}"
            )
        return int(value)
    if array.dtype == np.bool_:
        if value not in (0, 1):
            raise ValueError(f"value must be 0 or 1 to pad a boolean array; got {value}")
        return int(value)
    return float(value)


def _check_mode(mode: Any) -> str:
    if mode not in PAD_MODES:
        raise ValueError(f"mode must be one of {PAD_MODES}; got {mode!r}")
    return mode


def _pad(arr: np.ndarray, before: Triple, after: Triple, mode: str, value: PadValue) -> np.ndarray:
    widths = tuple(zip(before, after))
    if not any(before) and not any(after):
        return np.array(arr, order="C", copy=True)
    if mode == "constant":
        out = np.full(
            tuple(n + b + a for n, b, a in zip(arr.shape, before, after)),
            resolve_pad_value(arr, value),
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
    return np.ascontiguousarray(np.pad(arr, widths, mode=mode))


def pad_amounts(shape: IntOrTriple, target: IntOrTriple) -> tuple[Triple, Triple]:
    """Voxels added ``(before, after)`` on each axis to centre ``shape`` in ``target``.

    ``before = (target - n) // 2`` and ``after`` takes the rest, so the odd
    voxel goes at the end, as in :func:`center_start`.

    Examples
    --------
    >>> pad_amounts((4, 5, 6), (4, 8, 9))
    ((0, 1, 1), (0, 2, 2))
    """
    shape_t = _sizes(shape, "shape")
    target_t = _sizes(target, "target")
    for axis, (n, t) in enumerate(zip(shape_t, target_t)):
        if t < n:
            raise ValueError(
                f"target {target_t} is smaller than shape {shape_t} on axis {axis} "
                f"({t} < {n}); padding only grows an axis (use crop_or_pad)"
            )
    before = tuple((t - n) // 2 for n, t in zip(shape_t, target_t))
    after = tuple(t - n - b for n, t, b in zip(shape_t, target_t, before))
    return before, after  # type: ignore[return-value]


def pad_to_shape(
    array: np.ndarray,
    shape: IntOrTriple,
    mode: str = "constant",
    value: PadValue = 0,
) -> np.ndarray:
    """Pad a 3D array evenly on both sides of each axis up to ``shape``.

    Parameters
    ----------
    array : (I, J, K) ndarray
        Image or label map; its dtype is kept.
    shape : int or (3,) tuple of int
        Target shape, ``>=`` the array's on every axis (an equal axis is left
        alone).
    mode : {"constant", "edge", "reflect"}
        ``"constant"`` fills with ``value``; ``"edge"`` repeats the border
        voxel; ``"reflect"`` mirrors the array about its border voxel (as
        ``numpy.pad``). Use ``"constant"`` with 0 for label maps: edge and
        reflect copy anatomy labels into the padding.
    value : float or "min"
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
        ``mode``, a ``value`` the dtype cannot hold.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.ones((2, 3, 4), dtype=np.float32)
    >>> p = pad_to_shape(a, (4, 3, 5), value=-1000)
    >>> p.shape, p.dtype, float(p[0, 0, 0]), float(p[1, 0, 0])
    ((4, 3, 5), dtype('float32'), -1000.0, 1.0)
    """
    arr = check_array_3d(array)
    mode = _check_mode(mode)
    before, after = pad_amounts(arr.shape, shape)
    return _pad(arr, before, after, mode, value)


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
    shape_t = _sizes(shape, "shape")
    target_t = _sizes(target, "target")
    crop_size = tuple(min(n, t) for n, t in zip(shape_t, target_t))
    crop_start = center_start(shape_t, crop_size)
    before, after = pad_amounts(crop_size, target_t)
    return crop_start, crop_size, before, after  # type: ignore[return-value]


def crop_or_pad(
    array: np.ndarray,
    shape: IntOrTriple,
    mode: str = "constant",
    value: PadValue = 0,
) -> np.ndarray:
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
    mode, value
        Padding, as in :func:`pad_to_shape` (``value="min"`` takes the
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
    mode = _check_mode(mode)
    crop_start, crop_size, before, after = crop_or_pad_plan(arr.shape, shape)
    if crop_size != arr.shape:
        box = tuple(slice(a, a + s) for a, s in zip(crop_start, crop_size))
        arr = arr[box]
    return _pad(arr, before, after, mode, value)


def random_crop_start(shape: IntOrTriple, size: IntOrTriple, *, rng: RngLike = None) -> Triple:
    """Draw the start of a crop box uniformly over every valid position.

    On each axis the start is uniform over ``0, 1, ..., n - size``: both ends
    included, so every voxel can appear in a crop. An axis where the crop
    already fits exactly gets start 0.

    Parameters
    ----------
    shape : int or (3,) tuple of int
        Shape of the array to crop.
    size : int or (3,) tuple of int
        Crop size, ``<= shape`` on every axis.
    rng : Generator, int or None
        Random source (``numpy.random.default_rng`` semantics).

    Returns
    -------
    (3,) tuple of int

    Examples
    --------
    >>> random_crop_start((10, 8, 64), (4, 8, 32), rng=0)
    (5, 0, 21)
    """
    shape_t = _sizes(shape, "shape")
    size_t = _sizes(size)
    _check_fits(shape_t, size_t)
    generator = as_rng(rng)
    return tuple(int(generator.integers(0, n - s + 1)) for n, s in zip(shape_t, size_t))  # type: ignore[return-value]


def crop_start_around(shape: IntOrTriple, size: IntOrTriple, center: IntOrTriple) -> Triple:
    """Start of the box of ``size`` centred on voxel ``center``, shifted to stay inside ``shape``.

    The voxel ``center`` is always inside the returned box (at its middle,
    unless the box was pushed back from a border).

    Examples
    --------
    >>> crop_start_around((20, 20, 20), (8, 8, 8), (10, 1, 19))
    (6, 0, 12)
    """
    shape_t = _sizes(shape, "shape")
    size_t = _sizes(size)
    _check_fits(shape_t, size_t)
    center_t = as_triple(center, "center", positive=True, integer=True)
    for axis, (n, c) in enumerate(zip(shape_t, center_t)):
        if c >= n:
            raise ValueError(f"center {center_t} lies outside shape {shape_t} on axis {axis}")
    return tuple(  # type: ignore[return-value]
        min(max(c - s // 2, 0), n - s) for n, s, c in zip(shape_t, size_t, center_t)
    )


def foreground_bbox(mask: np.ndarray, margin: IntOrTriple = 0) -> tuple[Triple, Triple]:
    """Smallest box holding every non-zero voxel of ``mask``, grown by ``margin``.

    Parameters
    ----------
    mask : (I, J, K) ndarray
        Boolean mask or label map; every non-zero voxel is foreground.
    margin : int or (3,) tuple of int
        Voxels added on both sides of each axis, clipped at the array border.

    Returns
    -------
    start, size : (3,) tuples of int
        Ready for :func:`crop`: ``crop(image, *foreground_bbox(mask))``.

    Raises
    ------
    ValueError
        The mask has no foreground voxel, or a negative margin.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.zeros((10, 10, 10), dtype=bool)
    >>> m[3:5, 4, 6:9] = True
    >>> foreground_bbox(m)
    ((3, 4, 6), (2, 1, 3))
    >>> foreground_bbox(m, margin=2)
    ((1, 2, 4), (6, 5, 6))
    """
    arr = check_array_3d(mask, "mask")
    margin_t = as_triple(margin, "margin", positive=True, integer=True)
    start, size = [], []
    for axis in range(3):
        others = tuple(a for a in range(3) if a != axis)
        hits = np.flatnonzero(np.any(arr, axis=others))
        if hits.size == 0:
            raise ValueError(
                f"mask has no foreground (no non-zero voxel) in its {arr.shape} voxels; "
                f"a bounding box needs at least one"
            )
        low = max(int(hits[0]) - margin_t[axis], 0)
        high = min(int(hits[-1]) + 1 + margin_t[axis], arr.shape[axis])
        start.append(low)
        size.append(high - low)
    return tuple(start), tuple(size)  # type: ignore[return-value]


__all__ = [
    "PAD_MODES",
    "center_crop",
    "center_start",
    "crop",
    "crop_or_pad",
    "crop_or_pad_plan",
    "crop_start_around",
    "foreground_bbox",
    "pad_amounts",
    "pad_to_shape",
    "random_crop_start",
    "resolve_pad_value",
]
