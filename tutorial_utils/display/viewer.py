"""``SliceViewer``: a live three-plane viewer built from core ipywidgets.

One slider per plane moves through the volume; crosshairs show where the
other two planes cut each panel; a window (min/max) slider, a label-overlay
checkbox, the overlay style (label contours or a translucent fill) and the
fill's opacity complete it. Each panel is drawn straight
from the volume (:mod:`~tutorial_utils.display._render`): the slice is
windowed to grey levels and combined with its labels into one index per
voxel (kept per panel, so moving one plane redraws one panel), scaled to
the screen by nearest neighbour and coloured by one table lookup; the
crosshairs and orientation letters are blended in, and the frame goes to
the page as one PNG (:mod:`~tutorial_utils.display._canvas`). Matplotlib
only writes the plane names, once.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from ._canvas import FrameImage, letter_stamps
from ._controls import SLIDER_LAYOUT, plane_sliders
from ._layout import HEADER, PAD, check_width, fit_rect, row_boxes
from ._panels import colormap_table
from ._render import PanelPixels, flat_table, lut_index
from .orientation import check_convention, display_flips
from .overlay import FILL_ALPHA, OVERLAY_STYLES, check_alpha, check_overlay, intensity_range, style_table
from .slicing import (
    PLANES,
    as_display_data,
    check_indices,
    panel_sizes_mm,
    plane_slice,
    three_slices,
)


def _readout_format(span: float) -> str:
    """Fixed-point format with about three significant digits for values spanning ``span``."""
    decimals = max(0, 2 - int(np.floor(np.log10(span)))) if span > 0 else 2
    return f".{min(decimals, 6)}f"


class SliceViewer(FrameImage):
    """Scroll through a volume in three planes at once.

    Not a widget itself: ``viewer.widget`` is the ipywidgets ``VBox``. A
    notebook displays the viewer directly (end a cell with it); JupyterLab
    shows the live widget, GitHub and nbviewer a PNG of its first state.

    Parameters
    ----------
    data : Volume or (I, J, K) array_like
        Volume to show (a bare array is drawn with 1 mm voxels and no
        orientation letters unless ``affine`` is given).
    label : (I, J, K) integer array_like, optional
        Label map (default: the Volume's label).
    affine : (4, 4) array_like, optional
        Voxel-to-world matrix for a bare array.
    indices : (3,) sequence of int, optional
        Starting voxel; default the centre.
    vmin, vmax : float, optional
        Starting window; default the 0.5th and 99.5th percentiles.
    cmap : str or Colormap
        Colormap of the image.
    overlay : {"contour", "fill", None}
        Starting label overlay: each label's outline in its colour, one
        pixel wide, with the image visible everywhere else (default); a
        translucent colour over each label; or none.
    alpha : float
        Starting opacity of the ``"fill"`` overlay, in [0, 1] (contours are opaque).
    convention : {None, "radiological", "neurological"}
        None shows the array as stored; ``"radiological"`` mirrors panels so
        the patient's right is on the screen's left, ``"neurological"`` on
        its right (see :func:`~tutorial_utils.display.orientation.display_flips`).
        The letters follow. Needs an affine.
    frame_width : int
        Width of the picture in pixels (at least 240). The panels fill it,
        each fitted by its long side and keeping its physical aspect; the
        default 960 fills a JupyterLab output area and gives every panel of
        a head scan over 300 pixels. The page shows it narrower when the
        output area is.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.IntSlider
        ``"sagittal"``, ``"coronal"``, ``"axial"``: the slice index of each plane.
    window : ipywidgets.FloatRangeSlider
        Intensities shown as black and white (min/max of the window).
    show_labels : ipywidgets.Checkbox
        Label overlay on or off (disabled without a label map).
    style : ipywidgets.Dropdown
        ``"contour"`` or ``"fill"``.
    opacity : ipywidgets.FloatSlider
        Opacity of the ``"fill"`` overlay (disabled for contours).
    image : ipywidgets.Image
        The rendered picture (PNG).
    panels : tuple of PanelPixels
        Where each plane sits in the picture (``panels[2].rect`` is the axial
        panel's pixel rectangle in :meth:`frame`) and its last pixels.

    Examples
    --------
    >>> import numpy as np
    >>> viewer = SliceViewer(np.arange(60.0).reshape(3, 4, 5))
    >>> viewer.sliders["axial"].value = 4
    >>> viewer.indices, viewer.slices()[2].shape
    ((1, 2, 4), (4, 3))
    """

    def __init__(
        self,
        data: Any,
        label: Any = None,
        *,
        affine: Any = None,
        indices: Any = None,
        vmin: float | None = None,
        vmax: float | None = None,
        cmap: Any = "gray",
        overlay: str | None = "contour",
        alpha: float = FILL_ALPHA,
        convention: str | None = None,
        frame_width: int = 960,
    ) -> None:
        disp = as_display_data(data, label, affine)
        self._image, self._label = disp.image, disp.label
        self._cmap_table = colormap_table(cmap)
        overlay, alpha = check_overlay(overlay), check_alpha(alpha)
        convention = check_convention(convention, disp.affine)
        width = check_width(frame_width, "frame_width")
        start = check_indices(indices, disp.image.shape)
        low, high = intensity_range(disp.image)
        vmin = low if vmin is None else float(vmin)
        vmax = high if vmax is None else float(vmax)
        if not vmax > vmin:
            raise ValueError(f"vmax must be > vmin; got vmin={vmin}, vmax={vmax}")

        has_label = disp.label is not None
        data_min, data_max = float(disp.image.min()), float(disp.image.max())
        lowest, highest = min(data_min, vmin), max(data_max, vmax)
        self.sliders = plane_sliders(disp.image.shape, start)
        self.window = widgets.FloatRangeSlider(
            value=(vmin, vmax),
            min=lowest,
            max=highest,
            step=(highest - lowest) / 500,
            description="window",
            continuous_update=True,
            readout_format=_readout_format(highest - lowest),
            layout=widgets.Layout(**SLIDER_LAYOUT),
        )
        self.show_labels = widgets.Checkbox(
            value=has_label and overlay is not None,
            description="labels",
            disabled=not has_label,
            indent=False,
            layout=widgets.Layout(width="70px"),
        )
        self.style = widgets.Dropdown(
            options=OVERLAY_STYLES,
            value=overlay or OVERLAY_STYLES[0],
            disabled=not has_label,
            layout=widgets.Layout(width="90px"),
        )
        self.opacity = widgets.FloatSlider(
            value=alpha,
            min=0.0,
            max=1.0,
            step=0.05,
            description="opacity",
            continuous_update=True,
            layout=widgets.Layout(**SLIDER_LAYOUT),
        )
        self._set_tables()

        sizes = panel_sizes_mm(disp.image.shape, disp.spacing)
        boxes = row_boxes(sizes, width, PAD + HEADER)
        self._init_frame(width, boxes[0].y + boxes[0].h + PAD)
        for box, name in zip(boxes, PLANES):
            self._text(box.x + box.w / 2, PAD + HEADER / 2, name, ha="center", va="center", fontsize=10)
        self._draw_background()
        self.panels: tuple[PanelPixels, ...] = tuple(
            PanelPixels(
                axis,
                fit_rect(box, sizes[axis]),
                disp.image.shape,
                letter_stamps(disp.affine, axis, convention),
                display_flips(disp.affine, axis, convention),
            )
            for axis, box in enumerate(boxes)
        )

        for axis, name in enumerate(PLANES):
            self.sliders[name].observe(lambda change, axis=axis: self._on_index(axis), names="value")
        self.window.observe(lambda change: self._refresh_all(), names="value")
        for control in (self.show_labels, self.style, self.opacity):
            control.observe(lambda change: self._on_overlay(), names="value")

        self.widget = widgets.VBox(
            [
                self.image,
                widgets.HBox(list(self.sliders.values())),
                widgets.HBox([self.window, self.show_labels, self.style, self.opacity]),
            ]
        )
        self._refresh_all()

    @property
    def indices(self) -> tuple[int, int, int]:
        """Current voxel ``(i, j, k)``: where the three planes cross."""
        return tuple(int(self.sliders[name].value) for name in PLANES)  # type: ignore[return-value]

    def slices(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The image data the three panels show now (see ``slicing.three_slices``)."""
        return three_slices(self._image, self.indices)

    def displayed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The colours of the three panels as the screen shows them, each ``(h, w, 3)`` uint8 RGB.

        What the panels show before the crosshairs and letters are drawn:
        each slice and its labels scaled to the panel's pixels (nearest
        neighbour), windowed and blended by
        :func:`~tutorial_utils.display.overlay.composite` (contours are
        found on the pixel grid, so they are one pixel wide on screen).
        Computed afresh from the volume, independently of the live path.
        """
        label = None if self.overlay is None else self._label
        contour = self.overlay == "contour"
        return tuple(  # type: ignore[return-value]
            panel.expected(self._image, label, index, self._window(), self._table, contour=contour)
            for panel, index in zip(self.panels, self.indices)
        )

    @property
    def overlay(self) -> str | None:
        """The label overlay drawn now: ``"contour"``, ``"fill"`` or None (off, or no label map)."""
        return self.style.value if self._label is not None and self.show_labels.value else None

    def _window(self) -> tuple[float, float]:
        low, high = self.window.value
        return low, high if high > low else low + 1e-6

    def _label_slice(self, axis: int, index: int) -> np.ndarray | None:
        if self.overlay is None:
            return None
        return plane_slice(self._label, axis, index)  # type: ignore[arg-type]

    def _update_panel(self, axis: int, index: int) -> None:
        low, high = self._window()
        native = lut_index(plane_slice(self._image, axis, index), self._label_slice(axis, index), low, high)
        self.panels[axis].update(native, self._lut, contour=self.overlay == "contour")

    def _paint(self, frame: np.ndarray) -> None:
        indices = self.indices
        for panel in self.panels:
            panel.paint(frame, crosshair_at=indices)

    def _on_index(self, axis: int) -> None:
        self._update_panel(axis, self.indices[axis])
        self.render()

    def _set_tables(self) -> None:
        self.opacity.disabled = self.overlay != "fill"
        self._table = style_table(self._cmap_table, self.overlay or "fill", float(self.opacity.value))
        self._lut = flat_table(self._table)

    def _on_overlay(self) -> None:
        self._set_tables()
        self._refresh_all()

    def _refresh_all(self) -> None:
        for axis, index in enumerate(self.indices):
            self._update_panel(axis, index)
        self.render()

    def __repr__(self) -> str:
        return f"SliceViewer(shape={self._image.shape}, indices={self.indices})"
