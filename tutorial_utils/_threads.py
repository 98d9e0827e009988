"""Use every core for scipy.ndimage resampling.

``scipy.ndimage.affine_transform`` and ``map_coordinates`` run on one core but
release the GIL. Splitting the *output* into slabs along axis 0 and filling
each slab from its own thread gives the same result, faster: each output voxel
depends only on its own coordinates, so the slabs are independent.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import ndimage

#: Below this many output voxels one thread is faster than the thread start-up.
_MIN_PARALLEL_VOXELS = 1 << 18


def default_threads() -> int:
    """Number of worker threads: the CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows
        return max(1, os.cpu_count() or 1)


def _slab_bounds(n: int, parts: int) -> list[tuple[int, int]]:
    edges = np.linspace(0, n, parts + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _run_slabs(n: int, n_voxels: int, threads: int | None, fill: Callable[[int, int], None]) -> None:
    threads = default_threads() if threads is None else max(1, int(threads))
    if threads == 1 or n < 2 or n_voxels < _MIN_PARALLEL_VOXELS:
        fill(0, n)
        return
    bounds = _slab_bounds(n, min(threads, n))
    with ThreadPoolExecutor(max_workers=len(bounds)) as pool:
        for future in [pool.submit(fill, a, b) for a, b in bounds]:
            future.result()


#: Modes for which scipy pads the input before its spline prefilter; we leave those to scipy.
_PADDED_PREFILTER_MODES = ("nearest", "grid-constant")


def _prefiltered(array: np.ndarray, order: int, mode: str) -> tuple[np.ndarray, bool]:
    """Spline-prefilter once (for order > 1) so the slabs do not each redo it."""
    if order <= 1 or mode in _PADDED_PREFILTER_MODES:
        return array, False
    filter_mode = "mirror" if mode == "constant" else mode
    return ndimage.spline_filter(array, order=order, output=np.float32, mode=filter_mode), True


def affine_transform(
    array: np.ndarray,
    matrix: np.ndarray,
    offset: np.ndarray,
    *,
    output_shape: tuple[int, int, int] | None = None,
    order: int = 1,
    mode: str = "constant",
    cval: float = 0.0,
    output_dtype: np.dtype | type = np.float32,
    threads: int | None = None,
) -> np.ndarray:
    """Multithreaded ``scipy.ndimage.affine_transform`` with a 3x3 ``matrix``.

    Like scipy, ``matrix`` and ``offset`` map OUTPUT voxel coordinates to INPUT
    coordinates: ``input = matrix @ output + offset``.
    """
    output_shape = tuple(array.shape) if output_shape is None else tuple(output_shape)
    out = np.empty(output_shape, dtype=output_dtype)
    matrix = np.asarray(matrix, dtype=np.float64)
    offset = np.asarray(offset, dtype=np.float64)
    source, prefiltered = _prefiltered(array, order, mode)
    if order > 1 and not prefiltered:
        threads = 1

    def fill(start: int, stop: int) -> None:
        ndimage.affine_transform(
            source,
            matrix,
            offset=offset + matrix[:, 0] * start,
            output_shape=(stop - start, *output_shape[1:]),
            output=out[start:stop],
            order=order,
            mode=mode,
            cval=cval,
            prefilter=not prefiltered and order > 1,
        )

    _run_slabs(output_shape[0], out.size, threads, fill)
    return out


def map_coordinates(
    array: np.ndarray,
    coordinates: np.ndarray,
    *,
    order: int = 1,
    mode: str = "constant",
    cval: float = 0.0,
    output_dtype: np.dtype | type = np.float32,
    threads: int | None = None,
) -> np.ndarray:
    """Multithreaded ``scipy.ndimage.map_coordinates``.

    ``coordinates`` has shape ``(3, *output_shape)``: for every output voxel,
    the input position to sample.
    """
    output_shape = coordinates.shape[1:]
    out = np.empty(output_shape, dtype=output_dtype)
    source, prefiltered = _prefiltered(array, order, mode)
    if order > 1 and not prefiltered:
        threads = 1

    def fill(start: int, stop: int) -> None:
        ndimage.map_coordinates(
            source,
            coordinates[:, start:stop],
            output=out[start:stop],
            order=order,
            mode=mode,
            cval=cval,
            prefilter=not prefiltered and order > 1,
        )

    _run_slabs(output_shape[0], out.size, threads, fill)
    return out
