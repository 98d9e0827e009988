"""Elastic topic: smooth random displacement fields, their measured strength, and the warp.

* Array layer: :mod:`.field` (control-point and Gaussian fields),
  :mod:`.stats` (displacement statistics, Jacobian, folding) and :mod:`.ops`
  (``warp``, ``elastic_transform``).
* Volume layer: :mod:`.transforms` (the step ``elastic_volume`` and the
  augmentation ``random_elastic``).
"""

from .field import gaussian_displacement_field, random_displacement_field
from .ops import elastic_transform, warp
from .stats import FoldingWarning, displacement_stats, jacobian_determinant
from .transforms import elastic_volume, random_elastic
