"""NAIVE random crop, as commonly found in blog posts: for demonstration only.

Reproduces, in our own short code, the behaviour of the widespread
``find_random_crop_dim`` / ``crop_3d_volume`` pair, bugs included:

1. an axis where the crop already matches the volume gets offset = crop size
   (instead of 0);
2. offsets come from ``randint(n - size)``, whose upper end is exclusive, so
   the last valid offset ``n - size`` is never drawn (and the last voxel never
   appears in a crop);
3. the ``if/elif`` chain in ``crop_3d_volume`` handles only one matching axis,
   so with two matching axes bug 1 slices past the end and returns an empty
   axis;
4. only the image is cropped: cropping the label takes a second call, which
   draws other offsets;
5. validation is ``assert``, which ``python -O`` removes.

The blog draws from the global ``np.random``; here an ``rng`` is passed only
so the notebook is reproducible. Use :func:`tutorial_utils.random_crop_start`,
:func:`tutorial_utils.crop` and :func:`tutorial_utils.random_crop` instead.
"""

from __future__ import annotations

import numpy as np


def find_random_crop_dim(full_shape, crop_size, rng=None):
    """NAIVE: offsets of a random crop, with the blog's off-by-one bugs (see module)."""
    generator = np.random.default_rng(rng)
    offsets = []
    for n, s in zip(full_shape, crop_size):
        assert n >= s, "crop size is too big"
        offsets.append(s if n == s else int(generator.integers(n - s)))
    return tuple(offsets)


def crop_3d_volume(image, crop_dim, crop_size):
    """NAIVE: crop with an if/elif chain that handles one matching axis only (see module)."""
    assert image.ndim == 3, "3d volume needed"
    (n0, n1, n2), (a0, a1, a2), (s0, s1, s2) = image.shape, crop_dim, crop_size
    if n0 == s0:
        return image[:, a1 : a1 + s1, a2 : a2 + s2]
    elif n1 == s1:
        return image[a0 : a0 + s0, :, a2 : a2 + s2]
    elif n2 == s2:
        return image[a0 : a0 + s0, a1 : a1 + s1, :]
    return image[a0 : a0 + s0, a1 : a1 + s1, a2 : a2 + s2]


def random_crop_3d(image, crop_size, rng=None):
    """NAIVE: draw offsets and crop one array; a label needs a second call (new offsets)."""
    return crop_3d_volume(image, find_random_crop_dim(image.shape, crop_size, rng), crop_size)
