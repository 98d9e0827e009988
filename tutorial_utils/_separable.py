"""Axis-aligned resampling (a scale and an offset per axis, order 0 or 1), two ways, and its finiteness check.

A diagonal ``scipy.ndimage.affine_transform`` is separable: nearest-neighbour
or linear interpolation in 3D is the same as interpolating along one axis,
then another, then the third. :func:`resample_separable` takes one of two
paths, by a cost estimate of each:

* **1-D passes** (any dtype, any order 0/1, any memory layout): each pass is
  two gathers and a weighted sum, far cheaper than scipy's per-voxel 3D loop.
  The axis that shrinks the most goes first, so the intermediates stay small.
  The passes run block by block: for a few output planes along axis 0 at a
  time, the input planes they read go through the passes that come before
  axis 0, each output plane blends two of them, and the remaining passes
  finish the block and write it into the output. The input is read once, no
  volume-sized intermediate exists and a block's intermediates stay in the CPU
  cache. The arithmetic, and its order, is that of three whole-volume passes,
  so the values do not depend on the blocks.
* **a sparse product over axes 0 and 1** (linear, float32, C-contiguous):
  see :mod:`tutorial_utils._sparse_rows`; it wins where the first two axes
  shrink, as when a scan is brought to a network's input size.

Blocks of output planes are split over threads in both. Like scipy,
``scales`` and ``offsets`` map OUTPUT indices to INPUT positions (see
:mod:`tutorial_utils._lines`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from . import _threads
from ._lines import Line, all_finite, as_slice, gather, plane_chunks, sample_line
from ._sparse_rows import resample_rows, rows_cost


class _Pass(NamedTuple):
    """A 1-D pass along ``axis`` of a block of planes.

    ``low`` and ``high`` are slices where the indices are evenly spaced (a
    view instead of a gather: a 2x downsampling reads every other voxel), and
    the weights are shaped to multiply the gathered block.
    """

    axis: int
    low: slice | np.ndarray
    high: slice | np.ndarray | None
    weight: np.ndarray | None
    one_minus: np.ndarray | None


def _block_passes(lines: Sequence[Line], axes: Sequence[int], plane_shape: Sequence[int]) -> list[_Pass]:
    """The passes along ``axes`` (1 or 2) of blocks whose planes start with ``plane_shape``.

    Weights along axis 1 are stored as full planes: multiplying by a
    contiguous plane is about twice as fast as broadcasting a column.
    """
    shape = list(plane_shape)
    prepared = []
    for axis in axes:
        line = lines[axis]
        shape[axis - 1] = line.low.size
        weight, one_minus = line.weight, line.one_minus
        if weight is not None and one_minus is not None and axis == 1:
            weight = np.ascontiguousarray(np.broadcast_to(weight[:, None], shape))
            one_minus = np.ascontiguousarray(np.broadcast_to(one_minus[:, None], shape))
        high = None if line.high is None else as_slice(line.high)
        prepared.append(_Pass(axis, as_slice(line.low), high, weight, one_minus))
    return prepared


def _blend(block: np.ndarray, step: _Pass, out: np.ndarray | None = None) -> np.ndarray:
    """One 1-D pass of a block: a gather, or ``high * w + low * (1 - w)`` in the block's dtype."""
    lower = gather(block, step.low, step.axis)
    if step.high is None or step.weight is None or step.one_minus is None:
        if out is None:
            return lower.copy() if isinstance(step.low, slice) else lower
        np.copyto(out, lower)
        return out
    lower = np.multiply(lower, step.one_minus, out=None if isinstance(step.low, slice) else lower)
    target = np.multiply(gather(block, step.high, step.axis), step.weight, out=out)
    target += lower
    return target


#: Values per block of output planes: small enough for the intermediates to stay in cache.
BLOCK_VALUES = 1 << 18


def _blocks(
    array: np.ndarray, lines: Sequence[Line], axes: Sequence[int], shape: tuple[int, ...]
) -> tuple[np.ndarray, bool]:
    """All three passes, in the order ``axes``, on blocks of output planes (along axis 0).

    For each block, the input planes it reads go through the passes that come
    before axis 0 in ``axes``; the pass along axis 0 blends two of them per
    output plane; the passes after it run on the blended block, the last one
    writing into the output. Everything but the input and the output stays
    in cache. Also returns whether every output value is finite (each block
    is checked while in cache).
    """
    k = list(axes).index(0)
    before = _block_passes(lines, axes[:k], array.shape[1:])
    blended = [shape[d] if d in axes[:k] else array.shape[d] for d in (1, 2)]
    after = _block_passes(lines, axes[k + 1 :], blended)
    line = lines[0]
    high = line.low if line.high is None else line.high
    out = np.empty(shape, dtype=array.dtype)

    def work(start: int, stop: int, state: None) -> bool:
        with np.errstate(invalid="ignore"):  # inf * 0 from a non-finite input, which then raises
            return _work(start, stop)

    def _work(start: int, stop: int) -> bool:
        # the input planes this block reads (decreasing when the axis is mirrored: a negative scale)
        first = int(min(line.low[start:stop].min(), high[start:stop].min()))
        block = array[first : int(max(line.low[start:stop].max(), high[start:stop].max())) + 1]
        for step in before:
            block = _blend(block, step)
        if line.weight is None or line.one_minus is None:
            mixed = block[line.low[start:stop] - first]
        else:  # the same arithmetic as _blend: high * w + low * (1 - w), a few calls per block
            step = _Pass(
                0,
                as_slice(line.low[start:stop] - first),
                as_slice(high[start:stop] - first),
                line.weight[start:stop, None, None],
                line.one_minus[start:stop, None, None],
            )
            mixed = _blend(block, step)
        for step in after[:-1]:
            mixed = _blend(mixed, step)
        if after:
            _blend(mixed, after[-1], out[start:stop])
        else:
            np.copyto(out[start:stop], mixed)
        return all_finite(out[start:stop])

    # about BLOCK_VALUES per block, and a multiple of the thread count of blocks of equal size (balanced threads)
    per_block = max(1, BLOCK_VALUES // max(1, int(np.prod(blended))))
    chunks = plane_chunks(shape[0], per_block, _threads.num_threads())
    return out, all(_threads.run_chunks(chunks, work, out.size))


#: Use the two-axis sparse product when its estimated cost is at most this share of the blocked passes' (measured).
_ROWS_COST_SHARE = 1.5


def _passes_cost(in_shape: Sequence[int], out_shape: Sequence[int], axes: Sequence[int]) -> int:
    """Values the three 1-D passes of :func:`_blocks` produce, each costing about three numpy operations."""
    shape, total = list(in_shape), 0
    for axis in axes:
        shape[axis] = out_shape[axis]
        total += 3 * int(np.prod(shape))
    return total


def read_indices(lines: Sequence[Line], shape: Sequence[int], widen: Sequence[int] = (0, 0, 0)) -> list[np.ndarray]:
    """Per axis, the input indices some output voxel depends on: those the sampling reads, ``widen`` either side.

    ``widen`` is the reach of a filter that made the sampled array from
    another one (the anti-aliasing Gaussian: ``int(4 * sigma + 0.5)``
    voxels per axis, clipped at the edges as its ``mode="nearest"`` does).
    """
    found = []
    for line, n, reach in zip(lines, shape, widen):
        read = np.unique(line.low if line.high is None else np.concatenate([line.low, line.high]))
        if reach:
            edges = np.zeros(n + 1, np.intp)
            np.add.at(edges, np.clip(read - reach, 0, n), 1)
            np.add.at(edges, np.clip(read + reach + 1, 0, n), -1)
            read = np.flatnonzero(np.cumsum(edges[:-1]) > 0)
        found.append(read)
    return found


def _check_read_voxels(source: np.ndarray, index: list[np.ndarray], name: str) -> None:
    """Raise ``ValueError`` naming ``name`` if ``source`` holds a non-finite value at the voxels ``index`` spans."""
    read = source[np.ix_(*index)]
    bad = int(read.size - np.count_nonzero(np.isfinite(read)))
    if bad:
        raise ValueError(
            f"{name} holds {bad} NaN or infinite value{'s' if bad > 1 else ''} where the output reads it; clean "
            f"them first (e.g. np.nan_to_num({name}, nan=background))"
        )


def resample_separable(
    array: np.ndarray,
    scales: Sequence[float],
    offsets: Sequence[float],
    output_shape: Sequence[int],
    order: int,
    *,
    finite_name: str | None = None,
    finite_source: np.ndarray | None = None,
    widen: Sequence[int] = (0, 0, 0),
) -> np.ndarray:
    """Diagonal ``scipy.ndimage.affine_transform`` with ``mode="nearest"``, order 0 or 1.

    Parameters
    ----------
    array : ndarray
        3D input: float32 for ``order=1``; any dtype for ``order=0`` (a pure
        gather, so integer label maps keep their dtype and values).
    scales, offsets : sequence of float
        Per axis, output index ``o`` samples the input at
        ``scales[d] * o + offsets[d]`` (OUTPUT-to-INPUT, as scipy).
    output_shape : sequence of int
        Shape of the result.
    order : int
        0 for nearest neighbour, 1 for linear interpolation.
    finite_name : str, optional
        If given, raise ``ValueError`` naming ``finite_name`` when a voxel
        that the output reads is NaN or infinite; a voxel that no output
        depends on (skipped by a more than twofold shrink) cannot spread and
        is not checked. It costs no pass of its own: a NaN or infinity in a
        voxel the sampling reads reaches the output (even with weight 0),
        whose blocks are checked while in cache, and only then are the read
        voxels looked at (an infinity that finite voxels produce by overflow
        passes that look and is returned).
    finite_source, widen : optional
        The array the check is about when ``array`` was made from it by a
        filter that reaches ``widen`` voxels either side per axis (the
        anti-aliasing Gaussian): its voxels within reach of a read voxel are
        the ones checked, so the count in the message is of the caller's
        voxels.

    Returns
    -------
    ndarray
        New array of ``output_shape`` and the dtype of ``array``; equal to
        ``scipy.ndimage.affine_transform(array, np.diag(scales), offsets,
        output_shape=output_shape, order=order, mode="nearest")`` up to
        float32 rounding (exactly, for ``order=0``).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
    >>> resample_separable(a, (0.5, 1.0, 1.0), (0.0, 0.0, 0.0), (3, 2, 2), order=1)[:, 0, 0].tolist()
    [0.0, 2.0, 4.0]
    """
    if order not in (0, 1):
        raise ValueError(f"order must be 0 or 1; got {order!r}")
    shape = tuple(int(n) for n in output_shape)
    lines = [sample_line(float(scales[d]), float(offsets[d]), array.shape[d], shape[d], order) for d in range(3)]
    axes = sorted(range(3), key=lambda d: shape[d] / array.shape[d])
    if (
        order == 1
        and array.dtype == np.float32
        and array.flags.c_contiguous
        and rows_cost(array.shape, shape) <= _ROWS_COST_SHARE * _passes_cost(array.shape, shape, axes)
    ):
        out, finite = resample_rows(array, lines, shape, BLOCK_VALUES)
    else:
        out, finite = _blocks(array, lines, axes, shape)
    if finite_name is not None and not finite:
        source = array if finite_source is None else finite_source
        _check_read_voxels(source, read_indices(lines, source.shape, widen), finite_name)
    return out
