"""Matplotlib pieces of the static figures: a panel, its letters, the label legend, the figure's size.

One *panel* is one plane (sagittal, coronal or axial) drawn in one Axes: the
image, an optional label overlay (contours or a translucent fill), orientation
letters outside the frame, ticks and a title. A display convention or a zoom
region only changes the Axes' data limits (reversed limits mirror the panel),
so everything drawn in voxel coordinates follows. The label legend goes under
the panels, where it can cover neither anatomy nor letters. The live views
draw their panels in numpy instead (:mod:`._render`) and take only the
colormap table from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from .._checks import describe
from .orientation import display_flips, orientation_labels
from .overlay import FILL_ALPHA, color_of, label_rgba
from .slicing import (
    AXIS_NAMES,
    PLANES,
    DisplayData,
    crosshair_position,
    display_aspect,
    panel_extent,
    panel_limits,
    panel_sizes_mm,
    plane_axes,
    plane_slice,
)
from .style import DPI, FIGURE_WIDTH

#: Colour of the orientation letters and crosshairs (readable on grey and on colour overlays).
ACCENT = "#ffd54f"
#: Colour of letters outside the frame (on the white page).
LETTER_COLOR = "#b8860b"

#: Height in inches a static panel never exceeds (a tall, narrow volume leaves white space).
MAX_PANEL_HEIGHT = 4.0
_PANEL_MARGIN = 0.8  # inches beside each static panel: tick labels, axis name, letters
_ROW_MARGIN = 0.95  # inches above and below a row: title, letters, tick labels
#: Width of a static label contour, in points (1.4 px at :data:`~tutorial_utils.display.style.DPI`): visible, yet thin enough
#: that a cortex a few voxels thick still shows its grey levels between two outlines.
CONTOUR_WIDTH = 1.0
_LEGEND_ROW = 0.2  # inches per row of the label legend under the panels
_COLORBAR_WIDTH = 0.9  # inches for a colour bar and its label

# Offsets (points) of the letters from the frame: (dx, dy, ha, va) per edge. Static panels carry
# tick labels on the left and bottom edges, so those letters go beyond them; widget panels have
# no ticks, so their letters hug the frame (and never need redrawing over a new slice).
_TICKS_CLEARANCE = 19.0
_LETTER_OFFSETS = {
    "left": (-3.0, 0.0, "right", "center"),
    "right": (3.0, 0.0, "left", "center"),
    "bottom": (0.0, -3.0, "center", "top"),
    "top": (0.0, 3.0, "center", "bottom"),
}
_EDGE_POINTS = {"left": (0.0, 0.5), "right": (1.0, 0.5), "bottom": (0.5, 0.0), "top": (0.5, 1.0)}


def panel_title(axis: int, index: int) -> str:
    """Title of a panel, e.g. ``"axial  k = 94"``."""
    return f"{PLANES[axis]}  {AXIS_NAMES[axis]} = {int(index)}"


def layout_widths(shape: Sequence[int], spacing: Sequence[float]) -> tuple[list[float], float]:
    """Width ratios of the three panels and the tallest panel's height, both in mm."""
    sizes = panel_sizes_mm(shape, spacing)
    return [w for w, _ in sizes], max(h for _, h in sizes)


def static_figsize(
    shape: Sequence[int],
    spacing: Sequence[float],
    *,
    legend_rows: int = 0,
    colorbar: bool = False,
) -> tuple[float, float]:
    """Size (inches) of a static row of three panels, :data:`FIGURE_WIDTH` wide.

    The panels share the width in proportion to their physical widths (mm);
    the height follows from the tallest panel, capped at
    :data:`MAX_PANEL_HEIGHT`. A ``colorbar`` takes its room from the
    panels; a legend of ``legend_rows`` rows goes under them.

    Examples
    --------
    >>> static_figsize((128, 96, 24), (2.0, 2.0, 2.2))  # the EPI sample: 950 x 289 px at 100 dpi
    (9.5, 2.89)
    """
    widths, height = layout_widths(shape, spacing)
    room = FIGURE_WIDTH - 3 * _PANEL_MARGIN - (_COLORBAR_WIDTH if colorbar else 0.0)
    panel_height = min(room * height / sum(widths), MAX_PANEL_HEIGHT)
    return FIGURE_WIDTH, round(panel_height + _ROW_MARGIN + legend_height(legend_rows), 2)


def legend_height(rows: int) -> float:
    """Inches a legend of ``rows`` rows adds under the panels (0 for none)."""
    return _LEGEND_ROW * rows + 0.15 if rows else 0.0


def static_figure(figsize: tuple[float, float]) -> Figure:
    """A static figure at :data:`~tutorial_utils.display.style.DPI`: constrained layout with room between panels for the letters outside them."""
    return Figure(figsize=figsize, dpi=DPI, layout=ConstrainedLayoutEngine(w_pad=0.1))


def style_axes(
    ax: Axes,
    axis: int,
    spacing: Sequence[float],
    limits: tuple[tuple[float, float], tuple[float, float]],
) -> None:
    """Aspect from the spacing, the panel's data ``limits`` (see ``panel_limits``), small index ticks and axis names."""
    h, v = plane_axes(axis)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_aspect(display_aspect(spacing, axis))
    ax.set_xlabel(AXIS_NAMES[h], fontsize=8, labelpad=1, loc="right")
    ax.set_ylabel(AXIS_NAMES[v], fontsize=8, labelpad=1, loc="top")
    ax.tick_params(labelsize=7, length=2, pad=1)


def draw_letters(ax: Axes, affine: np.ndarray | None, axis: int, convention: str | None = None) -> dict[str, Text]:
    """Orientation letters outside the four edges of a static panel, never over the anatomy (none without an affine).

    The left and bottom letters sit beyond the tick labels; ``convention``
    names the display convention the panel is mirrored to.
    """
    clearance = _TICKS_CLEARANCE
    letters = {}
    for edge, letter in orientation_labels(affine, axis, convention).items():
        dx, dy, ha, va = _LETTER_OFFSETS[edge]
        if edge == "left":
            dx -= clearance
        elif edge == "bottom":
            dy -= clearance * 0.6
        letters[edge] = ax.annotate(
            letter,
            _EDGE_POINTS[edge],
            xycoords="axes fraction",
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            color=LETTER_COLOR,
            fontsize=9,
            fontweight="bold",
        )
    return letters


def draw_panel(
    ax: Axes,
    disp: DisplayData,
    axis: int,
    index: int,
    *,
    vmin: float,
    vmax: float,
    cmap: Any = "gray",
    overlay: str | None = "contour",
    alpha: float = FILL_ALPHA,
    convention: str | None = None,
    region: tuple[Sequence[int], Sequence[int]] | None = None,
    crosshair_at: Sequence[int] | None = None,
) -> None:
    """Draw plane ``axis`` of ``disp`` (image, label, affine) at ``index`` into ``ax`` (a static panel, with ticks).

    ``overlay`` is ``"contour"`` (one
    outline per label value, the image visible inside), ``"fill"``
    (translucent colours at opacity ``alpha``) or None. ``convention``
    mirrors the panel (its data limits run backwards, so everything drawn in
    voxel coordinates follows); ``region`` (start, size) limits it to a voxel
    box. ``crosshair_at`` (voxel indices) adds the lines where the other two
    planes cut this one.
    """
    image, label, affine = disp.image, disp.label, disp.affine
    extent = panel_extent(image.shape, axis)
    ax.imshow(plane_slice(image, axis, index), cmap=cmap, vmin=vmin, vmax=vmax, origin="lower", extent=extent)
    if label is not None and overlay is not None:
        label_2d = plane_slice(label, axis, index)
        if overlay == "fill":
            ax.imshow(label_rgba(label_2d, alpha), origin="lower", extent=extent, interpolation="nearest")
        else:
            draw_contours(ax, label_2d)
    flips = display_flips(affine, axis, convention)
    style_axes(ax, axis, disp.spacing, panel_limits(image.shape, axis, region, flips))
    ax.set_title(panel_title(axis, index), fontsize=9, pad=15 if affine is not None else 3)
    draw_letters(ax, affine, axis, convention)
    if crosshair_at is not None:
        draw_crosshair(ax, axis, crosshair_at)


def draw_crosshair(ax: Axes, axis: int, indices: Sequence[int]) -> tuple[Line2D, Line2D]:
    """Vertical and horizontal lines where the other two planes cut the panel of plane ``axis``."""
    x, y = crosshair_position(indices, axis)
    style = dict(color=ACCENT, linewidth=0.8, alpha=0.8)
    return ax.axvline(x, **style), ax.axhline(y, **style)


def colormap_table(cmap: Any) -> np.ndarray:
    """The colormap ``cmap`` (name or Colormap) as 256 RGBA entries, ``(256, 4)`` uint8."""
    try:
        colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
        return colormap(np.linspace(0.0, 1.0, 256), bytes=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"cmap must be a matplotlib colormap or its name; got {describe(cmap)}") from exc


def draw_contours(ax: Axes, label_2d: np.ndarray, linewidth: float = CONTOUR_WIDTH) -> None:
    """Outline each non-zero label value of a 2D (display-ready) label slice in its opaque colour.

    The lines run along the voxel edges (level 0.5 of each label's mask), so
    the pixels inside a label show the image unchanged.
    """
    for value in np.unique(label_2d):
        if value == 0:
            continue
        mask = (label_2d == value).astype(np.float32)
        ax.contour(mask, levels=[0.5], colors=[color_of(int(value))], linewidths=linewidth)


def add_legend(fig: Figure | SubFigure, entries: Sequence[tuple[int, str]]) -> Any:
    """One legend for the label colours under the panels of ``fig``, clear of the orientation letters.

    ``entries`` are ``(value, text)`` pairs (see
    :func:`~tutorial_utils.display.overlay.legend_entries`); each gets a
    swatch of the label's colour. The legend sits outside the panels, below
    them, in as many columns as fit the figure's width.
    """
    handles = [Patch(facecolor=color_of(value), edgecolor="none", label=text) for value, text in entries]
    return fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=legend_columns(entries),
        fontsize=8,
        frameon=False,
        handlelength=1.0,
        columnspacing=1.5,
    )


def legend_columns(entries: Sequence[tuple[int, str]], width_px: float = FIGURE_WIDTH * DPI - 50) -> int:
    """How many legend columns fit ``width_px`` (8 pt text, about 6 px a character).

    Examples
    --------
    >>> legend_columns([(1, "1 red"), (2, "2 green")]), legend_columns([(v, "x" * 40) for v in range(6)])
    (2, 3)
    """
    if not entries:
        return 1
    column = 6.0 * max(len(text) for _, text in entries) + 40.0
    return max(1, min(len(entries), int(width_px // column)))


def legend_rows(entries: Sequence[tuple[int, str]]) -> int:
    """Rows the legend of ``entries`` takes (0 without entries)."""
    return -(-len(entries) // legend_columns(entries)) if entries else 0


def root_figure(ax: Axes) -> Figure:
    """The top-level Figure holding ``ax`` (also from inside sub-figures)."""
    fig = ax.figure
    while isinstance(fig, SubFigure):
        fig = fig.figure
    return fig


def check_axes(axes: Any) -> list[Axes]:
    """Three matplotlib Axes, or a ``TypeError``/``ValueError`` naming ``axes``."""
    if isinstance(axes, np.ndarray):
        axes = list(axes.ravel())
    if not isinstance(axes, Sequence) or isinstance(axes, (str, bytes)):
        raise TypeError(f"axes must be a sequence of 3 matplotlib Axes; got {describe(axes)}")
    if len(axes) != 3:
        raise ValueError(f"axes must hold 3 Axes (sagittal, coronal, axial); got {len(axes)}")
    for ax in axes:
        if not isinstance(ax, Axes):
            raise TypeError(f"axes must hold matplotlib Axes; got {describe(ax)}")
    return list(axes)
