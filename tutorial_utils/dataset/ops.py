"""Array layer of the dataset topic: orientation read from an affine, and CT normalization.

Scans of one dataset come in several orientations (RAS from most NIfTI
tools, LPS from DICOM and ITK, LAS from some converters). Before comparing
their spacings or batching them, each array is put into one orientation by a
permutation and flips of its axes, never by interpolation. The helpers here
use :mod:`tutorial_utils.spatial.orientation_ops` (nibabel's orientations
module underneath) rather than re-deriving it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from nibabel import orientations

from .._checks import describe
from ..spatial.orientation_ops import orientation_change, reorient_array, reoriented_affine


def in_ras_order(values: Sequence[Any], affine: np.ndarray) -> tuple:
    """Put per-axis ``values`` (a shape, a spacing) into the order of the axes after reorienting to RAS.

    Parameters
    ----------
    values : sequence of 3
        One value per array axis, in the array's order.
    affine : (4, 4) array_like
        The array's voxel-to-world affine.

    Returns
    -------
    tuple of 3
        ``values`` permuted so that entry 0 belongs to the axis closest to
        world x (left-right), 1 to y (posterior-anterior), 2 to z
        (inferior-superior).

    Examples
    --------
    >>> sagittal = np.array([[0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1.0]])
    >>> in_ras_order((0.5, 0.6, 3.0), sagittal)
    (3.0, 0.6, 0.5)
    """
    ornt = orientations.io_orientation(np.asarray(affine, dtype=np.float64))
    ordered: list[Any] = [None] * 3
    for axis, (world_axis, _) in enumerate(ornt):
        ordered[int(world_axis)] = values[axis]
    return tuple(ordered)


def reorient_arrays(
    arrays: Sequence[np.ndarray | None], affine: np.ndarray, axcodes: str = "RAS"
) -> tuple[list[np.ndarray | None], np.ndarray]:
    """Permute and flip 3D arrays on one grid so that their axes point along ``axcodes``.

    Exact: no interpolation, every voxel keeps its world position (the new
    affine says where). ``None`` entries (a missing label) stay ``None``.

    Parameters
    ----------
    arrays : sequence of (I, J, K) ndarray or None
        Arrays sharing ``affine`` (an image and its label map).
    affine : (4, 4) array_like
    axcodes : str
        Target orientation, e.g. ``"RAS"``, ``"LPS"``, ``"LAS"``.

    Returns
    -------
    arrays : list of ndarray or None
        C-contiguous copies (or the inputs themselves when nothing changes).
    affine : (4, 4) ndarray

    Examples
    --------
    >>> image = np.arange(24.0).reshape(2, 3, 4)
    >>> (las,), affine = reorient_arrays([image], np.eye(4), "LAS")
    >>> float(las[0, 0, 0]) == float(image[-1, 0, 0]), affine[0, 0]
    (True, np.float64(-1.0))
    """
    ornt = orientation_change(affine, axcodes)
    if np.array_equal(ornt, [[0, 1], [1, 1], [2, 1]]):
        return list(arrays), np.asarray(affine, dtype=np.float64)
    shape = next(a.shape for a in arrays if a is not None)
    moved = [None if a is None else reorient_array(a, ornt) for a in arrays]
    return moved, reoriented_affine(affine, ornt, shape)


def ct_normalize(array: np.ndarray, *, low: float, high: float, mean: float, std: float) -> np.ndarray:
    """Clip CT values to ``[low, high]`` (HU), then standardize with one ``mean`` and ``std`` for the whole dataset.

    This is the CT rule of nnU-Net: HU are physical units, so every scan gets
    the *same* clip range and the same shift and scale, taken from the
    foreground voxels of the whole training set (see
    :meth:`~tutorial_utils.dataset.fingerprint.DatasetFingerprint.plan`).
    A per-scan z-score would throw that meaning away.

    Parameters
    ----------
    array : (I, J, K) ndarray
        Values in HU; not modified.
    low, high : float
        Clip range, ``low <= high``.
    mean, std : float
        Subtracted, then divided by; ``std > 0``.

    Returns
    -------
    (I, J, K) float32 ndarray

    Examples
    --------
    >>> ct_normalize(np.array([[[-2000.0, 40.0, 3000.0]]]), low=-1000, high=1000, mean=0, std=100).tolist()
    [[[-10.0, 0.4, 10.0]]]
    """
    for name, value in {"low": low, "high": high, "mean": mean, "std": std}.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise TypeError(f"{name} must be a number; got {describe(value)}")
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite; got {value}")
    if low > high:
        raise ValueError(f"low must be <= high; got low={low}, high={high}")
    if std <= 0:
        raise ValueError(f"std must be > 0; got {std}")
    out = np.clip(np.asarray(array, dtype=np.float32), np.float32(low), np.float32(high))
    out -= np.float32(mean)
    out /= np.float32(std)
    return out
