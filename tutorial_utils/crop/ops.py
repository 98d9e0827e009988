"""Crop 3D arrays: to a box, to the centre, at random, around a voxel, to the foreground.

Training batches need every sample at one shape. These array functions do the
index arithmetic once, with clear errors; :mod:`.pad_ops` pads (and
crops-or-pads) to a shape, and :mod:`tutorial_utils.crop.transforms` applies
both to a :class:`~tutorial_utils.volume.Volume` (image, label and affine
together).

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

from typing import Any

import numpy as np

from .._checks import RngLike, as_rng, as_triple, check_array_3d

Triple = tuple[int, int, int]
IntOrTriple = int | tuple[int, int, int]


def check_size(size: Any, name: str = "size") -> Triple:
    """Check a box size: a positive int or three positive ints."""
    return as_triple(size, name, positive=True, integer=True, allow_zero=False)


def check_fits(shape: Triple, size: Triple, where: str = "shape") -> None:
    """Raise ``ValueError`` naming the first axis where a box of ``size`` does not fit in ``shape``."""
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
    start_t, size_t = check_box(arr.shape, start, size)
    box = tuple(slice(a, a + s) for a, s in zip(start_t, size_t))
    return np.array(arr[box], order="C", copy=True)


def check_box(shape: Triple, start: Any, size: Any) -> tuple[Triple, Triple]:
    """Check that the box ``[start, start + size)`` lies inside ``shape``; return it as two triples."""
    start_t = as_triple(start, "start", positive=True, integer=True)
    size_t = check_size(size)
    for axis, (n, a, s) in enumerate(zip(shape, start_t, size_t)):
        if a + s > n:
            raise ValueError(
                f"start {start_t} + size {size_t} reaches past the array on axis {axis}: "
                f"{a} + {s} = {a + s} > {n} voxels (array shape {tuple(shape)}); "
                f"the last valid start on that axis is {n - s}"
            )
    return start_t, size_t  # type: ignore[return-value]


def center_start(shape: IntOrTriple, size: IntOrTriple) -> Triple:
    """Start of the box of ``size`` centred in ``shape``: ``(n - size) // 2`` per axis.

    Examples
    --------
    >>> center_start((10, 9, 4), (4, 4, 4))
    (3, 2, 0)
    """
    shape_t = check_size(shape, "shape")
    size_t = check_size(size)
    check_fits(shape_t, size_t)
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
    shape_t = check_size(shape, "shape")
    size_t = check_size(size)
    check_fits(shape_t, size_t)
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
    shape_t = check_size(shape, "shape")
    size_t = check_size(size)
    check_fits(shape_t, size_t)
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
    "center_crop",
    "center_start",
    "crop",
    "crop_start_around",
    "foreground_bbox",
    "random_crop_start",
]
