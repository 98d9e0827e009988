"""Exact percentiles of a large array without sorting it: sample, bracket, count, select.

``np.percentile`` partitions a copy of every voxel, although only the two
values either side of each requested rank matter. :func:`exact_percentiles`
returns the very same numbers (NumPy's default ``"linear"`` method, computed
with NumPy's own interpolation formula) from far less work:

1. **Sample.** A strided sample of about :data:`SAMPLE_SIZE` voxels is
   partitioned (cheap); for each rank ``r`` it gives two values ``a <= b``
   that almost surely enclose the ``r``-th smallest voxel: the sample's
   values a few standard deviations of its rank below and above.
2. **Count.** One pass over the voxels, in cache-sized chunks split over
   threads, counts the voxels below ``a``, equal to ``a``, equal to ``b`` and
   above ``b``, and keeps only the voxels strictly between ``a`` and ``b``
   (about 0.2 % of them). Ties cost nothing: a value that fills the whole
   bracket (the zero background of an MRI, the air of a CT) is only counted.
3. **Select.** The rank's position among the kept voxels follows from the
   counts; a partition of the kept voxels gives the exact value.

If a bracket misses its rank (a strided sample that does not represent the
volume, which is rare and only costs time), the voxels are partitioned as
``np.percentile`` does. Either way the result is exact: only comparisons
and counts are used, in the array's own dtype.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._threads import run_chunks

__all__ = ["exact_percentiles"]

#: Voxels in the strided sample that places the brackets.
SAMPLE_SIZE = 1 << 17
#: Below this many voxels, partition them all (as np.percentile does).
MIN_VOXELS = 1 << 16
#: Voxels per chunk of the counting pass (small enough to stay in cache).
CHUNK = 1 << 16
#: Half-width of a bracket in standard deviations of the sample rank, plus a margin in sample values.
SPREAD, MARGIN = 5.0, 16


def _percentile_in_data_dtype() -> bool:
    """Whether ``np.percentile`` computes ``q / 100`` and the rank of float data in their own dtype.

    NumPy before 2.3 does (``q / float32(100)``: a float32 rank and weight);
    later NumPy keeps a Python float ``q`` in float64. Probed on a case where
    the two give different float32 results, not read from the version.
    """
    return float(np.percentile(np.array([-2, -2, 0, 0], np.float32), 51.0)) != float(np.float32(-0.94))


_IN_DATA_DTYPE = _percentile_in_data_dtype()


def _linear_ranks(n: int, q: float, dtype: np.dtype) -> tuple[int, int, float | np.floating]:
    """The two sorted positions and the weight NumPy's "linear" method uses for percentile ``q`` of ``n`` values."""
    if _IN_DATA_DTYPE and dtype.kind == "f":
        virtual = (n - 1) * np.true_divide(q, dtype.type(100))
        if virtual >= n - 1:
            return n - 1, n - 1, dtype.type(virtual + 1)
        previous = int(np.floor(virtual))
        return previous, previous + 1, dtype.type(virtual - previous)
    virtual = (n - 1) * (q / 100.0)
    if virtual >= n - 1:
        return n - 1, n - 1, virtual + 1.0  # NumPy's previous index is then -1
    previous = math.floor(virtual)
    return previous, previous + 1, virtual - previous


def _weak_weight() -> bool:
    """Whether ``np.percentile`` weighs with a Python float (NumPy >= 2.3: float32 data stay float32).

    Older NumPy weighs with a float64 array, so a float32 interpolation is
    done in float64. Probed, not read from the version: 0.1 of the way from
    0 to 1 is 0.1 in float64 and float32(0.1) otherwise.
    """
    return float(np.percentile(np.array([0.0, 1.0], np.float32), 10.0)) != 0.1


_WEAK_WEIGHT = _weak_weight()


def _lerp(a: np.generic, b: np.generic, t: float) -> float:
    """NumPy's ``_lerp`` on two values of the array's dtype: the same operations, so the same rounding."""
    weight = t if _WEAK_WEIGHT else np.asarray(t, dtype=np.float64)
    a0, b0 = np.asarray(a), np.asarray(b)
    diff = np.asarray(np.subtract(b0, a0))  # a 0-d array, as in NumPy (`out=...` would need NumPy >= 2.3)
    if t >= 0.5:
        return float(np.subtract(b0, diff * (1 - weight)))
    return float(np.add(a0, diff * weight))


def _bracket_positions(m: int, rank: int, n: int) -> tuple[int, int]:
    """Positions in a sorted sample of ``m`` values that enclose the ``rank``-th of ``n`` values (-1, m: unbounded)."""
    p = rank / max(n - 1, 1)
    spread = SPREAD * math.sqrt(m * p * (1.0 - p)) + MARGIN
    low = math.floor(p * (m - 1) - spread)
    high = math.ceil(p * (m - 1) + spread)
    return (low if low > 0 else -1), (high if high < m - 1 else m)


class _Tally:
    """The counting pass for one bracket ``a <= b`` (None: unbounded): counts at and beyond its ends, the voxels inside.

    A bracket near the low end counts from below (it keeps the voxels ``<= b``
    of each chunk before looking closer), one near the high end from above.
    """

    def __init__(self, a: np.generic | None, b: np.generic | None, from_below: bool) -> None:
        self.a, self.b, self.from_below = a, b, from_below
        self.collapsed = a is not None and a == b

    def chunk(self, c: np.ndarray) -> tuple[int, int, int, int, np.ndarray]:
        """(below a, equal to a, equal to b, above b, voxels strictly between a and b) in chunk ``c``."""
        a, b = self.a, self.b
        if self.collapsed:  # one value fills the bracket: count, keep nothing
            below, above = int(np.count_nonzero(c < a)), int(np.count_nonzero(c > a))
            return below, c.size - below - above, 0, above, c[:0]
        end = b if self.from_below else a
        s = c if end is None else (c[c <= b] if self.from_below else c[c >= a])
        below = 0 if a is None else int(np.count_nonzero(s < a))
        at_a = 0 if a is None else int(np.count_nonzero(s == a))
        at_b = 0 if b is None else int(np.count_nonzero(s == b))
        above = 0 if b is None else int(np.count_nonzero(s > b))
        inside = s if a is None else s[s > a]
        return below, at_a, at_b, above, (inside if b is None else inside[inside < b])

    def select(self, parts: list[tuple[int, int, int, int, np.ndarray]], ranks: Sequence[int], n: int) -> list | None:
        """The values at the sorted positions ``ranks`` of all ``n`` voxels, or None if one lies outside the bracket."""
        below, at_a, at_b, above = (sum(part[i] for part in parts) for i in range(4))
        inside = np.concatenate([part[4] for part in parts])
        if not self.from_below:  # the chunks kept only the voxels >= a: infer how many lie below a
            below = n - above - at_b - inside.size - at_a
        offsets = sorted({r - below - at_a for r in ranks if 0 <= r - below - at_a < inside.size})
        if offsets:
            inside.partition(offsets)
        values = []
        for rank in ranks:
            position = rank - below
            if position < 0:
                return None
            if position < at_a:
                values.append(self.a)
            elif position - at_a < inside.size:
                values.append(inside[position - at_a])
            elif position - at_a - inside.size < at_b:
                values.append(self.b)
            else:
                return None
        return values


def _finite_chunk(c: np.ndarray) -> bool:
    return c.dtype.kind != "f" or bool(np.isfinite(c).all())


def exact_percentiles(array: np.ndarray, qs: Sequence[float], mask: np.ndarray | None = None) -> list[float] | None:
    """``[float(np.percentile(array[mask], q)) for q in qs]``, exactly, without a full partition.

    Parameters
    ----------
    array : ndarray
        Real values (any shape, any real dtype); not modified.
    qs : sequence of float
        Percentiles in [0, 100].
    mask : bool ndarray of ``array``'s shape, optional
        Only these voxels count; at least one must be True.

    Returns
    -------
    list of float or None
        One value per percentile, equal to ``np.percentile`` with its default
        method; None if ``array`` holds NaN or infinite values in the voxels
        counted (the caller raises with its own message).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.random.default_rng(0).normal(size=(40, 50, 60)).astype(np.float32)
    >>> exact_percentiles(a, [0.5, 99.5]) == [float(np.percentile(a, q)) for q in (0.5, 99.5)]
    True
    """
    flat = array.reshape(-1)
    keep = None if mask is None else mask.reshape(-1)
    n = flat.size if keep is None else int(np.count_nonzero(keep))
    plan = [_linear_ranks(n, float(q), flat.dtype) for q in qs]
    if n < MIN_VOXELS:
        return _partition_all(flat, keep, plan)
    step = max(1, flat.size // SAMPLE_SIZE) | 1
    sample = flat[::step].copy() if keep is None else flat[::step][keep[::step]]
    if sample.size < 2:
        return _partition_all(flat, keep, plan)
    ends = [_bracket_positions(sample.size, first, n) for first, _, _ in plan]
    inner = sorted({i for pair in ends for i in pair if 0 <= i < sample.size})
    if inner:
        sample.partition(inner)
    tallies = [
        _Tally(None if low < 0 else sample[low], None if high >= sample.size else sample[high], first <= n // 2)
        for (low, high), (first, _, _) in zip(ends, plan)
    ]

    def work(start: int, stop: int, state: None) -> tuple[bool, list]:
        c = flat[start:stop]
        finite = _finite_chunk(c)
        c = c if keep is None else c[keep[start:stop]]
        return finite, [tally.chunk(c) for tally in tallies]

    bounds = [(start, min(start + CHUNK, flat.size)) for start in range(0, flat.size, CHUNK)]
    results = run_chunks(bounds, work, flat.size)
    if not all(finite for finite, _ in results):
        return None
    found = []
    for index, (tally, (first, second, t)) in enumerate(zip(tallies, plan)):
        pair = tally.select([parts[index] for _, parts in results], (first, second), n)
        if pair is None:  # the sample missed: partition everything, as np.percentile
            return _partition_all(flat, keep, plan)
        found.append(_lerp(pair[0], pair[1], t))
    return found


def _partition_all(flat: np.ndarray, keep: np.ndarray | None, plan: list[tuple[int, int, Any]]) -> list[float] | None:
    """What np.percentile does: partition a copy of the voxels at every rank of ``plan``, then interpolate."""
    if not _finite_chunk(flat):
        return None
    values = flat.copy() if keep is None else flat[keep]
    values.partition(sorted({rank for first, second, _ in plan for rank in (first, second)}))
    return [_lerp(values[first], values[second], t) for first, second, t in plan]
