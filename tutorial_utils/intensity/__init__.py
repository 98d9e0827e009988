"""Intensity topic: clipping, CT windows, normalization and intensity augmentation.

* Array layer: :mod:`.ops` (``clip_range``, ``percentile_clip``, ``window``,
  ``normalize_intensity``) and :mod:`.augment_ops` (``adjust_gamma``,
  ``add_noise``, ``cosine_bias_field``).
* Volume layer: ``window_volume``, ``normalize_volume``,
  ``percentile_clip_volume`` and the random intensity augmentations.
"""

from .augment_ops import (
    add_noise,
    adjust_gamma,
    cosine_bias_field,
    random_bias_field,
    random_gamma,
    random_intensity_scale_shift,
    random_noise,
)
from .ops import (
    CT_WINDOWS,
    clip_range,
    normalize_intensity,
    normalize_volume,
    percentile_bounds,
    percentile_clip,
    percentile_clip_volume,
    window,
    window_limits,
    window_volume,
)
