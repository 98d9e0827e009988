"""Intensity topic: clipping, CT windows, normalization and intensity augmentation.

* Array layer: :mod:`.ops` (``clip_range``, ``percentile_clip``,
  ``percentile_bounds``, ``window``, ``window_limits``, ``CT_WINDOWS``),
  :mod:`.normalize_ops` (``normalize_intensity``) and :mod:`.augment_ops`
  (``adjust_gamma``, ``add_noise``, ``cosine_bias_field``).
* Volume layer: :mod:`.transforms` (``window_volume``, ``normalize_volume``,
  ``percentile_clip_volume``) and :mod:`.augment_transforms` (``gamma_volume``,
  ``scale_shift_volume`` and the random intensity augmentations).
"""

from .augment_ops import add_noise, adjust_gamma, cosine_bias_field
from .augment_transforms import (
    gamma_volume,
    random_bias_field,
    random_gamma,
    random_intensity_scale_shift,
    random_noise,
    scale_shift_volume,
)
from .normalize_ops import normalize_intensity
from .ops import CT_WINDOWS, clip_range, percentile_bounds, percentile_clip, window, window_limits
from .transforms import normalize_volume, percentile_clip_volume, window_volume
