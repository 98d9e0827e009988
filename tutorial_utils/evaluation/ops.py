"""Surface distances between two binary masks, in mm, and the percentile Hausdorff distance.

The definitions are MONAI's (``monai.metrics.utils.get_mask_edges`` and
``get_surface_distance``, ``monai.metrics.compute_hausdorff_distance``,
checked in monai 1.6.1), so the numbers can be compared:

* the surface of a mask is its voxels that a binary erosion (6-neighbour
  cross, outside the array counts as background) removes;
* the distances from A to B are, for every surface voxel of A, the Euclidean
  distance in mm to the nearest surface voxel of B (voxel centres, axes
  scaled by the spacing);
* the Hausdorff distance at percentile ``q`` is the larger of the two
  directed ``q``-th percentiles (linear interpolation, as ``torch.quantile``);
  ``q = 100`` is the classic Hausdorff distance. The 95th percentile ignores
  the few farthest surface voxels, so one stray voxel does not set it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage

from .._checks import as_triple, check_array_3d, describe


def _check_mask(mask: object, name: str) -> np.ndarray:
    array = check_array_3d(mask, name)
    if array.dtype != np.bool_:
        raise TypeError(f"{name} must be a boolean mask (e.g. label == 2); got {describe(array)}")
    return array


def mask_edges(mask: np.ndarray) -> np.ndarray:
    """Surface voxels of a boolean mask: the voxels a 6-neighbour binary erosion removes.

    Examples
    --------
    >>> cube = np.zeros((5, 5, 5), bool)
    >>> cube[1:4, 1:4, 1:4] = True
    >>> int(mask_edges(cube).sum())   # 27 voxels, the centre one is inside
    26
    """
    mask = _check_mask(mask, "mask")
    return mask & ~ndimage.binary_erosion(mask, border_value=0)


def surface_distances(
    a: np.ndarray, b: np.ndarray, spacing: float | Sequence[float] = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Distances in mm from every surface voxel of ``a`` to ``b``'s surface, and from ``b``'s to ``a``'s.

    Parameters
    ----------
    a, b : (I, J, K) bool ndarray
        Two masks of one shape, neither empty.
    spacing : float or (3,) floats
        Voxel size in mm along each array axis.

    Returns
    -------
    a_to_b, b_to_a : 1D float64 ndarrays
        One distance per surface voxel of ``a`` (of ``b``).

    Examples
    --------
    >>> a = np.zeros((6, 6, 6), bool); a[1:4, 1:4, 1:4] = True
    >>> b = np.roll(a, 1, axis=2)
    >>> a_to_b, b_to_a = surface_distances(a, b, spacing=(1.0, 1.0, 3.0))
    >>> float(a_to_b.max()), float(b_to_a.max())
    (3.0, 3.0)
    """
    a, b = _check_mask(a, "a"), _check_mask(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have one shape; got {a.shape} and {b.shape}")
    if not a.any() or not b.any():
        raise ValueError(
            "a and b must each hold at least one voxel: distances to an empty mask are undefined "
            "(segmentation_metrics reports a documented value instead)"
        )
    spacing = as_triple(spacing, "spacing", positive=True, allow_zero=False)
    # Only the box around both masks matters: every surface voxel is in it. With one voxel of background
    # around the masks (or the array's border, which erosion also treats as background), eroding the box
    # gives the surface of the whole array (MONAI crops the same way).
    union = np.nonzero(a | b)
    box = tuple(slice(max(int(i.min()) - 1, 0), int(i.max()) + 2) for i in union)
    edges_a, edges_b = mask_edges(a[box]), mask_edges(b[box])
    to_b = ndimage.distance_transform_edt(~edges_b, sampling=spacing)
    to_a = ndimage.distance_transform_edt(~edges_a, sampling=spacing)
    return to_b[edges_a].astype(np.float64), to_a[edges_b].astype(np.float64)


def hausdorff_distance(
    a: np.ndarray, b: np.ndarray, spacing: float | Sequence[float] = 1.0, *, percentile: float = 95.0
) -> float:
    """The ``percentile``-th Hausdorff distance in mm between two non-empty masks (symmetric).

    Examples
    --------
    >>> a = np.zeros((8, 8, 8), bool); a[2:6, 2:6, 2:6] = True
    >>> hausdorff_distance(a, a, (0.7, 0.7, 2.5))
    0.0
    """
    if isinstance(percentile, bool) or not isinstance(percentile, (int, float)) or not 0 <= percentile <= 100:
        raise ValueError(f"percentile must be a number in [0, 100]; got {describe(percentile)}")
    a_to_b, b_to_a = surface_distances(a, b, spacing)
    return float(max(np.percentile(a_to_b, percentile), np.percentile(b_to_a, percentile)))
