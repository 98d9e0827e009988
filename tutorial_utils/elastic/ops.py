"""Elastic deformation of arrays: warp with a displacement field, or with a random smooth one.

U-Net (Ronneberger et al. 2015) trained on a few dozen annotated images by
deforming them elastically: tissue is soft, so a smooth random warp gives new,
realistic shapes for free. The warped image at voxel ``x`` takes its value
from ``x + u(x)`` in the input, so the image is *moved*, not changed in
intensity, and the label map must move with exactly the same field.

* :func:`warp` applies a given field;
* :func:`elastic_transform` draws a B-spline field and warps an array;
* :func:`elastic_image_and_label` warps an image and its label map with the
  same field and measures it (the core of
  :func:`~tutorial_utils.elastic.transforms.random_elastic`, the
  :class:`~tutorial_utils.volume.Volume` augmentation).

Speed: the field is evaluated and used a few rows at a time, on every core,
and never held whole; only the box that holds non-background voxels (grown
by the largest displacement) is interpolated, since outside it the output is
background anyway. On the 1 mm MNI brain this takes a fraction of a second
where the usual blog code takes about 11 s. Memory: each thread keeps
buffers for a small chunk of rows, and no more threads run than keep them
all within twice the volume (:func:`~tutorial_utils.elastic.stats.scratch_threads`),
so a call peaks at about 2 to 3.3 times the image, outputs included, at any
thread count (``benchmarks/bench_elastic_memory.py``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from .._checks import (
    RngLike,
    as_float32_image,
    check_array_3d,
    check_label_array,
    check_order,
    describe,
)
from .._resampling import _prefiltered
from .field import (
    BSplineField,
    bspline_field,
    check_field,
    check_nonnegative,
    check_num_control_points,
    spacing_or_ones,
)
from .stats import PartialStats, Scratch, chunk_stats, merge_all, run_in_chunks, warn_if_folding

#: Field rows of one chunk: ``rows(start, stop, scratch) -> (3, stop - start, J, K)``.
FieldRows = Callable[[int, int, Scratch], np.ndarray]


@dataclass
class _Target:
    """One array to warp: where to read, how to interpolate, where to write."""

    source: np.ndarray
    order: int
    cval: float
    out: np.ndarray
    prefiltered: bool = False

    def __post_init__(self) -> None:
        if self.order == 0:
            self.source = np.ascontiguousarray(self.source)


def _nearest_inside(target: _Target, coords: np.ndarray, out: np.ndarray, scratch: Scratch) -> bool:
    """Nearest-neighbour warp by table lookup, ``source[floor(coords + 0.5)]`` as scipy's order 0.

    ``map_coordinates`` runs its general spline code even for order 0; a
    lookup is about three times faster. Used only when every coordinate lies
    inside the grid (outside, scipy fills ``cval``): returns False otherwise.
    """
    shape = target.source.shape
    if any(coords[c].min() < 0 or coords[c].max() > n - 1 for c, n in enumerate(shape)):
        return False
    rounded = scratch.get("nearest_rounded", coords.shape)
    np.add(coords, np.float32(0.5), out=rounded)
    np.floor(rounded, out=rounded)
    index = scratch.get("nearest_index", coords.shape, np.int32 if target.source.size < 2**31 else np.int64)
    np.copyto(index, rounded, casting="unsafe")
    flat, along_j, along_k = index
    flat *= shape[1] * shape[2]
    along_j *= shape[2]
    flat += along_j
    flat += along_k
    values = scratch.get("nearest_values", flat.shape, target.source.dtype)
    out[...] = np.take(target.source.reshape(-1), flat, out=values, mode="clip")
    return True


def _check_cval(cval: Any) -> float:
    if isinstance(cval, (bool, np.bool_)) or not isinstance(cval, (numbers.Real, np.number)):
        raise TypeError(f"cval must be a number; got {describe(cval)}")
    if not math.isfinite(float(cval)):
        raise ValueError(f"cval must be finite; got {cval}")
    return float(cval)


def _target(array: Any, order: int, cval: float, name: str = "array") -> _Target:
    """Integer arrays warped with order 0 keep their dtype (labels); the rest become float32."""
    arr = check_array_3d(array, name)
    if order == 0 and (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
        arr = check_label_array(arr, name)
        info = np.iinfo(arr.dtype)
        if not (cval.is_integer() and info.min <= cval <= info.max):
            raise ValueError(
                f"cval must be an integer value of {arr.dtype} to warp an integer {name} with order 0; got {cval}"
            )
        return _Target(arr, 0, cval, np.empty(arr.shape, arr.dtype))
    arr = as_float32_image(arr, name)
    source, prefiltered = _prefiltered(arr, order, "constant")
    return _Target(source, order, cval, np.empty(arr.shape, np.float32), prefiltered)


def _grown(mask: np.ndarray, margin: int) -> slice:
    """The span of the True entries of a 1D ``mask``, grown by ``margin`` on each side."""
    where = np.flatnonzero(mask)
    return slice(max(int(where[0]) - margin, 0), min(int(where[-1]) + margin + 1, mask.size))


class _Footprint:
    """Where the inputs differ from their ``cval``, to skip warping pure background.

    An output voxel farther than ``max_shift + 1`` voxels (per axis) from
    every such input voxel only interpolates background, so it stays ``cval``.
    That holds for orders 0 and 1; higher orders ring and get everything.
    """

    def __init__(self, targets: list[_Target], max_shift: Sequence[float]) -> None:
        differs = [t.source != t.source.dtype.type(t.cval) for t in targets]
        self.ij = np.logical_or.reduce([d.any(axis=2) for d in differs])
        self.ik = np.logical_or.reduce([d.any(axis=1) for d in differs])
        self.margin = [int(math.ceil(s)) + 1 for s in max_shift]
        has_content = self.ij.any(axis=1).astype(np.uint8)
        self.rows = ndimage.maximum_filter1d(has_content, 2 * self.margin[0] + 1, mode="constant") > 0

    def box(self, start: int, stop: int) -> tuple[slice, slice, slice] | None:
        """The part of output rows ``start:stop`` that can differ from ``cval`` (None: none)."""
        if not self.rows[start:stop].any():
            return None
        rows = _grown(self.rows[start:stop], 0)
        window = slice(max(start - self.margin[0], 0), stop + self.margin[0])
        return (
            slice(start + rows.start, start + rows.stop),
            _grown(self.ij[window].any(axis=0), self.margin[1]),
            _grown(self.ik[window].any(axis=0), self.margin[2]),
        )


def _warp(
    targets: list[_Target],
    field_rows: FieldRows,
    max_shift: Sequence[float],
    spacing: tuple[float, float, float] | None = None,
    measure: bool = False,
) -> PartialStats | None:
    """Warp every target with the same field, chunk by chunk, into ``target.out``.

    With ``measure``, also measure the field (as
    :func:`~tutorial_utils.elastic.stats.displacement_stats` does) while it
    is at hand, and return the statistics.
    """
    shape = targets[0].out.shape
    footprint = None if any(t.order > 1 for t in targets) else _Footprint(targets, max_shift)
    for t in targets:
        t.out[...] = t.cval
    grid = [np.arange(n, dtype=np.float32) for n in shape]

    def work(start: int, stop: int, scratch: Scratch) -> PartialStats | None:
        if footprint is None:
            box = (slice(start, stop), slice(0, shape[1]), slice(0, shape[2]))
        else:
            box = footprint.box(start, stop)
        if measure:
            low, high = max(start - 1, 0), min(stop + 1, shape[0])
        elif box is None:
            return None
        else:
            low, high = box[0].start, box[0].stop
        block = field_rows(low, high, scratch)
        if box is not None:
            rows, cols_j, cols_k = box
            disp = block[:, rows.start - low : rows.stop - low, cols_j, cols_k]
            coords = scratch.get("coords", disp.shape)
            np.add(disp[0], grid[0][rows, None, None], out=coords[0])
            np.add(disp[1], grid[1][cols_j, None], out=coords[1])
            np.add(disp[2], grid[2][cols_k], out=coords[2])
            for t in targets:
                if t.order == 0 and _nearest_inside(t, coords, t.out[box], scratch):
                    continue
                ndimage.map_coordinates(
                    t.source,
                    coords,
                    output=t.out[box],
                    order=t.order,
                    mode="constant",
                    cval=t.cval,
                    prefilter=t.order > 1 and not t.prefiltered,
                )
        return chunk_stats(block, start - low, stop - low, spacing, scratch) if measure else None

    parts = run_in_chunks(shape[0], shape[1] * shape[2], work)
    return merge_all(parts) if measure else None  # type: ignore[arg-type]


def _bspline_rows(field: BSplineField) -> FieldRows:
    def rows(start: int, stop: int, scratch: Scratch) -> np.ndarray:
        out = scratch.get("field", (3, stop - start, *field.shape[1:]))
        return field.rows(start, stop, out)

    return rows


def warp(array: Any, field: np.ndarray, *, order: int = 1, cval: float = 0.0) -> np.ndarray:
    """Warp a 3D array with a displacement field: ``out[x] = array[x + field[:, x]]``.

    Parameters
    ----------
    array : (I, J, K) array_like
        Image, or an integer label map (with ``order=0``). Not modified.
    field : (3, I, J, K) float ndarray
        Displacement in voxels along each array axis, e.g. from
        :func:`~tutorial_utils.elastic.field.random_displacement_field`.
    order : int, default 1
        Spline order: 0 nearest neighbour (labels), 1 linear (images), up
        to 5. Orders above 1 overshoot near edges and are slower.
    cval : float, default 0.0
        Value for samples that fall outside the volume.

    Returns
    -------
    (I, J, K) ndarray
        float32, or the input's integer dtype for an integer array warped
        with ``order=0`` (so label values are never mixed).

    Examples
    --------
    >>> image = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
    >>> shift = np.zeros((3, 4, 5, 6), np.float32)
    >>> shift[2] = 1.0
    >>> warp(image, shift)[0, 0]
    array([1., 2., 3., 4., 5., 0.], dtype=float32)
    """
    order = check_order(order)
    cval = _check_cval(cval)
    target = _target(array, order, cval)
    field = check_field(field)
    if field.shape[1:] != target.out.shape:
        raise ValueError(f"field must have shape (3, *array.shape) = {(3, *target.out.shape)}; got {field.shape}")
    max_shift = [max(-float(c.min()), float(c.max())) for c in field]
    _warp([target], lambda start, stop, scratch: field[:, start:stop], max_shift)
    return target.out


def elastic_transform(
    array: Any,
    *,
    num_control_points: int = 7,
    max_displacement: float = 8.0,
    spacing: Sequence[float] | float | None = None,
    order: int = 1,
    cval: float = 0.0,
    rng: RngLike = None,
) -> np.ndarray:
    """Deform an array with a random smooth field (the blog's ``elastic_transform_3d``, fixed).

    Draws a field like
    :func:`~tutorial_utils.elastic.field.random_displacement_field` and
    warps ``array`` with it, without ever holding the whole field in memory.
    For an image with a label map use
    :func:`~tutorial_utils.elastic.transforms.random_elastic`, which moves
    both with the same field; two calls here draw two different fields.

    Parameters
    ----------
    array : (I, J, K) array_like
        Image (or integer labels with ``order=0``). Not modified.
    num_control_points : int, default 7
        Control points per axis, border included (>= 4).
    max_displacement : float, default 8.0
        Bound on the displacement length, in mm with ``spacing``, else voxels.
    spacing : float or tuple of 3 floats, optional
        Voxel size in mm.
    order : int, default 1
        Spline order (0 for labels).
    cval : float, default 0.0
        Value outside the volume (reached only where the field folds: the
        border of the field is locked).
    rng : numpy.random.Generator, int or None
        Source of randomness; the same seed gives the same output.

    Returns
    -------
    (I, J, K) ndarray
        float32, or the integer dtype for integer input with ``order=0``.

    Examples
    --------
    >>> image = np.random.default_rng(0).random((16, 16, 16))
    >>> out = elastic_transform(image, max_displacement=2.0, rng=0)
    >>> out.shape, out.dtype, bool(np.allclose(out[0], image[0]))
    ((16, 16, 16), dtype('float32'), True)
    """
    num_control_points = check_num_control_points(num_control_points)
    max_displacement = check_nonnegative(max_displacement, "max_displacement")
    spacing_mm = spacing_or_ones(spacing)
    target = _target(array, check_order(order), _check_cval(cval))
    field = bspline_field(target.out.shape, num_control_points, max_displacement, spacing_mm, rng)
    _warp([target], _bspline_rows(field), field.max_abs)
    return target.out


def elastic_image_and_label(
    image: np.ndarray,
    label: np.ndarray | None,
    *,
    seed: int,
    num_control_points: int,
    max_displacement: float,
    spacing: tuple[float, float, float],
) -> tuple[np.ndarray, np.ndarray | None, dict[str, float]]:
    """Warp an image and its label map with one B-spline field, and measure the field.

    The array core of :func:`~tutorial_utils.elastic.transforms.elastic_volume`,
    which checks the parameters: the image is interpolated linearly (outside
    the grid: its minimum), the label with nearest neighbour (outside: 0),
    and the field statistics of
    :func:`~tutorial_utils.elastic.stats.displacement_stats` (with mm) are
    computed while the field is at hand.

    Parameters
    ----------
    image : (I, J, K) float32 ndarray
        Finite. Not modified.
    label : (I, J, K) integer ndarray or None
        Not modified.
    seed : int
        Seed of the field, as ``rng`` of
        :func:`~tutorial_utils.elastic.field.random_displacement_field`.
    num_control_points : int
        Control points per axis (>= 4).
    max_displacement : float
        Bound on the displacement length in mm (>= 0).
    spacing : tuple of 3 floats
        Voxel size in mm.

    Returns
    -------
    image : (I, J, K) float32 ndarray
    label : (I, J, K) ndarray of ``label``'s dtype, or None
    stats : dict of str to float
        As :func:`~tutorial_utils.elastic.stats.displacement_stats` with ``spacing``.

    Warns
    -----
    FoldingWarning
        When the field folds.

    Examples
    --------
    >>> image = np.zeros((12, 12, 12), np.float32)
    >>> label = np.zeros((12, 12, 12), np.uint8)
    >>> label[3:9, 3:9, 3:9] = 2
    >>> out, moved, stats = elastic_image_and_label(
    ...     image + label, label, seed=0, num_control_points=5, max_displacement=2.0, spacing=(1.0, 1.0, 1.0))
    >>> np.unique(moved).tolist(), bool(0 < stats["max_displacement_mm"] <= 2.0)
    ([0, 2], True)
    """
    field = bspline_field(image.shape, num_control_points, max_displacement, spacing, seed)
    targets = [_Target(image, 1, float(image.min()), np.empty(image.shape, np.float32))]
    if label is not None:
        targets.append(_Target(label, 0, 0.0, np.empty(label.shape, label.dtype)))
    parts = _warp(targets, _bspline_rows(field), field.max_abs, spacing, measure=True)
    stats = parts.as_dict(with_mm=True)  # type: ignore[union-attr]
    warn_if_folding(stats)
    return targets[0].out, targets[1].out if label is not None else None, stats
