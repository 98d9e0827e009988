"""How strong is a displacement field, and does it fold?

:func:`displacement_stats` measures the length of the displacement vectors
(the "dose" of an elastic augmentation, in voxels and mm) and the Jacobian
determinant of the mapping ``x -> x + u(x)``: 1 where volume is kept, below 1
where it is compressed, above 1 where it is stretched, and <= 0 where the
mapping folds space over itself (anatomy torn or mirrored: never realistic).

The work runs over chunks of rows on every core
(:func:`tutorial_utils._threads.run_chunks`), with per-thread
:class:`Scratch` buffers, on no more threads than keep those buffers within
twice the volume's size (:func:`scratch_threads`); :func:`chunk_stats` is shared with the warp in
:mod:`tutorial_utils.elastic.ops`, which measures a field while it uses it.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from .._threads import num_threads, run_chunks
from .field import check_field, spacing_or_ones

T = TypeVar("T")

#: Voxels per chunk of rows, at most: the chunk's buffers stay in the CPU cache.
_CHUNK_VOXELS = 1 << 18
#: Chunks per volume, at least (where rows allow): small chunks keep the scratch small.
_MIN_CHUNKS = 64
#: float32 scratch arrays one thread holds per voxel of its chunk, at most (the field rows,
#: sampling coordinates, the nearest-neighbour lookup, the Jacobian's nine derivatives, ...),
#: plus the field's neighbouring row on each side (3 components each).
_SCRATCH_ARRAYS = 28
_SCRATCH_NEIGHBOUR_ROWS = 6
#: The scratch of all threads together stays under this many times the volume's float32 size,
#: whatever the thread count: the number of threads is capped for it (issue 14).
_SCRATCH_VOLUMES = 2.0
#: Files of this package: a warning points at the first caller outside them.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class FoldingWarning(RuntimeWarning):
    """A displacement field folds: somewhere its Jacobian determinant is <= 0."""


class Scratch:
    """Reusable buffers for one worker thread.

    A fresh large array costs a page fault per 4 KiB the first time it is
    written, which here took longer than the arithmetic; reusing buffers from
    chunk to chunk avoids that.
    """

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: type = np.float32) -> np.ndarray:
        """An uninitialised array of ``shape``, the same memory on every call with that name."""
        buffer = self._buffers.get(name)
        if buffer is None or buffer.shape != shape or buffer.dtype != dtype:
            buffer = self._buffers[name] = np.empty(shape, dtype)
        return buffer


def chunk_bounds(n_rows: int, row_voxels: int) -> list[tuple[int, int]]:
    """Split ``n_rows`` rows of ``row_voxels`` voxels each into small, cache-sized chunks.

    The split depends on the volume only, never on the thread count, so the
    statistics (sums over chunks, in chunk order) are the same with any
    number of threads.
    """
    voxels = min(_CHUNK_VOXELS, n_rows * row_voxels // _MIN_CHUNKS)
    step = max(1, voxels // max(row_voxels, 1))
    return [(start, min(start + step, n_rows)) for start in range(0, n_rows, step)]


def scratch_threads(bounds: Sequence[tuple[int, int]], n_rows: int) -> int:
    """Threads whose scratch fits in :data:`_SCRATCH_VOLUMES` times the volume: at least 1, at most :func:`num_threads`.

    Each thread keeps buffers for one chunk (plus a row on each side), so
    the memory grows with the thread count; past this count, more threads
    would only add memory (the cap is about 4 at 64 chunks per volume).
    """
    chunk_rows = max(stop - start for start, stop in bounds)
    fits = int(_SCRATCH_VOLUMES * n_rows // (_SCRATCH_ARRAYS * chunk_rows + _SCRATCH_NEIGHBOUR_ROWS))
    return max(1, min(num_threads(), fits))


def run_in_chunks(n_rows: int, row_voxels: int, work: Callable[[int, int, Scratch], T]) -> list[T]:
    """``work(start, stop, scratch)`` over the chunks of :func:`chunk_bounds`, on :func:`scratch_threads` threads."""
    bounds = chunk_bounds(n_rows, row_voxels)
    threads = scratch_threads(bounds, n_rows)
    return run_chunks(bounds, work, n_rows * row_voxels, make_state=Scratch, threads=threads)


@dataclass(frozen=True)
class PartialStats:
    """Sums and extremes over some voxels; :meth:`merge` combines chunks."""

    voxels: int = 0
    sum_length: float = 0.0
    max_length: float = 0.0
    sum_length_mm: float = 0.0
    max_length_mm: float = 0.0
    min_jacobian: float = math.inf
    folded: int = 0

    def merge(self, other: PartialStats) -> PartialStats:
        """The statistics of both sets of voxels together."""
        return PartialStats(
            self.voxels + other.voxels,
            self.sum_length + other.sum_length,
            max(self.max_length, other.max_length),
            self.sum_length_mm + other.sum_length_mm,
            max(self.max_length_mm, other.max_length_mm),
            min(self.min_jacobian, other.min_jacobian),
            self.folded + other.folded,
        )

    def as_dict(self, with_mm: bool) -> dict[str, float]:
        """The public dictionary of :func:`displacement_stats`."""
        stats = {
            "mean_displacement": self.sum_length / self.voxels,
            "max_displacement": self.max_length,
        }
        if with_mm:
            stats["mean_displacement_mm"] = self.sum_length_mm / self.voxels
            stats["max_displacement_mm"] = self.max_length_mm
        stats["min_jacobian"] = self.min_jacobian
        stats["folding_fraction"] = self.folded / self.voxels
        return stats


def merge_all(parts: Sequence[PartialStats]) -> PartialStats:
    """Merge chunk statistics in order (the same order gives the same sums)."""
    total = PartialStats()
    for part in parts:
        total = total.merge(part)
    return total


def _length(rows: np.ndarray, scale: Sequence[float] | None, out: np.ndarray, temp: np.ndarray) -> np.ndarray:
    """Length of the vectors ``rows[:, ...]`` (times ``scale`` per component) into ``out``."""
    for axis in range(3):
        target = out if axis == 0 else temp
        if scale is None:
            np.square(rows[axis], out=target)
        else:
            np.multiply(rows[axis], np.float32(scale[axis]), out=target)
            np.square(target, out=target)
        if axis:
            out += temp
    return np.sqrt(out, out=out)


def _twice_gradient(u: np.ndarray, axis: int, first: int, stop: int, out: np.ndarray) -> None:
    """Write ``2 * np.gradient(u, axis=axis)[first:stop]`` into ``out``, with no temporaries.

    Central differences inside, one-sided ones on the edges, as ``np.gradient``.
    Along axis 0, ``u`` may hold one extra row on each side of ``first:stop``
    (from the neighbouring chunks): the differences there are central too.
    Along an axis of one voxel (a single slice) nothing varies: zero.
    """
    if u.shape[axis] == 1:
        out[...] = 0
        return
    if axis == 0:
        low, high = max(first, 1), min(stop, u.shape[0] - 1)
        np.subtract(u[low + 1 : high + 1], u[low - 1 : high - 1], out=out[low - first : high - first])
        edges = [(0, 1, 0)] if first == 0 else []
        if stop == u.shape[0]:
            edges.append((-1, -1, -2))
        for target, ahead, behind in edges:
            np.subtract(u[ahead], u[behind], out=out[target])
            out[target] *= 2
        return
    v = u[first:stop]

    def along(index: slice | int) -> tuple:
        return (slice(None),) * axis + (index,)

    np.subtract(v[along(slice(2, None))], v[along(slice(None, -2))], out=out[along(slice(1, -1))])
    for edge, ahead, behind in ((0, 1, 0), (-1, -1, -2)):
        np.subtract(v[along(ahead)], v[along(behind)], out=out[along(edge)])
        out[along(edge)] *= 2


def _jacobian_determinant_times_8(block: np.ndarray, first: int, stop: int, scratch: Scratch) -> np.ndarray:
    """det(I + grad u) for rows ``first:stop`` of ``block``, central differences.

    ``block`` (3, rows, J, K) holds the rows of interest plus, where the
    volume has them, one neighbouring row on each side, so the result equals
    ``np.gradient`` on the whole field. Returns det(2 I + 2 grad u), which is
    8 times the determinant: it saves halving nine arrays.
    """
    shape = (stop - first, *block.shape[2:])
    m = [[scratch.get(f"jacobian{c}{a}", shape) for a in range(3)] for c in range(3)]
    for component in range(3):
        for axis in range(3):
            _twice_gradient(block[component], axis, first, stop, m[component][axis])
        m[component][component] += 2
    (a, b, c), (d, e, f), (h, i, k) = m
    temp = scratch.get("jacobian_temp", shape)
    det = np.multiply(e, k, out=scratch.get("jacobian_det", shape))
    det -= np.multiply(f, i, out=temp)
    det *= a
    minor = np.multiply(d, k, out=a)
    minor -= np.multiply(f, h, out=temp)
    minor *= b
    det -= minor
    minor = np.multiply(d, i, out=k)
    minor -= np.multiply(e, h, out=temp)
    minor *= c
    det += minor
    return det


def chunk_stats(
    block: np.ndarray,
    first: int,
    stop: int,
    spacing: tuple[float, float, float] | None,
    scratch: Scratch,
) -> PartialStats:
    """Statistics of rows ``first:stop`` of ``block`` (3, rows, J, K), see :func:`_jacobian_determinant_times_8`."""
    rows = block[:, first:stop]
    shape = rows.shape[1:]
    temp = scratch.get("length_temp", shape)
    length = _length(rows, None, scratch.get("length", shape), temp)
    sum_length, max_length = float(length.sum()), float(length.max())
    sum_mm, max_mm = 0.0, 0.0
    if spacing is not None and len(set(spacing)) == 1:
        sum_mm, max_mm = sum_length * spacing[0], max_length * spacing[0]
    elif spacing is not None:
        length_mm = _length(rows, spacing, scratch.get("length_mm", shape), temp)
        sum_mm, max_mm = float(length_mm.sum()), float(length_mm.max())
    det8 = _jacobian_determinant_times_8(block, first, stop, scratch)
    min_det8 = float(det8.min())
    return PartialStats(
        voxels=length.size,
        sum_length=sum_length,
        max_length=max_length,
        sum_length_mm=sum_mm,
        max_length_mm=max_mm,
        min_jacobian=min_det8 / 8,
        folded=int(np.count_nonzero(det8 <= 0)) if min_det8 <= 0 else 0,
    )


def _caller_outside_package() -> int:
    """The ``stacklevel`` of the first frame outside this package, seen from the caller.

    A warning then points at the user's line (a notebook cell, a training
    script) whether the function was called directly, by ``random_elastic``,
    ``Compose`` or ``replay``.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


def warn_if_folding(stats: dict[str, float]) -> None:
    """Emit a :class:`FoldingWarning` when ``stats`` report folded voxels."""
    if stats["folding_fraction"] > 0:
        warnings.warn(
            f"the displacement field folds: {stats['folding_fraction']:.2%} of the voxels have a "
            f"Jacobian determinant <= 0 (minimum {stats['min_jacobian']:.3g}), so anatomy is "
            f"torn or mirrored there; lower max_displacement or use fewer control points",
            FoldingWarning,
            stacklevel=_caller_outside_package(),
        )


def jacobian_determinant(field: np.ndarray) -> np.ndarray:
    """Jacobian determinant of ``x -> x + u(x)`` at every voxel, to see *where* a field folds.

    Derivatives by central differences, as ``np.gradient`` (one-sided on the
    faces); the same numbers :func:`displacement_stats` summarises.

    Parameters
    ----------
    field : (3, I, J, K) float ndarray
        Displacement in voxels.

    Returns
    -------
    (I, J, K) float32 ndarray
        1 where volume is kept, < 1 compressed, > 1 stretched, <= 0 folded.

    Examples
    --------
    >>> x = np.indices((5, 5, 5), dtype=np.float32)
    >>> squeeze = np.stack([-0.5 * x[0], np.zeros_like(x[0]), np.zeros_like(x[0])])
    >>> float(jacobian_determinant(squeeze).max())
    0.5
    """
    field = check_field(field)
    n_rows = field.shape[1]
    out = np.empty(field.shape[1:], np.float32)

    def work(start: int, stop: int, scratch: Scratch) -> None:
        low, high = max(start - 1, 0), min(stop + 1, n_rows)
        block = field[:, low:high].astype(np.float32, copy=False)
        np.multiply(_jacobian_determinant_times_8(block, start - low, stop - low, scratch), 0.125, out=out[start:stop])

    run_in_chunks(n_rows, field.shape[2] * field.shape[3], work)
    return out


def displacement_stats(field: np.ndarray, spacing: Sequence[float] | float | None = None) -> dict[str, float]:
    """Measure a displacement field: how far voxels move and whether it folds.

    Parameters
    ----------
    field : (3, I, J, K) float ndarray
        Displacement in voxels, e.g. from
        :func:`~tutorial_utils.elastic.field.random_displacement_field`.
    spacing : float or tuple of 3 floats, optional
        Voxel size in mm; adds the ``*_mm`` entries.

    Returns
    -------
    dict of str to float
        ``mean_displacement`` and ``max_displacement``: length of the
        displacement vectors in voxels, averaged over the volume / largest;
        ``mean_displacement_mm`` and ``max_displacement_mm`` (only with
        ``spacing``); ``min_jacobian``: smallest determinant of the Jacobian
        of ``x -> x + u(x)`` (derivatives by central differences, as
        ``np.gradient``; the voxel size does not change it);
        ``folding_fraction``: fraction of voxels where that determinant is
        <= 0, i.e. where the mapping folds space over itself.

    Warns
    -----
    FoldingWarning
        When ``folding_fraction`` > 0.

    Examples
    --------
    >>> shift = np.zeros((3, 4, 4, 4), np.float32)
    >>> shift[0] = 2.0
    >>> stats = displacement_stats(shift, spacing=(0.5, 1, 1))
    >>> stats["mean_displacement"], stats["mean_displacement_mm"], stats["min_jacobian"]
    (2.0, 1.0, 1.0)
    """
    field = check_field(field)
    spacing_mm = None if spacing is None else spacing_or_ones(spacing)
    n_rows = field.shape[1]

    def work(start: int, stop: int, scratch: Scratch) -> PartialStats:
        low, high = max(start - 1, 0), min(stop + 1, n_rows)
        block = field[:, low:high].astype(np.float32, copy=False)
        return chunk_stats(block, start - low, stop - low, spacing_mm, scratch)

    parts = run_in_chunks(n_rows, field.shape[2] * field.shape[3], work)
    stats = merge_all(parts).as_dict(with_mm=spacing_mm is not None)
    warn_if_folding(stats)
    return stats
