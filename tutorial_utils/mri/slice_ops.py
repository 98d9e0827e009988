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
neighbour instead (one thin slice every ``thickness`` mm, no averaging), and
nnU-Net's low-resolution simulation zooms every axis at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import as_float32_image, as_triple, check_axis, check_number
from .kspace_ops import map_lines


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
    edges = slab_edges(n, ratio)
    floor = np.minimum(np.floor(edges).astype(np.intp), n - 1)
    part = (edges - floor).astype(np.float64)
    widths = np.diff(edges)
    centres = (edges[:-1] + edges[1:]) / 2 - 0.5  # in voxel indices
    positions = np.arange(n, dtype=np.float64)
    below = np.clip(np.searchsorted(centres, positions, side="right") - 1, 0, max(len(centres) - 2, 0))
    above = np.minimum(below + 1, len(centres) - 1)
    span = np.where(above > below, centres[above] - centres[below], 1.0)
    weight = np.clip((positions - centres[below]) / span, 0.0, 1.0)
    part, widths, low, high = (_along(v, axis) for v in (part, widths, 1 - weight, weight))

    def work(slabs: list[np.ndarray]) -> np.ndarray:
        slab = slabs[0]
        total = np.cumsum(slab, axis=axis, dtype=np.float64)
        edge = np.take(slab, floor, axis=axis)
        integral = np.take(total, floor, axis=axis) - edge + part * edge  # the integral up to each edge
        means = np.diff(integral, axis=axis) / widths
        return np.take(means, below, axis=axis) * low + np.take(means, above, axis=axis) * high

    return map_lines([x], axis, work)


def _along(values: np.ndarray, axis: int) -> np.ndarray:
    shape = [1, 1, 1]
    shape[axis] = len(values)
    return values.reshape(shape)


__all__ = ["slab_edges", "thick_slices"]
