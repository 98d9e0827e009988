"""Crop and pad topic: change the grid, keep every kept voxel's world coordinate.

* Array layer: :mod:`.ops` (``crop``, ``center_crop``, ``random_crop_start``,
  ``crop_start_around``, ``foreground_bbox``) and :mod:`.pad_ops`
  (``pad_to_shape``, ``crop_or_pad``).
* Volume layer: :mod:`.transforms` (``crop_volume``, ``center_crop_volume``,
  ``pad_volume``, ``crop_or_pad_volume``, ``random_crop``).
"""

from .ops import center_crop, crop, crop_start_around, foreground_bbox, random_crop_start
from .pad_ops import crop_or_pad, pad_to_shape
from .transforms import center_crop_volume, crop_or_pad_volume, crop_volume, pad_volume, random_crop
