"""k-space pictures: a slice next to its k-space, and a clean slice next to an artifact's.

The k-space shown is the 2D k-space of the slice on screen (the transform
over the panel's two axes, :func:`~tutorial_utils.to_kspace` with ``axes``),
which is what a 2D scan measures for that slice. Its magnitude spans many
orders of magnitude (the centre holds the image's sum, the edges the finest
detail), so it is drawn on a log scale; its axes are spatial frequencies in
cycles per mm, the centre being 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._checks import describe
from ..mri.kspace_ops import to_kspace
from ._panels import draw_panel, static_figure
from ._static_parts import check_plane, intensity_limits
from .slicing import DisplayData, as_display_data, check_indices, plane_axes, plane_slice
from .style import FIGURE_WIDTH

#: Decades of k-space magnitude shown below the brightest point.
LOG_RANGE = 5.0


def slice_kspace(data: Any, plane: str | int = "axial", index: int | None = None) -> np.ndarray:
    """The centred 2D k-space of one slice, oriented like the slice on screen (``plane_slice``).

    Parameters
    ----------
    data : Volume or (I, J, K) array_like
    plane : {"sagittal", "coronal", "axial"} or {0, 1, 2}
    index : int, optional
        Slice index along the plane's axis; default the centre.

    Returns
    -------
    (n_v, n_h) complex64 ndarray
        Rows run along the panel's vertical frequency axis.

    Examples
    --------
    >>> k = slice_kspace(np.ones((4, 6, 3)), "axial")
    >>> k.shape, round(float(abs(k[3, 2])), 3)  # all of a constant slice's signal at the centre
    ((6, 4), 4.899)
    """
    disp = as_display_data(data)
    axis = check_plane(plane)
    idx = check_indices(_centre_with(disp, axis, index), disp.image.shape, "index")
    slab = np.take(disp.image, [idx[axis]], axis=axis)
    return plane_slice(to_kspace(slab, axes=plane_axes(axis)), axis, 0)


def _centre_with(disp: DisplayData, axis: int, index: int | None) -> list[int]:
    centre = [n // 2 for n in disp.image.shape]
    if index is not None:
        centre[axis] = index
    return centre


def _frequency_extent(disp: DisplayData, axis: int) -> tuple[float, float, float, float]:
    """``imshow`` extent of a slice's k-space in cycles per mm (pixel centres on the frequencies)."""
    edges = []
    for a in plane_axes(axis):
        n, step = disp.image.shape[a], 1.0 / (disp.image.shape[a] * disp.spacing[a])
        edges += [(-(n // 2) - 0.5) * step, (n - n // 2 - 0.5) * step]
    return tuple(edges)  # type: ignore[return-value]


def draw_kspace(
    ax: Axes,
    kspace: np.ndarray,
    extent: tuple[float, float, float, float],
    *,
    what: str = "magnitude",
    top: float | None = None,
    title: str = "k-space",
) -> float:
    """Draw a slice's k-space (log10 magnitude, or phase in radians) into ``ax``; return the log10 maximum used.

    ``top`` fixes the brightest level (log10), so two k-spaces share a scale.
    """
    if what == "magnitude":
        log = np.log10(np.abs(kspace) + 1e-12)
        top = float(log.max()) if top is None else float(top)
        ax.imshow(log, cmap="magma", vmin=top - LOG_RANGE, vmax=top, origin="lower", extent=extent)
    elif what == "phase":
        ax.imshow(np.angle(kspace), cmap="twilight", vmin=-np.pi, vmax=np.pi, origin="lower", extent=extent)
    else:
        raise ValueError(f'what must be "magnitude" or "phase"; got {describe(what)}')
    ax.set_title(title, fontsize=9, pad=3)
    ax.set_xlabel("cycles / mm", fontsize=8, labelpad=1)
    ax.tick_params(labelsize=7, length=2, pad=1)
    ax.set_aspect("equal")
    return float(top if top is not None else 0.0)


def show_kspace(data: Any, plane: str | int = "axial", index: int | None = None, *, title: str | None = None) -> Figure:
    """A slice, the log magnitude of its k-space and the phase of its k-space, side by side.

    Parameters
    ----------
    data : Volume or (I, J, K) array_like
        A magnitude image.
    plane : {"sagittal", "coronal", "axial"} or {0, 1, 2}
    index : int, optional
        Slice index; default the centre.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = show_kspace(np.random.default_rng(0).random((8, 8, 4)))
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['axial  k = 2', 'k-space: log10 |K|', 'k-space: phase']
    """
    disp = as_display_data(data)
    axis = check_plane(plane)
    idx = check_indices(_centre_with(disp, axis, index), disp.image.shape, "index")
    kspace = slice_kspace(disp.image, axis, idx[axis])
    extent = _frequency_extent(disp, axis)
    fig = static_figure((FIGURE_WIDTH, 3.3))
    axes = fig.subplots(1, 3)
    vmin, vmax = intensity_limits(disp.image, None, None)
    draw_panel(axes[0], disp, axis, idx[axis], vmin=vmin, vmax=vmax, overlay=None)
    draw_kspace(axes[1], kspace, extent, title="k-space: log10 |K|")
    draw_kspace(axes[2], kspace, extent, what="phase", title="k-space: phase")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def show_artifact(
    items: Mapping[str, Any], plane: str | int = "axial", index: int | None = None, *, title: str | None = None
) -> Figure:
    """For each item (e.g. ``{"clean": vol, "motion": moved}``) its slice and that slice's k-space.

    Two items per row (four panels). The images share the first item's
    intensity limits and the k-spaces its brightest level, so what an
    artifact adds or removes shows as it is.

    Parameters
    ----------
    items : mapping of str to Volume or array
        Two items give one row of four panels, three or four items two rows.
    plane, index : as in :func:`show_kspace`
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> x = np.random.default_rng(0).random((8, 8, 4))
    >>> fig = show_artifact({"clean": x, "brighter": 2 * x})
    >>> [ax.get_title() for ax in fig.axes]
    ['clean', 'clean: k-space', 'brighter', 'brighter: k-space']
    >>> fig = show_artifact({"clean": x, "brighter": 2 * x, "darker": x / 2})
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()][-2:]
    ['darker', 'darker: k-space']
    """
    if not isinstance(items, Mapping) or len(items) == 0:
        raise TypeError(f"items must be a non-empty dict of name -> Volume or array; got {describe(items)}")
    axis = check_plane(plane)
    shown = {str(name): as_display_data(value, name=f"items[{name!r}]") for name, value in items.items()}
    first = next(iter(shown.values()))
    idx = check_indices(_centre_with(first, axis, index), first.image.shape, "index")
    vmin, vmax = intensity_limits(first.image, None, None)
    rows = -(-len(shown) // 2)
    fig = static_figure((FIGURE_WIDTH, 2.9 * rows))
    axes = fig.subplots(rows, 4, squeeze=False)
    for ax in axes.ravel()[2 * len(shown) :]:
        ax.set_visible(False)
    top = None
    for (name, disp), (image_ax, kspace_ax) in zip(shown.items(), axes.reshape(-1, 2)):
        draw_panel(image_ax, disp, axis, idx[axis], vmin=vmin, vmax=vmax, overlay=None)
        image_ax.set_title(name, fontsize=9, pad=3)
        for text in image_ax.texts:
            text.set_visible(False)  # no room for orientation letters in a row of four
        kspace = slice_kspace(disp.image, axis, idx[axis])
        top = draw_kspace(kspace_ax, kspace, _frequency_extent(disp, axis), top=top, title=f"{name}: k-space")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


__all__ = ["LOG_RANGE", "draw_kspace", "show_artifact", "show_kspace", "slice_kspace"]
