"""One axis of an axis-aligned resampling: where each output index reads, and helpers shared by the two paths.

Like scipy, ``scale`` and ``offset`` map OUTPUT indices to INPUT positions:
output index ``o`` samples the input at ``scale * o + offset``. Positions are
clamped to ``[0, n - 1]`` first, which is what scipy's ``mode="nearest"`` does
for orders 0 and 1; order 0 rounds halves up (``floor(p + 0.5)``), as scipy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Line", "all_finite", "as_slice", "gather", "linear_parts", "plane_chunks", "sample_line"]


class Line(NamedTuple):
    """Where each output index along one axis reads: two input indices and their weights (None for order 0)."""

    low: np.ndarray
    high: np.ndarray | None
    weight: np.ndarray | None
    one_minus: np.ndarray | None


def sample_line(scale: float, offset: float, n_in: int, n_out: int, order: int) -> Line:
    """The 1-D sampling of one axis: input positions clamped to ``[0, n_in - 1]``, then split.

    Examples
    --------
    >>> sample_line(0.5, 0.0, 2, 3, order=1).weight.tolist()
    [0.0, 0.5, 0.0]
    """
    positions = np.clip(scale * np.arange(n_out, dtype=np.float64) + offset, 0.0, n_in - 1.0)
    if order == 0:
        return Line(np.floor(positions + 0.5).astype(np.intp), None, None, None)
    floor = np.floor(positions)
    low = floor.astype(np.intp)
    weight = (positions - floor).astype(np.float32)
    return Line(low, np.minimum(low + 1, n_in - 1), weight, 1.0 - weight)


def linear_parts(line: Line) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(low, high, weight, one_minus)`` of a linear (order 1) line."""
    if line.high is None or line.weight is None or line.one_minus is None:
        raise ValueError("a linear (order 1) line is needed here")
    return line.low, line.high, line.weight, line.one_minus


def as_slice(index: np.ndarray) -> slice | np.ndarray:
    """``index`` as a slice when its steps are equal and positive (a view instead of a gather), else itself."""
    steps = np.diff(index)
    if index.size > 1 and steps[0] > 0 and (steps == steps[0]).all():
        return slice(int(index[0]), int(index[-1]) + 1, int(steps[0]))
    return index


def gather(block: np.ndarray, index: slice | np.ndarray, axis: int) -> np.ndarray:
    """``block`` at ``index`` along ``axis``: a view for a slice, else a new array."""
    if isinstance(index, slice):
        return block[(slice(None),) * axis + (index,)]
    return np.take(block, index, axis=axis, mode="clip")


def all_finite(block: np.ndarray) -> bool:
    """Whether every value of ``block`` is finite, from its sum (one pass, no mask).

    NaN or an infinity makes the sum NaN or infinite; so can an overflow of
    the sum of finite values, a false alarm that the caller's closer look
    then clears.
    """
    return block.dtype.kind in "biu" or bool(np.isfinite(np.sum(block)))


def plane_chunks(n_planes: int, per_block: int, threads: int) -> list[tuple[int, int]]:
    """``(start, stop)`` blocks of about ``per_block`` output planes, a multiple of ``threads`` of equal size.

    Examples
    --------
    >>> plane_chunks(10, 4, 2)
    [(0, 2), (2, 5), (5, 8), (8, 10)]
    """
    count = -(-n_planes // max(1, per_block))
    count = min(n_planes, -(-count // threads) * threads)
    edges = np.linspace(0, n_planes, count + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]
