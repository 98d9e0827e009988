"""``show_plane``: one slice of one plane, large, with orientation letters (e.g. a one-slice DICOM)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure

from ._panels import add_legend, draw_panel, legend_height, legend_rows, static_figure
from ._static_parts import check_colorbar, check_plane, figure_legend, panel_options, region_centre, shown_shape
from .overlay import FILL_ALPHA
from .slicing import as_display_data, check_indices, check_region, panel_sizes_mm
from .style import FIGURE_WIDTH

#: Height in inches a one-panel figure never exceeds.
MAX_PLANE_HEIGHT = 9.0


def show_plane(
    data: Any,
    plane: str | int = "axial",
    index: int | None = None,
    *,
    label: Any = None,
    affine: Any = None,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: Any = "gray",
    overlay: str | None = "contour",
    alpha: float = FILL_ALPHA,
    convention: str | None = None,
    region: Any = None,
    title: str | None = None,
    legend: Mapping[Any, Any] | None = None,
    colorbar: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Show one slice of one plane, large, with its orientation letters: e.g. a one-slice DICOM volume.

    The same panel as in :func:`show_slices` (real aspect, letters from the
    affine, label overlay, ``convention``, ``region``, legend, colour bar),
    alone in a figure 950 px wide, so a notebook never draws a slice with a
    bare ``imshow`` (which loses the aspect and the letters).

    Parameters
    ----------
    data : Volume or (I, J, K) array_like
        What to show (a single slice is a volume one voxel thick, e.g. ``(I, J, 1)``).
    plane : {"sagittal", "coronal", "axial"} or {0, 1, 2}
        The plane, or the array axis held fixed.
    index : int, optional
        Slice index along that axis; default the centre (of ``region`` when given).
    **options
        ``label``, ``affine``, ``vmin``, ``vmax``, ``cmap``, ``overlay``,
        ``alpha``, ``convention``, ``region``, ``title``, ``legend``,
        ``colorbar``, ``figsize``: as in :func:`show_slices`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = show_plane(np.zeros((6, 4, 1)), "axial", affine=np.diag([-0.5, -0.5, 3.0, 1.0]), convention="radiological")
    >>> fig.axes[0].get_title(), sorted(t.get_text() for t in fig.axes[0].texts)
    ('axial  k = 0', ['A', 'L', 'P', 'R'])
    """
    disp = as_display_data(data, label, affine)
    axis = check_plane(plane)
    options = panel_options(disp, overlay, alpha, convention, vmin, vmax, cmap)
    check_colorbar(colorbar)
    box = None if region is None else check_region(region, disp.image.shape)
    centre = list(region_centre(box) if box is not None else check_indices(None, disp.image.shape))
    if index is not None:
        centre[axis] = index
    idx = check_indices(centre, disp.image.shape, "index")
    entries = figure_legend(legend, disp, idx, options["overlay"], axes=(axis,))
    if figsize is None:
        w_mm, h_mm = panel_sizes_mm(shown_shape(disp, box), disp.spacing)[axis]
        room = FIGURE_WIDTH - 0.8 - (0.9 if colorbar is not None else 0.0)
        height = min(room * h_mm / w_mm, MAX_PLANE_HEIGHT) + 0.95 + legend_height(legend_rows(entries))
        figsize = (FIGURE_WIDTH, round(height, 2))
    fig = static_figure(figsize)
    ax = fig.add_subplot()
    draw_panel(ax, disp, axis, idx[axis], region=box, **options)
    if entries:
        add_legend(fig, entries)
    if colorbar is not None:
        fig.colorbar(ax.images[0], ax=ax, shrink=0.8, pad=0.02, label=colorbar)
    if title is not None:
        fig.suptitle(str(title), fontsize=10)
    return fig
