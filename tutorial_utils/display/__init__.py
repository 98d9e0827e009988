"""Showing volumes the way medical data needs: real aspect, orientation letters, label overlays.

* :func:`show_slices`, :func:`show_mid_slice`, :func:`show_comparison`:
  static matplotlib figures of the sagittal, coronal and axial planes.
* :class:`SliceViewer`: a live three-plane viewer (ipywidgets).
* :class:`TransformExplorer`: sliders for a transform's parameters with the
  result before and after.
* :mod:`~tutorial_utils.display.slicing`: the pure functions underneath
  (slices, aspect, orientation letters, windowing, overlay colours).
"""

from .explorer import TransformExplorer
from .slicing import LABEL_COLORS, PLANES
from .static import show_comparison, show_mid_slice, show_slices
from .viewer import SliceViewer

__all__ = [
    "LABEL_COLORS",
    "PLANES",
    "SliceViewer",
    "TransformExplorer",
    "show_comparison",
    "show_mid_slice",
    "show_slices",
]
