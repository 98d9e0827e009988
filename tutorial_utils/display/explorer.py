"""``TransformExplorer``: sliders for a transform's parameters, before and after side by side.

The top row shows the input, the bottom row the transform's output, both in
three planes with the label overlay, under a caption with the call that
produced the output (so the static picture a notebook keeps says which
values it shows). Moving a parameter slider re-runs the transform (on
release, never while dragging, so no stale work piles up) and redraws the
caption, histogram and annotations with matplotlib; moving a plane slider
only redraws the six panels, straight from the volumes
(:mod:`~tutorial_utils.display._render`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._checks import describe
from ._annotations import run_annotate
from ._canvas import FrameImage, letter_stamps
from ._controls import make_control, plane_sliders, seed_control
from ._explorer_parts import after_indices, caption, failure_status, geometry, run_transform
from ._histogram import BeforeAfterHistogram
from ._layout import GAP, HEADER, PAD, Rect, check_width, fit_rect, row_boxes
from ._panels import colormap_table
from ._render import PanelPixels, flat_table, lut_index
from .orientation import check_convention, display_flips
from .overlay import FILL_ALPHA, check_alpha, check_overlay, intensity_range, style_table
from .slicing import (
    PLANES,
    DisplayData,
    as_display_data,
    center_indices,
    panel_limits,
    panel_sizes_mm,
    plane_slice,
    three_slices,
)

_ROWS = ("before", "after")
Annotate = Callable[[dict[str, Any], dict[str, Any]], None]
#: Caption line height and character width (DejaVu Sans Mono at 9 pt, 100 dpi), pixels.
_LINE = 15
_CHAR = 7.6
#: Height of the histogram strip (pixels).
_HISTOGRAM = 170


class TransformExplorer(FrameImage):
    """Explore a transform's parameters: before (top) and after (bottom) in three planes.

    Not a widget itself: ``explorer.widget`` is the ipywidgets ``VBox``. A
    notebook displays the explorer directly; JupyterLab shows the live widget,
    GitHub and nbviewer a PNG of its first state.

    Parameters
    ----------
    volume : Volume or (I, J, K) array_like
        The input, passed unchanged to ``transform``.
    transform : callable
        ``transform(volume, **values)`` returning a Volume or a 3D array.
        An array output of the input's shape is shown on the input's grid
        with its label; of another shape, with 1 mm voxels and no label.
    seed : int, optional
        Adds a ``seed`` slider (0 to ``max(99, seed)``) whose value is passed
        as ``rng=``.
    histogram : bool
        Add before/after intensity histograms (log counts).
    annotate : callable, optional
        ``annotate(axes, values)`` is called after each parameter change with
        ``axes = {"before": (sag, cor, ax), "after": (sag, cor, ax),
        "histogram": Axes or None}`` (matplotlib Axes lying exactly over the
        panels, data coordinates in voxel indices as in ``show_slices``) and
        the current values; the artists it adds are drawn over the panels
        and removed before the next call.
    shared_range : bool
        Draw the after row with the before row's intensity limits. By
        default each row gets its own robust limits (0.5th-99.5th
        percentiles), which suits normalisation but hides a plain intensity
        scale or shift: use ``shared_range=True`` (or ``histogram=True``)
        for intensity augmentations.
    cmap, overlay, alpha, convention, frame_width
        As in :class:`~tutorial_utils.display.viewer.SliceViewer`: label
        contours by default, ``convention`` mirrors the panels (an after row
        without an affine is shown as stored), the picture is 960 px wide.
    **sliders
        One per keyword of ``transform``: an ipywidgets widget (used as is,
        with ``continuous_update`` set to False), a ``(min, max, step)``
        tuple (IntSlider if all three are ints, else FloatSlider, starting in
        the middle as ``ipywidgets.interact`` does) or ``(min, max, step,
        value)``, a list (Dropdown, starting at the first item) or a bool
        (Checkbox).

    Attributes
    ----------
    controls : dict of str to ipywidgets widget
        The parameter sliders (and ``"seed"``).
    planes : dict of str to ipywidgets.IntSlider
        Slice of the input shown in each plane. The after row shows the
        slice through the same WORLD point (via both affines), clipped to
        its grid, so a crop or a resampling shows the same anatomy.
    caption : str
        The call that produced the after row, written above the panels, so
        the picture a saved notebook keeps says which values it shows.
    status : ipywidgets.HTML
        Run time of the last update, or the error the transform raised (the
        widget keeps the last good result).
    after : Volume or ndarray
        The transform's last result.

    Examples
    --------
    >>> import numpy as np
    >>> explorer = TransformExplorer(np.ones((4, 5, 6)), lambda v, gain: v * gain, gain=(1.0, 3.0, 0.5))
    >>> explorer.values
    {'gain': 2.0}
    >>> explorer.set(gain=3.0)
    >>> float(explorer.after.max())
    3.0
    """

    def __init__(
        self,
        volume: Any,
        transform: Callable[..., Any],
        *,
        seed: int | None = None,
        histogram: bool = False,
        annotate: Annotate | None = None,
        shared_range: bool = False,
        cmap: Any = "gray",
        overlay: str | None = "contour",
        alpha: float = FILL_ALPHA,
        convention: str | None = None,
        frame_width: int = 960,
        **sliders: Any,
    ) -> None:
        if not callable(transform):
            raise TypeError(f"transform must be callable as transform(volume, **values); got {describe(transform)}")
        if annotate is not None and not callable(annotate):
            raise TypeError(f"annotate must be callable as annotate(axes, values) or None; got {describe(annotate)}")
        width = check_width(frame_width, "frame_width")
        self._input = volume
        self._before = as_display_data(volume, name="volume")
        self._transform = transform
        self._annotate = annotate
        self._shared_range = bool(shared_range)
        self._overlay_style = check_overlay(overlay)
        self._convention = check_convention(convention, self._before.affine)
        self._table = style_table(colormap_table(cmap), self._overlay_style or "fill", check_alpha(alpha))
        self._lut = flat_table(self._table)
        self._annotations: list[Any] = []
        self._busy = False
        self._error = ""

        self.controls: dict[str, widgets.Widget] = {name: make_control(name, spec) for name, spec in sliders.items()}
        self._has_seed = seed is not None
        if seed is not None:
            if "seed" in self.controls:
                raise ValueError("seed= adds a 'seed' slider; do not also pass a slider named 'seed'")
            self.controls["seed"] = seed_control(seed)
        shape = self._before.image.shape
        self.planes = plane_sliders(shape, center_indices(shape))
        self.status = widgets.HTML()

        self.after: Any = None
        after, message = self._run()
        if after is None:
            raise RuntimeError(f"transform failed on its starting values {self.values}: {self._error}")
        self._after_data = after
        self.status.value = message
        self._build_frame(histogram, width)
        self._limits = {"before": intensity_range(self._before.image)}
        self._limits["after"] = self._after_limits()
        self._refresh_row("before")
        self._show_parameters()

        for control in self.controls.values():
            control.observe(lambda change: self._on_parameters(), names="value")
        for slider in self.planes.values():
            slider.observe(lambda change: self._on_planes(), names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
                self.image,
                widgets.HBox(list(self.planes.values())),
                self.status,
            ]
        )

    @property
    def values(self) -> dict[str, Any]:
        """Current control values by name (``"seed"`` included when there is a seed slider)."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Set several controls at once and update once (e.g. ``explorer.set(angle=20, seed=3)``)."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown control name(s) {unknown}; expected some of {sorted(self.controls)}")
        self._busy = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._busy = False
        self._on_parameters()

    @property
    def caption(self) -> str:
        """The call that produced the after row, as written above the panels (``"after = f(before, a=1)"``)."""
        return str(self._caption.get_text())

    def axes(self) -> dict[str, Any]:
        """The matplotlib Axes over the panels: ``{"before": (3 Axes), "after": (3 Axes), "histogram": Axes or None}``."""
        return {
            "before": tuple(self._panel_axes["before"]),
            "after": tuple(self._panel_axes["after"]),
            "histogram": None if self._histogram is None else self._histogram.ax,
        }

    def slices(self, row: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The image data the ``"before"`` or ``"after"`` row shows now, one 2D slice per plane."""
        return three_slices(self._data(row).image, self._row_indices(row))

    def displayed(self, row: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The colours of a row's three panels as the screen shows them, each ``(h, w, 3)`` uint8 RGB.

        Each slice and its labels scaled to the panel's pixels (nearest
        neighbour), windowed and blended by
        :func:`~tutorial_utils.display.overlay.composite` (contours found on
        the pixel grid), before annotations; computed afresh from the data.
        """
        data, indices = self._data(row), self._row_indices(row)
        label = None if self._overlay_style is None else data.label
        contour = self._overlay_style == "contour"
        return tuple(  # type: ignore[return-value]
            panel.expected(data.image, label, indices[panel.axis], self._limits[row], self._table, contour=contour)
            for panel in self._panels[row]
        )

    def after_indices(self) -> tuple[int, int, int]:
        """Voxel of the after grid shown for the current plane sliders (same world point, clipped)."""
        return after_indices(self._row_indices("before"), self._before, self._after_data)

    # -- running the transform ----------------------------------------------------------------

    def _call_kwargs(self) -> dict[str, Any]:
        kwargs = self.values
        if self._has_seed:
            kwargs["rng"] = kwargs.pop("seed")
        return kwargs

    def _run(self) -> tuple[DisplayData | None, str]:
        """Run the transform on the current values: (display data or None, status HTML)."""
        result, after, message = run_transform(self._transform, self._input, self._call_kwargs(), self._before)
        if after is None:
            self._error = message
            return None, failure_status(message)
        self.after = result
        return after, message

    # -- the frame ----------------------------------------------------------------------------

    def _data(self, row: str) -> DisplayData:
        if row not in _ROWS:
            raise ValueError(f"row must be one of {_ROWS}; got {row!r}")
        return self._before if row == "before" else self._after_data

    def _row_indices(self, row: str) -> tuple[int, int, int]:
        if row == "before":
            return tuple(int(self.planes[name].value) for name in PLANES)  # type: ignore[return-value]
        return self.after_indices()

    def _label_slice(self, data: DisplayData, axis: int, index: int) -> np.ndarray | None:
        return None if data.label is None or self._overlay_style is None else plane_slice(data.label, axis, index)

    def _build_frame(self, histogram: bool, width: int) -> None:
        before = self._before
        self._chars = max(20, int((width - 2 * PAD) / _CHAR))
        self._caption_lines = len(caption(self._transform, self._call_kwargs(), self._chars))
        top = PAD + self._caption_lines * _LINE + 4
        boxes = row_boxes(panel_sizes_mm(before.image.shape, before.spacing), width, top + HEADER)
        side = boxes[0].h
        self._boxes = {"before": boxes, "after": [b._replace(y=b.y + side + HEADER + GAP // 2) for b in boxes]}
        bottom = self._boxes["after"][0].y + side + PAD
        self._init_frame(width, bottom + (_HISTOGRAM if histogram else 0))
        self._caption = self._text(PAD, PAD, "", ha="left", va="top", family="monospace", fontsize=9, linespacing=1.2)
        self._panels: dict[str, list[PanelPixels]] = {}
        self._panel_axes: dict[str, list[Any]] = {}
        for row in _ROWS:
            header = self._boxes[row][0].y - HEADER / 2
            self._text(PAD, header, row, ha="left", va="center", fontsize=10, fontweight="bold")
            for box, name in zip(self._boxes[row], PLANES):
                self._text(box.x + box.w / 2, header, name, ha="center", va="center", fontsize=10)
            self._panel_axes[row] = [self._axes(box) for box in self._boxes[row]]
            for ax in self._panel_axes[row]:
                ax.set_axis_off()
            self._place_row(row)
        self._histogram = None
        if histogram:
            rect = Rect(PAD + 60, bottom + 6, width - PAD - 72, _HISTOGRAM - 44)
            colors = dict(zip(_ROWS, ("0.35", "tab:orange")))
            self._histogram = BeforeAfterHistogram(self._axes(rect), colors)
        self._after_geometry = geometry(self._after_data)

    def _place_row(self, row: str) -> None:
        """Fit the row's panels (and the Axes over them) to its data's grid."""
        data = self._data(row)
        sizes = panel_sizes_mm(data.image.shape, data.spacing)
        height, width = self._frame.shape[:2]
        self._panels[row] = []
        for axis, (box, ax) in enumerate(zip(self._boxes[row], self._panel_axes[row])):
            rect = fit_rect(box, sizes[axis])
            convention = self._convention if data.affine is not None else None
            flips = display_flips(data.affine, axis, convention)
            stamps = letter_stamps(data.affine, axis, convention)
            self._panels[row].append(PanelPixels(axis, rect, data.image.shape, stamps, flips))
            ax.set_position((rect.x / width, 1 - (rect.y + rect.h) / height, rect.w / width, rect.h / height))
            xlim, ylim = panel_limits(data.image.shape, axis, flips=flips)
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)

    def _after_limits(self) -> tuple[float, float]:
        if self._shared_range:
            return self._limits["before"]
        return intensity_range(self._after_data.image)

    def _refresh_row(self, row: str) -> None:
        data, indices = self._data(row), self._row_indices(row)
        low, high = self._limits[row]
        for panel in self._panels[row]:
            index = indices[panel.axis]
            native = lut_index(
                plane_slice(data.image, panel.axis, index), self._label_slice(data, panel.axis, index), low, high
            )
            panel.update(native, self._lut, contour=self._overlay_style == "contour")

    def _paint(self, frame: np.ndarray) -> None:
        for row in _ROWS:
            for panel in self._panels[row]:
                panel.paint(frame)

    def _show_parameters(self) -> None:
        """Redraw what depends on the parameters: after row, caption, histogram, annotations."""
        lines = caption(self._transform, self._call_kwargs(), self._chars)
        if len(lines) > self._caption_lines:
            lines = [*lines[: self._caption_lines - 1], lines[self._caption_lines - 1][: self._chars - 1] + "\u2026"]
        self._caption.set_text("\n".join(lines))
        self._refresh_row("after")
        if self._histogram is not None:
            self._histogram.update({"before": self._before.image, "after": self._after_data.image})
        self._call_annotate()
        self._draw_background(self._annotations)
        self.render()

    def _on_parameters(self) -> None:
        if self._busy:
            return
        after, message = self._run()
        self.status.value = message
        if after is None:
            return
        self._after_data = after
        if geometry(after) != self._after_geometry:
            self._place_row("after")
            self._after_geometry = geometry(after)
        self._limits["after"] = self._after_limits()
        self._show_parameters()

    def _on_planes(self) -> None:
        self._refresh_row("before")
        self._refresh_row("after")
        self.render()

    def _call_annotate(self) -> None:
        for artist in self._annotations:
            artist.remove()
        self._annotations = []
        if self._annotate is None:
            return
        axes = self.axes()
        all_axes = [*axes["before"], *axes["after"]] + ([axes["histogram"]] if axes["histogram"] else [])
        self._annotations, error = run_annotate(self._annotate, axes, all_axes, self.values)
        if error is not None:
            self.status.value = error

    def __repr__(self) -> str:
        return f"TransformExplorer(values={self.values})"
