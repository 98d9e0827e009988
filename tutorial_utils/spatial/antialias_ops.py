"""Anti-aliasing before a grid gets coarser: the Gaussian that :func:`~.resize_ops.resize` applies first.

A grid with fewer voxels cannot hold the finest detail of the input; sampling
it anyway folds that detail back as false patterns (moire, jagged edges). The
image is first smoothed along each axis that shrinks, with a Gaussian whose
width follows the shrink factor (:func:`antialias_sigma`), one 1-D pass per
axis split over threads (:func:`smooth`). The Gaussian is cut at
:data:`GAUSSIAN_TRUNCATE` sigmas (scipy's default), so it reaches
:func:`gaussian_reach` voxels either side: what the finiteness check of a
resize widens the voxels it reads by.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
from scipy import ndimage

from .._checks import as_triple
from .._threads import num_threads, run_tasks, slab_bounds

__all__ = ["GAUSSIAN_TRUNCATE", "antialias_sigma", "gaussian_reach", "smooth"]

#: The anti-aliasing Gaussian is cut this many sigmas from its centre (scipy's default).
GAUSSIAN_TRUNCATE = 4.0


def antialias_sigma(factor: float | Sequence[float]) -> tuple[float, float, float]:
    """Gaussian sigma (in input voxels) that :func:`resize` uses before downsampling.

    A voxel of a grid ``f`` times coarser averages the signal over a box ``f``
    input voxels wide. A box of width ``w`` has variance ``w**2 / 12`` and an
    input voxel already averages over width 1, so the blur still missing has
    variance ``(f**2 - 1) / 12``::

        sigma = sqrt(f**2 - 1) / sqrt(12)    for f > 1,    0 otherwise

    This mimics a scanner that acquired the larger voxels directly and damps
    the detail finer than the new grid can hold, which would otherwise alias.

    Parameters
    ----------
    factor : float or sequence of 3 floats
        Downsampling factor per axis: new spacing / old spacing, or
        old shape / new shape (> 1 means fewer voxels).

    Returns
    -------
    tuple of 3 floats
        Sigma per axis in input voxels; 0 where the axis is not downsampled.

    Examples
    --------
    >>> antialias_sigma((2.0, 1.0, 0.5))
    (0.5, 0.0, 0.0)
    """
    factors = as_triple(factor, "factor", positive=True, allow_zero=False)
    return tuple(math.sqrt(f * f - 1.0) / math.sqrt(12.0) if f > 1.0 else 0.0 for f in factors)  # type: ignore[return-value]


def gaussian_reach(sigma: float) -> int:
    """How many voxels either side the anti-aliasing Gaussian reads: ``int(GAUSSIAN_TRUNCATE * sigma + 0.5)``, as scipy.

    Examples
    --------
    >>> gaussian_reach(0.5), gaussian_reach(0.0)
    (2, 0)
    """
    return int(GAUSSIAN_TRUNCATE * sigma + 0.5) if sigma > 0 else 0


def smooth(array: np.ndarray, sigma: Sequence[float]) -> np.ndarray:
    """Separable Gaussian of a float32 array into a new array (each pass split over threads)."""
    out = array
    for axis, s in enumerate(sigma):
        if s > 0:
            target = np.empty_like(array) if out is array else out
            _gaussian_along(out, target, axis, s)
            out = target
    return out


def _gaussian_along(source: np.ndarray, target: np.ndarray, axis: int, sigma: float) -> None:
    """1D Gaussian along ``axis``, in slabs cut along another axis, run by :func:`~tutorial_utils._threads.run_tasks`.

    ``target`` may be ``source``: scipy copies each line before filtering it,
    and the slabs hold disjoint lines.
    """
    split = 1 if axis == 0 else 0

    def fill(start: int, stop: int) -> None:
        index = [slice(None)] * 3
        index[split] = slice(start, stop)
        ndimage.gaussian_filter1d(
            source[tuple(index)],
            sigma,
            axis=axis,
            output=target[tuple(index)],
            mode="nearest",
            truncate=GAUSSIAN_TRUNCATE,
        )

    threads = num_threads()
    tasks = [functools.partial(fill, a, b) for a, b in slab_bounds(source.shape[split], threads)]
    run_tasks(tasks, source.size, threads)
