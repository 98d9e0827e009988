"""NAIVE resizing and zoom, as commonly found in blog posts: for demonstration only.

Reproduces, in our own short code, the usual blog behaviour, mistakes included:

1. images are resized with ``scipy.ndimage.zoom(..., order=0)``: nearest
   neighbour, so edges become staircases and fine structures flicker in and
   out (order 1 is the sensible default for images);
2. the same ``zoom`` applied to a label map with ``order=1`` (as for the
   image) silently rounds back to the integer dtype and invents label values
   on boundaries (between 0 and 2 a ring of 1 appears);
3. nothing updates the affine, so the voxel size is lost;
4. ``random_zoom`` puts the factor straight into the matrix of
   ``scipy.ndimage.affine_transform``, which maps OUTPUT to INPUT: it scales
   about voxel ``(0, 0, 0)``, so the anatomy drifts towards the corner, and a
   factor > 1 *shrinks* it;
5. randomness comes from the global state; here an ``rng`` is passed only so
   the notebook is reproducible.

Use :func:`tutorial_utils.resize`, :func:`tutorial_utils.rescale`,
:func:`tutorial_utils.zoom`, :func:`tutorial_utils.resample_to_spacing` and
:func:`tutorial_utils.random_zoom` instead.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def resize_to_shape(data, target_shape, order=0):
    """NAIVE: resize with ``scipy.ndimage.zoom`` (nearest neighbour by default; see module)."""
    factors = [t / s for t, s in zip(target_shape, data.shape)]
    return ndimage.zoom(data, factors, order=order)


def resize_data_volume_by_scale(data, scale):
    """NAIVE: the blog's rescale, ``scipy.ndimage.zoom(data, scale, order=0)``."""
    scale_list = [scale] * 3 if isinstance(scale, float) else scale
    return ndimage.zoom(data, scale_list, order=0)


def random_zoom(matrix, min_percentage=0.8, max_percentage=1.2, rng=None):
    """NAIVE: zoom about voxel 0 with the factor in the output-to-input matrix (see module)."""
    z = np.random.default_rng(rng).uniform(min_percentage, max_percentage)
    zoom_matrix = np.diag([z, z, z, 1.0])
    return ndimage.affine_transform(matrix, zoom_matrix)
