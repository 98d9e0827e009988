"""``TransformExplorer``: sliders for a transform's parameters, before and after side by side.

The top row shows the input, the bottom row the transform's output, both in
three planes with the label overlay. Moving a parameter slider re-runs the
transform (on release, never while dragging, so no stale work piles up);
moving a plane slider only changes which slices are shown.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import nibabel as nib
import numpy as np

from .._checks import describe
from ..volume import Volume
from ._annotations import run_annotate
from ._canvas import FigureImage
from ._controls import make_control, plane_sliders, seed_control
from ._histogram import BeforeAfterHistogram
from ._panels import (
    Panel,
    colormap_table,
    draw_letters,
    draw_rgba_panel,
    layout_widths,
    row_figsize,
    style_widget_axes,
    widget_figure,
)
from .overlay import composite, intensity_range, overlay_table
from .slicing import (
    PLANES,
    DisplayData,
    as_display_data,
    center_indices,
    panel_extent,
    plane_slice,
    three_slices,
)

_ROWS = ("before", "after")
Annotate = Callable[[dict[str, Any], dict[str, Any]], None]


class TransformExplorer(FigureImage):
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
        ``annotate(axes, values)`` is called after each update with
        ``axes = {"before": (sag, cor, ax), "after": (sag, cor, ax),
        "histogram": Axes or None}`` and the current values; artists it adds
        are removed before the next update.
    shared_range : bool
        Draw the after row with the before row's intensity limits. By
        default each row gets its own robust limits (0.5th-99.5th
        percentiles), which suits normalisation but hides a plain intensity
        scale or shift: use ``shared_range=True`` (or ``histogram=True``)
        for intensity augmentations.
    cmap : str or Colormap
        Colormap of the images.
    alpha : float
        Opacity of the label overlay.
    panel_height : float
        Height of one row of panels in inches.
    dpi : int
        Resolution of the rendered PNG.
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
        alpha: float = 0.4,
        panel_height: float = 2.2,
        dpi: int = 72,
        **sliders: Any,
    ) -> None:
        if not callable(transform):
            raise TypeError(f"transform must be callable as transform(volume, **values); got {describe(transform)}")
        if annotate is not None and not callable(annotate):
            raise TypeError(f"annotate must be callable as annotate(axes, values) or None; got {describe(annotate)}")
        self._input = volume
        self._before = as_display_data(volume, name="volume")
        self._transform = transform
        self._annotate = annotate
        self._shared_range = bool(shared_range)
        self._table = overlay_table(colormap_table(cmap), alpha)
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
        self._build_figure(histogram, panel_height, dpi)

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
        self.render()

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

    def axes(self) -> dict[str, Any]:
        """The figure's axes: ``{"before": (3 Axes), "after": (3 Axes), "histogram": Axes or None}``."""
        return {
            "before": tuple(p.ax for p in self._panels["before"]),
            "after": tuple(p.ax for p in self._panels["after"]),
            "histogram": None if self._histogram is None else self._histogram.ax,
        }

    def slices(self, row: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The image data the ``"before"`` or ``"after"`` row shows now, one 2D slice per plane."""
        if row not in _ROWS:
            raise ValueError(f"row must be one of {_ROWS}; got {row!r}")
        data = self._before if row == "before" else self._after_data
        return three_slices(data.image, self._row_indices(row))

    def displayed(self, row: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The RGBA arrays the ``"before"`` or ``"after"`` image artists hold now."""
        if row not in _ROWS:
            raise ValueError(f"row must be one of {_ROWS}; got {row!r}")
        return tuple(np.asarray(p.image.get_array()) for p in self._panels[row])  # type: ignore[return-value]

    def after_indices(self) -> tuple[int, int, int]:
        """Voxel of the after grid shown for the current plane sliders (same world point, clipped)."""
        before = tuple(int(self.planes[name].value) for name in PLANES)
        after = self._after_data
        if self._before.affine is None or after.affine is None:
            if after.image.shape == self._before.image.shape:
                return before  # type: ignore[return-value]
            return tuple(  # relative position when no affine relates the grids
                int(round(b * (na - 1) / max(nb - 1, 1)))
                for b, nb, na in zip(before, self._before.image.shape, after.image.shape)
            )  # type: ignore[return-value]
        world = self._before.affine @ np.array([*before, 1.0])
        voxel = np.linalg.solve(after.affine, world)[:3]
        return tuple(int(np.clip(round(float(v)), 0, n - 1)) for v, n in zip(voxel, after.image.shape))  # type: ignore[return-value]

    # -- running the transform ----------------------------------------------------------------

    def _run(self) -> tuple[DisplayData | None, str]:
        """Run the transform on the current values: (display data or None, status HTML)."""
        kwargs = self.values
        if self._has_seed:
            kwargs["rng"] = kwargs.pop("seed")
        start = time.perf_counter()
        try:
            result = self._transform(self._input, **kwargs)
            after = self._as_after(result)
        except Exception as exc:  # noqa: BLE001 - any failure is shown in the widget, not raised
            self._error = f"{type(exc).__name__}: {exc}"
            return None, (
                "<span style='color:#b00020'><b>transform failed</b> (showing the last good result): "
                f"{html.escape(self._error)}</span>"
            )
        self.after = result
        seconds = time.perf_counter() - start
        return after, f"<span style='color:#555'>transform ran in {1000 * seconds:.0f} ms</span>"

    def _as_after(self, result: Any) -> DisplayData:
        if isinstance(result, Volume):
            return as_display_data(result)
        array = np.asarray(result) if not isinstance(result, np.ndarray) else result
        if array.ndim != 3:
            raise ValueError(f"transform must return a Volume or a 3D array; got {describe(result)}")
        if array.shape == self._before.image.shape:
            return as_display_data(array, self._before.label, self._before.affine, "transform output")
        return as_display_data(array, name="transform output")

    # -- figure -------------------------------------------------------------------------------

    def _row_indices(self, row: str) -> tuple[int, int, int]:
        if row == "before":
            return tuple(int(self.planes[name].value) for name in PLANES)  # type: ignore[return-value]
        return self.after_indices()

    def _composite(self, row: str, axis: int, index: int) -> np.ndarray:
        data = self._before if row == "before" else self._after_data
        label = None if data.label is None else plane_slice(data.label, axis, index)
        low, high = self._limits[row]
        return composite(plane_slice(data.image, axis, index), label, low, high, self._table)

    def _build_figure(self, histogram: bool, panel_height: float, dpi: int) -> None:
        before = self._before
        width, _ = row_figsize(before.image.shape, before.spacing, panel_height)
        height = 2 * (panel_height + 0.5) + (1.6 if histogram else 0.0)
        figure = widget_figure((width, height), dpi)
        widths, _ = layout_widths(before.image.shape, before.spacing)
        ratios = [panel_height + 0.5] * 2 + ([1.4] if histogram else [])
        grid = figure.add_gridspec(len(ratios), 3, width_ratios=widths, height_ratios=ratios)
        self._limits = {"before": intensity_range(before.image)}
        self._limits["after"] = self._after_limits()
        self._panels: dict[str, list[Panel]] = {}
        for number, row in enumerate(_ROWS):
            data = before if row == "before" else self._after_data
            indices = self._row_indices(row)
            self._panels[row] = [
                draw_rgba_panel(
                    figure.add_subplot(grid[number, axis]),
                    self._composite(row, axis, indices[axis]),
                    data.image.shape,
                    data.spacing,
                    data.affine,
                    axis,
                )
                for axis in range(3)
            ]
            self._panels[row][0].ax.annotate(
                row,
                xy=(0, 0.5),
                xytext=(-22, 0),
                xycoords="axes fraction",
                textcoords="offset points",
                rotation=90,
                ha="center",
                va="center",
                fontsize=10,
                fontweight="bold",
            )
        self._histogram = None
        if histogram:
            colors = dict(zip(_ROWS, ("0.35", "tab:orange")))
            self._histogram = BeforeAfterHistogram(figure.add_subplot(grid[2, :]), colors)
            self._update_histogram()
        self._init_canvas(figure)
        self._canvas.draw()
        figure.set_layout_engine("none")  # freeze the layout: no re-layout per update
        self._after_geometry = _geometry(self._after_data)
        self._call_annotate()

    def _after_limits(self) -> tuple[float, float]:
        if self._shared_range:
            return self._limits["before"]
        return intensity_range(self._after_data.image)

    def _dynamic_artists(self) -> list[Any]:
        return [p.image for row in _ROWS for p in self._panels[row]] + self._annotations

    def _on_parameters(self) -> None:
        if self._busy:
            return
        after, message = self._run()
        self.status.value = message
        if after is None:
            return
        self._after_data = after
        if _geometry(after) != self._after_geometry:
            self._regrid_after()
            self._after_geometry = _geometry(after)
        self._limits["after"] = self._after_limits()
        self._refresh_slices("after")
        if self._histogram is not None:
            self._update_histogram()
        self._call_annotate()
        self.render(full=True)

    def _on_planes(self) -> None:
        self._refresh_slices("before")
        self._refresh_slices("after")
        self.render()

    def _regrid_after(self) -> None:
        after = self._after_data
        for panel in self._panels["after"]:
            panel.image.set_extent(panel_extent(after.image.shape, panel.axis))
            style_widget_axes(panel.ax, panel.axis, after.image.shape, after.spacing, after.affine)
            for text in panel.letters.values():
                text.remove()
            panel.letters = draw_letters(panel.ax, after.affine, panel.axis, outside=True)

    def _refresh_slices(self, row: str) -> None:
        indices = self._row_indices(row)
        for panel in self._panels[row]:
            panel.image.set_data(self._composite(row, panel.axis, indices[panel.axis]))

    def _update_histogram(self) -> None:
        self._histogram.update({"before": self._before.image, "after": self._after_data.image})  # type: ignore[union-attr]

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


def _geometry(data: DisplayData) -> tuple[Any, ...]:
    """What decides the after row's extents, aspect and orientation letters."""
    codes = None if data.affine is None else tuple(nib.aff2axcodes(data.affine))
    return data.image.shape, data.spacing, codes
