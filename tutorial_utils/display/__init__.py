"""Showing volumes the way medical data needs: real aspect, orientation letters, label overlays.

Everything that draws lives here, on top of the package; nothing else in
``tutorial_utils`` imports this subpackage (``tutorial_utils.__getattr__``
serves its names on first use).

* :func:`show_slices`, :func:`show_mid_slice`, :func:`show_comparison`:
  static matplotlib figures of the sagittal, coronal and axial planes.
* :class:`SliceViewer`: a live three-plane viewer (ipywidgets).
* :class:`TransformExplorer`: sliders for a transform's parameters with the
  result before and after.
* :func:`view_3d`: the volume in 3D (NiiVue, via ipyniivue), label as a
  coloured overlay, with a static picture (:mod:`.render3d`) for static pages.
* Both draw their panels straight from the volume, without matplotlib
  (:mod:`._render`: pixel maps, colour tables, crosshairs, letters, the PNG
  writer; :mod:`._layout`: where the panels go), so a slider move costs a
  few milliseconds.
* Topic figures: :mod:`.crop_plots`, :mod:`.intensity_plots`,
  :mod:`.elastic_plots`, :mod:`.dataset_plots`.
* The pure functions underneath: :mod:`~tutorial_utils.display.slicing`
  (slices, aspect, orientation letters) and
  :mod:`~tutorial_utils.display.overlay` (windowing, label colours).
"""

from .crop_plots import crop_box_annotator, draw_crop_box
from .dataset_plots import show_fingerprint
from .elastic_plots import grid_label, show_deformation_grid, show_displacement_magnitude, show_jacobian
from .explorer import TransformExplorer
from .intensity_plots import (
    WINDOW_CHOICES,
    compare_histograms,
    draw_limits,
    limits_annotator,
    percentile_annotator,
    plot_histogram,
    resolve_window,
    window_annotator,
    window_hu,
)
from .overlay import LABEL_COLORS
from .slicing import PLANES
from .static import show_comparison, show_mid_slice, show_slices
from .view3d import View3D, view_3d
from .viewer import SliceViewer

__all__ = [
    "LABEL_COLORS",
    "PLANES",
    "SliceViewer",
    "TransformExplorer",
    "View3D",
    "WINDOW_CHOICES",
    "compare_histograms",
    "crop_box_annotator",
    "draw_crop_box",
    "draw_limits",
    "grid_label",
    "limits_annotator",
    "percentile_annotator",
    "plot_histogram",
    "resolve_window",
    "show_comparison",
    "show_deformation_grid",
    "show_displacement_magnitude",
    "show_fingerprint",
    "show_jacobian",
    "show_mid_slice",
    "show_slices",
    "view_3d",
    "window_annotator",
    "window_hu",
]
