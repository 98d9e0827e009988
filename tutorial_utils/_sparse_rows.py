"""Linear resampling of a C-contiguous volume as a sparse product over axes 0 and 1, then small band products.

The path :func:`~tutorial_utils._separable.resample_separable` takes for
linear interpolation when its cost estimate (:func:`rows_cost`) is lower than
the 1-D passes': the array is seen as ``(n0 * n1, n2)`` rows (no copy), and
for a block of output planes one sparse matrix with four entries per output
row (the bilinear weights over axes 0 and 1) times those rows gives every
output row at once, in scipy's C loop, touching only the rows the output
reads. The contiguous last axis then goes through small dense products over
the few columns a band of outputs reads (BLAS), which cost far less than a
gather per value. scipy and BLAS release the GIL, so blocks run on threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import sparse

from . import _threads
from ._lines import Line, all_finite, linear_parts, plane_chunks

__all__ = ["resample_rows", "rows_cost"]

#: Outputs per band of the last axis: each band is a small dense product (see :func:`_bands`).
BAND_OUTPUTS = 16
#: Largest m * n * k of one band product: OpenBLAS (numpy's wheels) runs products up to this size on the
#: calling thread, so ``set_num_threads(1)`` means one thread here too.
BAND_PRODUCT = 1 << 18
#: Widest band (input columns) worth a dense product: past it (a last axis shrunk more than about fourfold)
#: most of the product's weights are zeros, and gathers are cheaper.
BAND_COLUMNS = 4 * BAND_OUTPUTS


def rows_cost(in_shape: Sequence[int], out_shape: Sequence[int]) -> int:
    """Multiply-adds of the sparse product over axes 0 and 1, plus the last axis: band products or gathers.

    The weights (2 per output value for band products, 5 for gathers and a
    blend) were fitted to timings of both paths on shrinks and enlargements
    from 2x to 100x.
    """
    rows = out_shape[0] * out_shape[1]
    banded = in_shape[2] * BAND_OUTPUTS <= (BAND_COLUMNS - 2) * out_shape[2]
    return 4 * rows * in_shape[2] + (2 if banded else 5) * rows * out_shape[2]


def _rows_entries(lines: Sequence[Line], n1: int) -> tuple[np.ndarray, np.ndarray]:
    """The bilinear map over axes 0 and 1: for every output row, four input rows and their weights.

    Input row ``(i, j)`` of the array seen as ``(n0 * n1, n2)`` is row
    ``i * n1 + j``; the weights are the products of the two axes' linear
    weights (zero weights kept, so a NaN read with weight 0 still reaches the
    output, as in the 1-D passes). Shapes ``(m0, m1, 4)``.
    """
    low0, high0, weight0, one_minus0 = linear_parts(lines[0])
    low1, high1, weight1, one_minus1 = linear_parts(lines[1])
    kind = np.int32 if (int(max(low0.max(), high0.max())) + 1) * n1 < 2**31 else np.int64
    index = np.stack([p[:, None] * n1 + r for p in (low0, high0) for r in (low1, high1)], axis=-1).astype(kind)
    weight = np.stack([w[:, None] * v for w in (one_minus0, weight0) for v in (one_minus1, weight1)], axis=-1)
    return index, weight


class _Band(NamedTuple):
    """Outputs ``start:stop`` of the last axis read input columns ``first:last`` with the dense ``weights``."""

    start: int
    stop: int
    first: int
    last: int
    weights: np.ndarray


def _bands(line: Line) -> list[_Band]:
    """The linear resampling of the last axis as dense ``(columns, outputs)`` weight blocks of a few outputs each.

    A gather along the contiguous axis costs per value taken; a small dense
    product (BLAS) over the few columns that a band of outputs reads costs
    far less, and its zero weights add exact zeros.
    """
    low, high, weight, one_minus = linear_parts(line)
    bands = []
    for start in range(0, low.size, BAND_OUTPUTS):
        stop = min(low.size, start + BAND_OUTPUTS)
        first = int(min(low[start:stop].min(), high[start:stop].min()))
        last = int(max(low[start:stop].max(), high[start:stop].max())) + 1
        weights = np.zeros((last - first, stop - start), np.float32)
        columns = np.arange(stop - start)
        np.add.at(weights, (low[start:stop] - first, columns), one_minus[start:stop])
        np.add.at(weights, (high[start:stop] - first, columns), weight[start:stop])
        bands.append(_Band(start, stop, first, last, weights))
    return bands


def _last_axis(mixed: np.ndarray, bands: list[_Band], target: np.ndarray) -> None:
    """Resample the last axis of 2D ``mixed`` into ``target``, band by band, in row blocks of one BLAS thread."""
    widest = max(band.last - band.first for band in bands)
    rows = max(1, BAND_PRODUCT // (BAND_OUTPUTS * widest))
    for top in range(0, mixed.shape[0], rows):
        block, out = mixed[top : top + rows], target[top : top + rows]
        for band in bands:
            np.matmul(block[:, band.first : band.last], band.weights, out=out[:, band.start : band.stop])


def _last_axis_exact(mixed: np.ndarray, line: Line, target: np.ndarray) -> None:
    """As :func:`_last_axis`, with gathers of the two columns each output reads: no zero weight touches the rest."""
    low, high, weight, _ = linear_parts(line)
    pairs = np.take(mixed, np.stack([low, high], 1).reshape(-1), axis=1).reshape(mixed.shape[0], -1, 2)
    with np.errstate(invalid="ignore"):  # inf - inf from a non-finite input, which then raises
        np.subtract(pairs[..., 1], pairs[..., 0], out=target)
        target *= weight
        target += pairs[..., 0]


def resample_rows(
    array: np.ndarray, lines: Sequence[Line], shape: tuple[int, ...], block_values: int
) -> tuple[np.ndarray, bool]:
    """Linear resampling of C-contiguous ``array`` to ``shape``; also whether every output value is finite.

    ``lines`` are the three axes' linear samplings; ``block_values`` sizes
    the blocks of output planes (the rows a block reads along the last axis,
    ``(planes, m1, n2)``, stay about that many values). The last axis goes
    through band products (gathers instead when it shrinks so much that a
    band would be mostly zeros); a block whose output is not finite is redone
    with gathers of the two columns each output reads, so a NaN in a column
    that no output reads cannot reach the output through a zero weight.
    """
    rows = array.reshape(-1, array.shape[2])
    bands: list[_Band] | None = _bands(lines[2])
    if max(band.last - band.first for band in bands) > BAND_COLUMNS:
        bands = None
    index, weight = _rows_entries(lines, array.shape[1])
    per_block = max(1, block_values // max(1, shape[1] * array.shape[2]))
    chunks = plane_chunks(shape[0], per_block, _threads.num_threads())
    pointers = np.arange(0, 4 * max(b - a for a, b in chunks) * shape[1] + 1, 4, dtype=index.dtype)
    out = np.empty(shape, dtype=array.dtype)

    def work(start: int, stop: int, state: None) -> bool:
        count = (stop - start) * shape[1]
        matrix = sparse.csr_matrix(
            (weight[start:stop].reshape(-1), index[start:stop].reshape(-1), pointers[: count + 1]),
            shape=(count, rows.shape[0]),
        )
        mixed = matrix @ rows
        target = out[start:stop].reshape(count, shape[2])
        if bands is not None:
            with np.errstate(invalid="ignore", over="ignore"):
                _last_axis(mixed, bands, target)
            if all_finite(target):
                return True
        _last_axis_exact(mixed, lines[2], target)
        return all_finite(target)

    return out, all(_threads.run_chunks(chunks, work, out.size))
