"""Crop and pad topic: change the grid, keep every kept voxel's world coordinate.

* Array layer: :mod:`.ops` (``crop``, ``center_crop``, ``pad_to_shape``,
  ``crop_or_pad``, ``random_crop_start``, ``foreground_bbox``).
* Volume layer: :mod:`.transforms` (``crop_volume``, ``center_crop_volume``,
  ``pad_volume``, ``crop_or_pad_volume``, ``random_crop``).
"""

from .ops import (
    center_crop,
    crop,
    crop_or_pad,
    crop_start_around,
    foreground_bbox,
    pad_to_shape,
    random_crop_start,
)
from .transforms import center_crop_volume, crop_or_pad_volume, crop_volume, pad_volume, random_crop
