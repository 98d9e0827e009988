"""Showing volumes the way medical data needs: real aspect, orientation letters, label overlays.

Everything that draws lives here, on top of the package; nothing else in
``tutorial_utils`` imports this subpackage (``tutorial_utils.__getattr__``
serves its names on first use).

* :func:`show_slices`, :func:`show_mid_slice`, :func:`show_comparison`:
  static matplotlib figures of the sagittal, coronal and axial planes;
  :func:`show_plane`: one plane alone (e.g. a one-slice DICOM).
* Label overlays are contours by default (``overlay="contour"``: outlines
  in :data:`LABEL_COLORS`, the image visible inside), or a translucent fill
  (``overlay="fill"``, ``alpha=0.35``); ``legend=`` names each label and its
  colour in words (:data:`LABEL_COLOR_NAMES`).
* ``convention="radiological"`` (or ``"neurological"``) mirrors the panels,
  exactly, so the patient's right is on the screen's left (right); the
  default None shows the array as stored (:mod:`.orientation`).
* ``region=(start, size)`` zooms a figure into a voxel box, e.g. where two
  results differ most (:func:`difference_region`).
* Every figure is 100 dpi and 950 px wide (:mod:`.style`);
  :func:`use_notebook_style` gives a notebook's own ``plt`` figures the same.
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
  :mod:`.elastic_plots`, :mod:`.dataset_plots`, :mod:`.mri_plots`.
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
from .mri_plots import show_artifact, show_kspace
from .orientation import CONVENTIONS
from .overlay import LABEL_COLOR_NAMES, LABEL_COLORS, OVERLAY_STYLES
from .plane import show_plane
from .regions import difference_region
from .slicing import PLANES
from .static import show_comparison, show_mid_slice, show_slices
from .style import use_notebook_style
from .training_plots import show_training_curve
from .view3d import View3D, view_3d
from .viewer import SliceViewer

__all__ = [
    "CONVENTIONS",
    "LABEL_COLORS",
    "LABEL_COLOR_NAMES",
    "OVERLAY_STYLES",
    "PLANES",
    "SliceViewer",
    "TransformExplorer",
    "View3D",
    "WINDOW_CHOICES",
    "compare_histograms",
    "crop_box_annotator",
    "difference_region",
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
    "show_artifact",
    "show_jacobian",
    "show_kspace",
    "show_mid_slice",
    "show_plane",
    "show_slices",
    "show_training_curve",
    "use_notebook_style",
    "view_3d",
    "window_annotator",
    "window_hu",
]
