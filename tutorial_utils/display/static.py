"""Static three-plane figures: ``show_slices``, ``show_mid_slice``, ``show_comparison``.

These fix what the usual blog helper gets wrong for medical data: voxels are
drawn with their real aspect (from the spacing), each panel names its plane
and slice index, and orientation letters (from the affine) say where the
patient's left, front and top are.

The figures are plain :class:`matplotlib.figure.Figure` objects, not
registered with ``pyplot``: a notebook shows one when it is the last value of
a cell (exactly once), a script saves it with ``fig.savefig(path)``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure

from .._checks import describe
from ._panels import add_legend, check_axes, draw_panel, layout_widths, root_figure, static_figsize, static_figure
from .overlay import check_alpha, intensity_range
from .slicing import as_display_data, check_indices

_OVERLAYS = ("fill", "contour", None)


def show_slices(
    data: Any,
    indices: Any = None,
    *,
    label: Any = None,
    affine: Any = None,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: Any = "gray",
    overlay: str | None = "fill",
    alpha: float = 0.4,
    title: str | None = None,
    axes: Any = None,
    figsize: tuple[float, float] | None = None,
    crosshairs: bool = False,
    legend: Mapping[int, str] | None = None,
    colorbar: str | None = None,
) -> Figure:
    """Show the sagittal, coronal and axial slices through one voxel.

    Each panel shows ``data[i, :, :].T``, ``data[:, j, :].T`` and
    ``data[:, :, k].T`` with ``origin="lower"``; the panel's data coordinates
    are voxel indices (horizontal: first remaining array axis, vertical:
    second). Voxels are drawn with their physical aspect and the edges carry
    orientation letters from the affine.

    Parameters
    ----------
    data : Volume or (I, J, K) array_like
        What to show. A bare array is drawn with 1 mm voxels and no
        orientation letters unless ``affine`` is given.
    indices : (3,) sequence of int, optional
        Voxel ``(i, j, k)`` the three planes pass through; default the centre.
    label : (I, J, K) integer array_like, optional
        Label map to overlay (default: the Volume's label). Label 0 is not drawn.
    affine : (4, 4) array_like, optional
        Voxel-to-world matrix for a bare array (overrides a Volume's).
    vmin, vmax : float, optional
        Intensities shown as black and white; default the 0.5th and 99.5th
        percentiles (so one hot voxel does not wash the image out).
    cmap : str or Colormap
        Colormap of the image.
    overlay : {"fill", "contour", None}
        Translucent label colours, label outlines, or no overlay (to look at
        the image alone even though the Volume has a label).
    alpha : float
        Opacity of the ``"fill"`` overlay, in [0, 1].
    title : str, optional
        Title above the three panels.
    axes : sequence of 3 Axes, optional
        Draw into these (sagittal, coronal, axial) instead of a new figure.
    figsize : (float, float), optional
        Size of a new figure in inches; default from the volume's physical size.
    crosshairs : bool
        Draw lines where the other two planes cut each panel.
    legend : mapping of int to str, optional
        Label names (e.g. :data:`tutorial_utils.MNI_LABELS`) shown as a colour
        legend next to the axial panel.
    colorbar : str, optional
        Add a colour bar of the image's intensities with this label (e.g.
        ``"HU"``, ``"Jacobian determinant"``), so a reader can tell what a
        grey level means; None (default) for none.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure (or the figure holding ``axes``). It is not managed by
        ``pyplot``: end a notebook cell with it to display it once.

    Examples
    --------
    >>> import numpy as np
    >>> fig = show_slices(np.random.default_rng(0).random((8, 9, 4)), (4, 4, 2))
    >>> [ax.get_title() for ax in fig.axes]
    ['sagittal  i = 4', 'coronal  j = 4', 'axial  k = 2']
    """
    disp = as_display_data(data, label, affine)
    idx = check_indices(indices, disp.image.shape)
    if overlay not in _OVERLAYS:
        raise ValueError(f"overlay must be one of {_OVERLAYS}; got {overlay!r}")
    check_alpha(alpha)
    vmin, vmax = _limits(disp.image, vmin, vmax)
    if colorbar is not None and not isinstance(colorbar, str):
        raise TypeError(f"colorbar must be the colour bar's label (a str) or None; got {describe(colorbar)}")
    if axes is None:
        if figsize is None:
            has_legend = legend is not None and disp.label is not None
            figsize = static_figsize(disp.image.shape, disp.spacing, legend=has_legend, colorbar=colorbar is not None)
        fig = static_figure(figsize)
        widths, _ = layout_widths(disp.image.shape, disp.spacing)
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": widths})
    axes = check_axes(axes)
    for axis, ax in enumerate(axes):
        draw_panel(
            ax,
            disp.image,
            disp.label,
            disp.affine,
            disp.spacing,
            axis,
            idx[axis],
            vmin=vmin,
            vmax=vmax,
            cmap=cmap,
            overlay=overlay,
            alpha=alpha,
            crosshair_at=idx if crosshairs else None,
        )
    if legend is not None and disp.label is not None:
        add_legend(axes[2], legend)
    if colorbar is not None:
        axes[0].figure.colorbar(axes[2].images[0], ax=axes, shrink=0.8, pad=0.02, label=colorbar)
    if title is not None:
        axes[0].figure.suptitle(str(title), fontsize=10)
    return root_figure(axes[0])


def show_mid_slice(data: Any, **kwargs: Any) -> Figure:
    """Show the centre slice of each plane: :func:`show_slices` at the centre voxel.

    The corrected version of the blog's ``show_mid_slice`` (compare
    :func:`tutorial_utils.naive.display.show_mid_slice`). Keywords are those
    of :func:`show_slices`.

    Examples
    --------
    >>> import numpy as np
    >>> fig = show_mid_slice(np.zeros((4, 6, 8)), affine=np.diag([1.0, 1.0, 3.0, 1.0]))
    >>> fig.axes[0].get_aspect()  # a k voxel is 3 mm tall, a j voxel 1 mm wide
    3.0
    """
    return show_slices(data, None, **kwargs)


def show_comparison(items: Mapping[str, Any], indices: Any = None, **kwargs: Any) -> Figure:
    """One row of three planes per item, each row titled with its key: before/after figures.

    Parameters
    ----------
    items : mapping of str to Volume or array
        E.g. ``{"original": vol, "rotated 20°": rotated}``. Items may have
        different shapes and spacings (a crop, a resampling).
    indices : (3,) sequence of int, optional
        Voxel shown in every row (it must lie inside each item); default each
        item's own centre.
    **kwargs
        Passed to :func:`show_slices` for every row (``vmin``/``vmax`` shared
        limits make intensity changes visible; without them each row gets
        its own robust limits).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((6, 6, 6))
    >>> fig = show_comparison({"before": a, "after": a[1:5]})
    >>> [sf.get_suptitle() for sf in fig.subfigs]
    ['before', 'after']
    """
    if not isinstance(items, Mapping) or len(items) == 0:
        raise TypeError(f"items must be a non-empty dict of name -> Volume or array; got {describe(items)}")
    for name in ("axes", "title"):
        if name in kwargs:
            raise TypeError(f"show_comparison() sets {name} itself (one row per item); got {name}=...")
    rows = {
        str(key): as_display_data(value, kwargs.get("label"), kwargs.get("affine"), f"items[{key!r}]")
        for key, value in items.items()
    }
    legend, colorbar = kwargs.get("legend") is not None, kwargs.get("colorbar") is not None
    sizes = [
        static_figsize(d.image.shape, d.spacing, legend=legend and d.label is not None, colorbar=colorbar)
        for d in rows.values()
    ]
    figsize = kwargs.pop("figsize", None) or (sizes[0][0], sum(h + 0.25 for _, h in sizes))
    fig = static_figure(figsize)
    subfigs = fig.subfigures(len(rows), 1, squeeze=False)[:, 0]
    for subfig, (key, value) in zip(subfigs, items.items()):
        disp = rows[str(key)]
        widths, _ = layout_widths(disp.image.shape, disp.spacing)
        axes = subfig.subplots(1, 3, gridspec_kw={"width_ratios": widths})
        show_slices(value, indices, axes=axes, title=str(key), **kwargs)
    return fig


def _limits(image: Any, vmin: Any, vmax: Any) -> tuple[float, float]:
    for name, value in (("vmin", vmin), ("vmax", vmax)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            raise TypeError(f"{name} must be a number or None; got {describe(value)}")
    if vmin is None or vmax is None:
        low, high = intensity_range(image)
        vmin = low if vmin is None else vmin
        vmax = high if vmax is None else vmax
    if not float(vmax) > float(vmin):
        raise ValueError(f"vmax must be > vmin; got vmin={vmin}, vmax={vmax}")
    return float(vmin), float(vmax)
