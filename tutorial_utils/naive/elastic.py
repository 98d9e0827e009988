"""NAIVE elastic deformation, as in the usual blog post: for demonstration only.

Reproduces, in our own short code, the blog's ``elastic_transform_3d``
(Simard et al. 2003 carried from 2D to 3D), mistakes included:

1. three full-resolution noise fields, uniform in [-1, 1], each smoothed by
   a Gaussian of ``sigma=35`` voxels and multiplied by ``alpha=4``. In 3D
   the smoothing averages about ``(2 sqrt(pi) sigma)**3`` voxels, so the
   displacement has a standard deviation of about 0.0017 voxel: away from
   the border nothing moves;
2. the smoothing costs seconds (a 281-tap filter, three axes, three fields),
   and ``RegularGridInterpolator`` works on float64 coordinates of every
   voxel: about 11 s and 1.9 GB on the 1 mm MNI brain;
3. samples that fall outside the grid get ``bg_val`` (0.1): on the faces,
   about half of the voxels are displaced outwards, by however little, so a
   frame of ``bg_val`` replaces real values there;
4. randomness comes from the global state; here an ``rng`` is passed only so
   the notebook is reproducible.

Use :func:`tutorial_utils.random_elastic` (or
:func:`tutorial_utils.elastic_transform`) instead: a B-spline field whose
strength is set in mm, border locked, a fraction of a second.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.interpolate import RegularGridInterpolator


def blog_displacement_field(shape, alpha=4, sigma=35, rng=None):
    """NAIVE: three full-resolution smoothed noise fields times ``alpha`` (see module), float64."""
    gen = np.random.default_rng(rng)
    return np.stack(
        [ndimage.gaussian_filter(gen.random(shape) * 2 - 1, sigma, mode="constant", cval=0.0) * alpha for _ in range(3)]
    )


def elastic_transform_3d(img, labels=None, alpha=4, sigma=35, bg_val=0.1, rng=None):
    """NAIVE: the blog's elastic deformation (see module). Returns float64 ``img`` (and ``labels``)."""
    shape = img.shape
    axes = tuple(np.arange(n) for n in shape)
    dx, dy, dz = blog_displacement_field(shape, alpha, sigma, rng)
    x, y, z = np.meshgrid(*axes, indexing="ij")
    points = np.stack([(x + dx).ravel(), (y + dy).ravel(), (z + dz).ravel()], axis=1)
    image_interp = RegularGridInterpolator(axes, img, method="linear", bounds_error=False, fill_value=bg_val)
    warped = image_interp(points).reshape(shape)
    if labels is None:
        return warped
    label_interp = RegularGridInterpolator(axes, labels, method="nearest", bounds_error=False, fill_value=0)
    return warped, label_interp(points).reshape(shape).astype(labels.dtype)
