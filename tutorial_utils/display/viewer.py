"""``SliceViewer``: a live three-plane viewer built from core ipywidgets.

One slider per plane moves through the volume; crosshairs show where the
other two planes cut each panel; a window (min/max) slider, a label-overlay
checkbox and an opacity slider complete it. The matplotlib figure is built
once; on every change the three slices are windowed and blended with their
labels in numpy (:func:`~tutorial_utils.display.overlay.composite`), pushed
into the existing image artists with ``set_data`` and the figure is sent to
the page as a PNG (see :mod:`tutorial_utils.display._canvas`).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from ._canvas import FigureImage
from ._controls import SLIDER_LAYOUT, plane_sliders
from ._panels import Panel, colormap_table, draw_rgba_panel, layout_widths, row_figsize, widget_figure
from .overlay import composite, intensity_range, overlay_table
from .slicing import PLANES, as_display_data, check_indices, crosshair_position, plane_slice, three_slices


def _readout_format(span: float) -> str:
    """Fixed-point format with about three significant digits for values spanning ``span``."""
    decimals = max(0, 2 - int(np.floor(np.log10(span)))) if span > 0 else 2
    return f".{min(decimals, 6)}f"


class SliceViewer(FigureImage):
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
    alpha : float
        Starting opacity of the label overlay.
    panel_height : float
        Height of the panels in inches (at ``dpi``).
    dpi : int
        Resolution of the rendered PNG; 72 keeps updates fast.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.IntSlider
        ``"sagittal"``, ``"coronal"``, ``"axial"``: the slice index of each plane.
    window : ipywidgets.FloatRangeSlider
        Intensities shown as black and white (min/max of the window).
    show_labels : ipywidgets.Checkbox
        Label overlay on or off (disabled without a label map).
    opacity : ipywidgets.FloatSlider
        Opacity of the label overlay.
    image : ipywidgets.Image
        The rendered figure (PNG).
    panels : tuple of Panel
        The matplotlib artists of each plane; ``panels[2].image`` is the
        axial AxesImage holding the blended RGBA slice.

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
        alpha: float = 0.4,
        panel_height: float = 2.6,
        dpi: int = 72,
    ) -> None:
        disp = as_display_data(data, label, affine)
        self._image, self._label = disp.image, disp.label
        self._cmap_table = colormap_table(cmap)
        self._table = overlay_table(self._cmap_table, alpha)
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
            value=has_label,
            description="labels",
            disabled=not has_label,
            indent=False,
            layout=widgets.Layout(width="90px"),
        )
        self.opacity = widgets.FloatSlider(
            value=alpha,
            min=0.0,
            max=1.0,
            step=0.05,
            description="opacity",
            disabled=not has_label,
            continuous_update=True,
            layout=widgets.Layout(**SLIDER_LAYOUT),
        )

        figure = widget_figure(row_figsize(disp.image.shape, disp.spacing, panel_height), dpi)
        widths, _ = layout_widths(disp.image.shape, disp.spacing)
        axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": widths})
        self.panels: tuple[Panel, ...] = tuple(
            draw_rgba_panel(
                ax,
                self._composite(axis, start[axis]),
                disp.image.shape,
                disp.spacing,
                disp.affine,
                axis,
                crosshair_at=start,
            )
            for axis, ax in enumerate(axes)
        )
        self._init_canvas(figure)
        self._canvas.draw()
        figure.set_layout_engine("none")  # freeze the layout: no re-layout per update

        for axis, name in enumerate(PLANES):
            self.sliders[name].observe(lambda change, axis=axis: self._on_index(axis), names="value")
        self.window.observe(lambda change: self._refresh_all(), names="value")
        self.show_labels.observe(lambda change: self._refresh_all(), names="value")
        self.opacity.observe(lambda change: self._on_opacity(), names="value")

        self.widget = widgets.VBox(
            [
                self.image,
                widgets.HBox(list(self.sliders.values())),
                widgets.HBox([self.window, self.show_labels, self.opacity]),
            ]
        )
        self.render()

    @property
    def indices(self) -> tuple[int, int, int]:
        """Current voxel ``(i, j, k)``: where the three planes cross."""
        return tuple(int(self.sliders[name].value) for name in PLANES)  # type: ignore[return-value]

    def slices(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The image data the three panels show now (see ``slicing.three_slices``)."""
        return three_slices(self._image, self.indices)

    def displayed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The RGBA arrays the three image artists hold now, each ``(H, W, 4)`` uint8."""
        return tuple(np.asarray(panel.image.get_array()) for panel in self.panels)  # type: ignore[return-value]

    def _composite(self, axis: int, index: int) -> np.ndarray:
        low, high = self.window.value
        high = high if high > low else low + 1e-6
        label = None
        if self._label is not None and self.show_labels.value:
            label = plane_slice(self._label, axis, index)
        return composite(plane_slice(self._image, axis, index), label, low, high, self._table)

    def _dynamic_artists(self) -> list[Any]:
        artists: list[Any] = []
        for panel in self.panels:
            artists += [panel.image, *(panel.crosshair or ())]
        return artists

    def _on_index(self, axis: int) -> None:
        indices = self.indices
        self.panels[axis].image.set_data(self._composite(axis, indices[axis]))
        for panel in self.panels:
            if panel.crosshair is not None:
                x, y = crosshair_position(indices, panel.axis)
                panel.crosshair[0].set_xdata([x, x])
                panel.crosshair[1].set_ydata([y, y])
        self.render()

    def _on_opacity(self) -> None:
        self._table = overlay_table(self._cmap_table, float(self.opacity.value))
        self._refresh_all()

    def _refresh_all(self) -> None:
        indices = self.indices
        for panel in self.panels:
            panel.image.set_data(self._composite(panel.axis, indices[panel.axis]))
        self.render()

    def __repr__(self) -> str:
        return f"SliceViewer(shape={self._image.shape}, indices={self.indices})"
