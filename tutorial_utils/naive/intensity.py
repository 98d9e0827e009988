"""NAIVE intensity clipping and normalization, as commonly found in blog posts: for demonstration only.

Reproduces, in our own short numpy code (the blog's ``normalize_intensity``
takes a torch tensor), the behaviour of the widespread ``percentile_clip`` /
``normalize_intensity`` pair, bugs included:

1. ``percentile_clip`` writes the clipped values into its input and returns
   that same array: the caller's volume is changed, and calling it twice on
   "the same" volume clips an already clipped one;
2. ``normalize_intensity(..., "max")`` divides by ``max - min`` and
   ``"mean"`` by the standard deviation with no check: a constant image gives
   a volume of NaN (0 / 0), with only a RuntimeWarning;
3. ``"mean"`` computes the mean and std over the non-zero voxels but then
   shifts *every* voxel, so the zero background becomes ``-mean / std``
   (negative) instead of staying 0.

Use :func:`tutorial_utils.percentile_clip` and
:func:`tutorial_utils.normalize_intensity` instead.
"""

from __future__ import annotations

import numpy as np


def percentile_clip(img_numpy, min_val=0.1, max_val=99.8):
    """NAIVE: clip to percentiles by assigning into the input array (see module, bug 1)."""
    low = np.percentile(img_numpy, min_val)
    high = np.percentile(img_numpy, max_val)
    img_numpy[img_numpy < low] = low
    img_numpy[img_numpy > high] = high
    return img_numpy


def normalize_intensity(img, normalization="mean"):
    """NAIVE: "mean" (stats over non-zero voxels, applied to all) or "max" (min-max), unchecked.

    The standard deviation is the unbiased one (``ddof=1``), as ``torch.std``
    computes it. See the module for bugs 2 and 3.
    """
    if normalization == "mean":
        nonzero = img[img != 0]
        return (img - nonzero.mean()) / nonzero.std(ddof=1)
    if normalization == "max":
        return (img - img.min()) / (img.max() - img.min())
    return img
