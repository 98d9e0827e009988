"""NAIVE rotation, shift and chained augmentation, as commonly found in blog posts: for demonstration only.

Reproduces, in our own short code, the usual blog behaviour, mistakes included:

1. ``random_rotate3D`` calls ``scipy.ndimage.rotate`` with its defaults:
   ``reshape=True`` (the output grows with the angle, so it no longer fits a
   fixed network input nor the label's grid) and ``order=3`` (cubic: on a
   label map it invents values between the labels), with a fill of 0 (water
   in a CT);
2. it is called once for the image and once for the label, so each draws its
   own angle and axes: the label no longer covers the anatomy;
3. ``random_shift`` bounds the shift on *every* axis by a fraction of
   ``dim1`` (the first axis), so a thin axis (24 slices) can lose half its
   content;
4. ``rotate_zoom_shift`` is our own naive chain, not the blog's code: the
   blog offers rotate, zoom and shift as separate functions, and a pipeline
   that applies them one after the other resamples three times (cubic, scipy's
   default). Each step is geometrically right here, so the only fault is the
   chaining: three interpolations whose errors add up, and three times the work;
5. randomness comes from the global state; here an ``rng`` is passed only so
   the notebook is reproducible.

Use :func:`tutorial_utils.random_rotate`, :func:`tutorial_utils.random_shift`
and :func:`tutorial_utils.random_affine` (one composed resampling) instead.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def random_rotate3D(img_numpy, min_angle, max_angle, rng=None):
    """NAIVE: random angle and axis pair, ``scipy.ndimage.rotate`` defaults (see module)."""
    gen = np.random.default_rng(rng)
    all_axes = [(1, 0), (1, 2), (0, 2)]
    angle = gen.integers(min_angle, max_angle + 1)
    axes = all_axes[gen.integers(len(all_axes))]
    return ndimage.rotate(img_numpy, angle, axes=axes)


def random_shift(img_numpy, max_percentage=0.2, rng=None):
    """NAIVE: every axis shifted by up to ``dim1 * max_percentage / 2`` voxels (see module)."""
    gen = np.random.default_rng(rng)
    dim1 = img_numpy.shape[0]
    m = int(dim1 * max_percentage / 2)
    offsets = [gen.integers(-m, m + 1) for _ in range(3)]
    return ndimage.shift(img_numpy, offsets)


def rotate_zoom_shift(img_numpy, angle, scale, offset, axes=(0, 1), order=3):
    """NAIVE: rotate, zoom about the centre and shift as three resamplings (see module)."""
    rotated = ndimage.rotate(img_numpy, angle, axes=axes, reshape=False, order=order)
    centre = (np.array(img_numpy.shape) - 1) / 2
    zoomed = ndimage.affine_transform(rotated, np.full(3, 1 / scale), centre - centre / scale, order=order)
    return ndimage.shift(zoomed, offset, order=order)


def undo_rotate_zoom_shift(img_numpy, angle, scale, offset, axes=(0, 1), order=3):
    """NAIVE: the inverse of :func:`rotate_zoom_shift`, again three resamplings."""
    shifted = ndimage.shift(img_numpy, -np.asarray(offset, dtype=float), order=order)
    centre = (np.array(img_numpy.shape) - 1) / 2
    unzoomed = ndimage.affine_transform(shifted, np.full(3, scale), centre - centre * scale, order=order)
    return ndimage.rotate(unzoomed, -angle, axes=axes, reshape=False, order=order)
