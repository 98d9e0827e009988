"""Thick slices: what a clinical series with 5 mm slices looks like on a 1 mm grid.

Many clinical MRI series are 2D: thin in-plane voxels, thick slices (4-6 mm)
across. A network trained on isotropic 1 mm research scans meets them after
resampling to 1 mm, where every slice is a blurred average over its
thickness, interpolated between slice centres. :func:`thick_slices`
simulates that: it averages the image over slabs ``thickness`` mm thick along
one axis (a box slice profile: each slice integrates the signal across its
thickness, the partial-volume effect), then interpolates linearly back to
the original grid. Shape and affine are unchanged; only that axis blurs.

TorchIO's ``RandomAnisotropy`` (version 1.2) downsamples with nearest
neighbour instead (one thin slice every ``thickness`` mm, no averaging);
MONAI's ``RandSimulateLowResolution`` (version 1.6, after nnU-Net's
``SimulateLowResolutionTransform``) zooms every axis by one factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import as_float32_image, as_triple, check_axis, check_number


def slab_edges(n: int, voxels_per_slice: float) -> np.ndarray:
    """Edges of the thick slices along an axis of ``n`` voxels, in voxel-edge coordinates ``[0, n]``.

    The stack of ``ceil(n / voxels_per_slice)`` slices is centred on the axis;
    the outer slices are clipped to the field of view.

    Examples
    --------
    >>> slab_edges(10, 4.0).tolist()  # three 4-voxel slices centred on 10 voxels: 1 + 4 + 4 + 1
    [0.0, 3.0, 7.0, 10.0]
    """
    count = int(np.ceil(n / voxels_per_slice - 1e-9))
    first = n / 2 - count * voxels_per_slice / 2
    return np.clip(first + voxels_per_slice * np.arange(count + 1), 0.0, n)


def thick_slices(image: Any, thickness: float, *, axis: int = 2, spacing: Sequence[float] | float = 1.0) -> np.ndarray:
    """Average ``image`` over slices ``thickness`` mm thick along ``axis``, then interpolate back to its grid.

    Both steps are linear along ``axis`` (:func:`slice_matrices`), so each is
    one matrix product over all the volume's lines at once (BLAS).

    Parameters
    ----------
    image : (I, J, K) array_like
        Any intensities (no magnitude needed: this is a resampling).
    thickness : float
        Slice thickness in mm, > 0. A thickness up to the voxel size along
        ``axis`` changes nothing (the voxels are already that thin).
    axis : int
        The slice axis (through-plane): the only axis that blurs.
    spacing : float or (3,) sequence of float
        Voxel size in mm.

    Returns
    -------
    (I, J, K) float32 ndarray
        Same shape: each thick slice's mean, linearly interpolated between
        slice centres (constant beyond the outermost centres).

    Examples
    --------
    Two 5 mm slices over 10 voxels of 1 mm: each is the mean of its 5 voxels, drawn
    at its centre (voxels 2 and 7), with a linear ramp between the two:

    >>> x = np.zeros((1, 1, 10), np.float32); x[..., 5] = 10.0
    >>> [round(float(v), 2) for v in thick_slices(x, 5.0, axis=2).ravel()]
    [0.0, 0.0, 0.0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.0, 2.0]
    """
    x = as_float32_image(image, "image")
    thickness = check_number(thickness, "thickness", positive=True, meaning=" (slice thickness in mm)")
    axis = check_axis(axis)
    spacing = as_triple(spacing, "spacing", positive=True, allow_zero=False)
    n = x.shape[axis]
    ratio = thickness / spacing[axis]
    if ratio <= 1 + 1e-9 or n == 1:
        return x.copy()
    average, interpolate = slice_matrices(n, ratio)
    if axis == 2:  # lines are the rows of a 2D view: two matrix products
        return (x.reshape(-1, n) @ average.T @ interpolate.T).reshape(x.shape)
    front = x if axis == 0 else np.ascontiguousarray(np.moveaxis(x, axis, 0))
    out = (interpolate @ (average @ front.reshape(n, -1))).reshape(front.shape)
    return out if axis == 0 else np.ascontiguousarray(np.moveaxis(out, 0, axis))


def slice_matrices(n: int, voxels_per_slice: float) -> tuple[np.ndarray, np.ndarray]:
    """The two steps of :func:`thick_slices` along one axis, as small matrices.

    ``average`` (slices x n): row ``q`` holds the fraction of slice ``q`` that
    each voxel covers (a box slice profile, rows summing to 1);
    ``interpolate`` (n x slices): linear interpolation at each voxel between
    the two nearest slice centres (constant beyond the outermost ones).

    Examples
    --------
    >>> average, interpolate = slice_matrices(4, 2.0)
    >>> average.tolist()
    [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
    >>> interpolate.tolist()
    [[1.0, 0.0], [0.75, 0.25], [0.25, 0.75], [0.0, 1.0]]
    """
    edges = slab_edges(n, voxels_per_slice)
    voxels = np.arange(n, dtype=np.float64)
    overlap = np.minimum(edges[1:, None], voxels + 1) - np.maximum(edges[:-1, None], voxels)
    average = np.clip(overlap, 0.0, None) / np.diff(edges)[:, None]
    centres = (edges[:-1] + edges[1:]) / 2 - 0.5  # in voxel indices
    interpolate = np.zeros((n, len(centres)))
    below = np.clip(np.searchsorted(centres, voxels, side="right") - 1, 0, max(len(centres) - 2, 0))
    above = np.minimum(below + 1, len(centres) - 1)
    span = np.where(above > below, centres[above] - centres[below], 1.0)
    weight = np.clip((voxels - centres[below]) / span, 0.0, 1.0)
    np.add.at(interpolate, (np.arange(n), below), 1 - weight)
    np.add.at(interpolate, (np.arange(n), above), weight)
    return average.astype(np.float32), interpolate.astype(np.float32)


__all__ = ["slab_edges", "slice_matrices", "thick_slices"]
