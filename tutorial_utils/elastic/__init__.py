"""Elastic topic: smooth random displacement fields, their measured strength, and the warp.

* Array layer: :mod:`.field` (control-point and Gaussian fields),
  :mod:`.stats` (displacement statistics, Jacobian, folding) and :mod:`.ops`
  (``warp``, ``elastic_transform``).
* Volume layer: ``random_elastic``.
"""

from .field import gaussian_displacement_field, random_displacement_field
from .ops import elastic_transform, random_elastic, warp
from .stats import FoldingWarning, displacement_stats, jacobian_determinant
