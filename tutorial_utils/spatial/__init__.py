"""Spatial topic: where the anatomy sits on the grid.

* Array layer (numpy in, numpy out): :mod:`.affine_ops` (``affine_matrix``,
  ``apply_affine``, ``rotate``, ``flip``, ``shift``) and :mod:`.resize_ops`
  (``resize``, ``rescale``, ``zoom``, ``antialias_sigma``).
* Volume layer (``Volume`` in, ``Volume`` out, one record per call):
  :mod:`.flip_transforms` (flips, swapping lateralised labels),
  :mod:`.affine_transforms` (rotate, shift, affine and their random
  versions) and :mod:`.resize_transforms` (``resample_to_spacing``,
  ``resize_volume``, ``zoom_volume``, ``random_zoom``).
* Orientation: :mod:`.orientation_ops` (arrays: orientation codes,
  permute/flip) and :mod:`.orientation_transforms` (``reorient``).
"""

from .affine_ops import affine_matrix, apply_affine, flip, rotate, shift
from .affine_transforms import (
    affine_volume,
    random_affine,
    random_rotate,
    random_shift,
    rotate_volume,
    shift_volume,
)
from .antialias_ops import antialias_sigma
from .flip_transforms import flip_volume, random_flip
from .orientation_ops import check_axcodes, orientation_change, reorient_array, reoriented_affine
from .orientation_transforms import reorient
from .resize_ops import rescale, resize, zoom
from .resize_transforms import grid_affine, random_zoom, resample_to_spacing, resize_volume, zoom_volume
