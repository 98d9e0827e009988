"""Evaluation topic: how good is a segmentation, in the units a clinician reads.

* :mod:`.ops` (arrays): surface voxels of a mask, surface distances in mm
  (``scipy.ndimage.distance_transform_edt`` with ``sampling=spacing``) and the
  percentile Hausdorff distance.
* :mod:`.metrics` (Volumes): :func:`segmentation_metrics`, per class Dice,
  95th-percentile Hausdorff distance in mm and volumes in mL, as a pandas
  table. The Dice is :func:`tutorial_utils.dice_scores`'s.

pandas is imported when :func:`segmentation_metrics` runs, not on import.
"""

from .metrics import segmentation_metrics
from .ops import hausdorff_distance, mask_edges, surface_distances

__all__ = ["hausdorff_distance", "mask_edges", "segmentation_metrics", "surface_distances"]
