"""Axis-aligned resampling as three 1-D passes, one per axis.

A diagonal ``scipy.ndimage.affine_transform`` (a scale and an offset per axis)
is separable: nearest-neighbour or linear interpolation in 3D is the same as
interpolating along one axis, then another, then the third. Each 1-D pass is
two ``numpy.take`` gathers and a weighted sum, far cheaper than scipy's
per-voxel 3D loop. The axis that shrinks the most goes first, so the
intermediates stay small.

The passes run block by block: for a few output planes along axis 0 at a
time, the input planes they read go through the passes that come before
axis 0 (in the order above), each output plane blends two of them, and the
remaining passes finish the block and write it into the output. The input is
read once, no volume-sized intermediate exists and a block's intermediates
stay in the CPU cache (the idea of a trilinear kernel, which reads its input
once, with numpy's vectorised passes doing the arithmetic). Blocks are
split over threads. The arithmetic, and its order, is that of three
whole-volume passes, so the values do not depend on the blocks.

Like scipy, ``scales`` and ``offsets`` map OUTPUT indices to INPUT positions:
output index ``o`` samples the input at ``scale * o + offset``. Positions are
clamped to ``[0, n - 1]`` first, which is what scipy's ``mode="nearest"`` does
for orders 0 and 1; order 0 rounds halves up (``floor(p + 0.5)``), as scipy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from . import _threads


class _Line(NamedTuple):
    """Where each output index along one axis reads: two input indices and their weights (None for order 0)."""

    low: np.ndarray
    high: np.ndarray | None
    weight: np.ndarray | None
    one_minus: np.ndarray | None


def _line(scale: float, offset: float, n_in: int, n_out: int, order: int) -> _Line:
    """The 1-D sampling of one axis: input positions clamped to ``[0, n_in - 1]``, then split."""
    positions = np.clip(scale * np.arange(n_out, dtype=np.float64) + offset, 0.0, n_in - 1.0)
    if order == 0:
        return _Line(np.floor(positions + 0.5).astype(np.intp), None, None, None)
    floor = np.floor(positions)
    low = floor.astype(np.intp)
    weight = (positions - floor).astype(np.float32)
    return _Line(low, np.minimum(low + 1, n_in - 1), weight, 1.0 - weight)


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


def _as_slice(index: np.ndarray) -> slice | np.ndarray:
    """``index`` as a slice when its steps are equal and positive (a view instead of a gather), else itself."""
    steps = np.diff(index)
    if index.size > 1 and steps[0] > 0 and (steps == steps[0]).all():
        return slice(int(index[0]), int(index[-1]) + 1, int(steps[0]))
    return index


def _block_passes(lines: Sequence[_Line], axes: Sequence[int], plane_shape: Sequence[int]) -> list[_Pass]:
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
        high = None if line.high is None else _as_slice(line.high)
        prepared.append(_Pass(axis, _as_slice(line.low), high, weight, one_minus))
    return prepared


def _gather(block: np.ndarray, index: slice | np.ndarray, axis: int) -> np.ndarray:
    """``block`` at ``index`` along ``axis``: a view for a slice, else a new array."""
    if isinstance(index, slice):
        return block[(slice(None),) * axis + (index,)]
    return np.take(block, index, axis=axis, mode="clip")


def _blend(block: np.ndarray, step: _Pass, out: np.ndarray | None = None) -> np.ndarray:
    """One 1-D pass of a block: a gather, or ``high * w + low * (1 - w)`` in the block's dtype."""
    lower = _gather(block, step.low, step.axis)
    if step.high is None or step.weight is None or step.one_minus is None:
        if out is None:
            return lower.copy() if isinstance(step.low, slice) else lower
        np.copyto(out, lower)
        return out
    lower = np.multiply(lower, step.one_minus, out=None if isinstance(step.low, slice) else lower)
    target = np.multiply(_gather(block, step.high, step.axis), step.weight, out=out)
    target += lower
    return target


#: Values per block of output planes: small enough for the intermediates to stay in cache.
BLOCK_VALUES = 1 << 18


def _blocks(
    array: np.ndarray, lines: Sequence[_Line], axes: Sequence[int], shape: tuple[int, ...]
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
                _as_slice(line.low[start:stop] - first),
                _as_slice(high[start:stop] - first),
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
        return out.dtype.kind in "biu" or bool(np.isfinite(out[start:stop]).all())

    # about BLOCK_VALUES per block, and a multiple of the thread count of blocks of equal size (balanced threads)
    threads = _threads.num_threads()
    blocks = -(-shape[0] * max(1, int(np.prod(blended))) // BLOCK_VALUES)
    blocks = min(shape[0], -(-blocks // threads) * threads)
    edges = np.linspace(0, shape[0], blocks + 1).round().astype(int)
    chunks = [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]
    return out, all(_threads.run_chunks(chunks, work, out.size))


def read_indices(lines: Sequence[_Line], shape: Sequence[int], widen: Sequence[int] = (0, 0, 0)) -> list[np.ndarray]:
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
    lines = [_line(float(scales[d]), float(offsets[d]), array.shape[d], shape[d], order) for d in range(3)]
    out, finite = _blocks(array, lines, sorted(range(3), key=lambda d: shape[d] / array.shape[d]), shape)
    if finite_name is not None and not finite:
        source = array if finite_source is None else finite_source
        _check_read_voxels(source, read_indices(lines, source.shape, widen), finite_name)
    return out
