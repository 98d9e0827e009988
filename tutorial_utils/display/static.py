"""Static figures: ``show_slices``, ``show_mid_slice``, ``show_comparison`` and the one-panel ``show_plane``.

These fix what the usual blog helper gets wrong for medical data: voxels are
drawn with their real aspect (from the spacing), each panel names its plane
and slice index, and orientation letters (from the affine) say where the
patient's left, front and top are. Labels are outlined in their colours by
default, so the image shows inside them; a legend names each colour in words
(:data:`~tutorial_utils.display.overlay.LABEL_COLOR_NAMES`).

The figures are plain :class:`matplotlib.figure.Figure` objects at 100 dpi
and 950 px wide, not registered with ``pyplot``: a notebook shows one when it
is the last value of a cell (exactly once), a script saves it with
``fig.savefig(path)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure

from .._checks import describe
from ._panels import (
    add_legend,
    check_axes,
    draw_panel,
    layout_widths,
    legend_height,
    legend_rows,
    root_figure,
    static_figsize,
    static_figure,
)
from ._static_parts import (
    check_colorbar,
    drawn_labels,
    figure_legend,
    panel_options,
    region_centre,
    shown_shape,
)
from .overlay import FILL_ALPHA, check_overlay, label_names, legend_entries
from .slicing import (
    as_display_data,
    check_indices,
    check_region,
)


def show_slices(
    data: Any,
    indices: Any = None,
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
    axes: Any = None,
    figsize: tuple[float, float] | None = None,
    crosshairs: bool = False,
    legend: Mapping[Any, Any] | None = None,
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
        Voxel ``(i, j, k)`` the three planes pass through; default the centre
        (of ``region`` when one is given).
    label : (I, J, K) integer array_like, optional
        Label map to overlay (default: the Volume's label). Label 0 is not drawn.
    affine : (4, 4) array_like, optional
        Voxel-to-world matrix for a bare array (overrides a Volume's).
    vmin, vmax : float, optional
        Intensities shown as black and white; default the 0.5th and 99.5th
        percentiles (so one hot voxel does not wash the image out).
    cmap : str or Colormap
        Colormap of the image.
    overlay : {"contour", "fill", None}
        Label outlines in their colours with the image visible inside
        (default), translucent label colours, or no overlay (to look at the
        image alone even though the Volume has a label).
    alpha : float
        Opacity of the ``"fill"`` overlay, in [0, 1]; default 0.35 (contours are opaque).
    convention : {None, "radiological", "neurological"}
        None (default) shows the array as stored, as the letters then say.
        ``"radiological"`` mirrors panels (exactly, no resampling) so the
        patient's right is on the screen's left and anterior is up in the
        axial panel, as CT is read; ``"neurological"`` puts the patient's
        right on the screen's right. Needs an affine (see
        :func:`~tutorial_utils.display.orientation.display_flips`).
    region : (start, size), optional
        Zoom: show only this voxel box (each an int or three ints, as in
        :func:`tutorial_utils.crop`), e.g. from
        :func:`~tutorial_utils.display.regions.difference_region`.
    title : str, optional
        Title above the three panels.
    axes : sequence of 3 Axes, optional
        Draw into these (sagittal, coronal, axial) instead of a new figure.
    figsize : (float, float), optional
        Size of a new figure in inches; default 9.5 in wide (950 px at the
        figures' 100 dpi), the height from the volume's physical size.
    crosshairs : bool
        Draw lines where the other two planes cut each panel.
    legend : mapping, optional
        Label names, ``{value: name}`` (e.g. :data:`tutorial_utils.MNI_LABELS`)
        or a ``dataset.json``'s ``{name: value}``: a legend under the panels
        lists every named label and every other label drawn, each with its
        colour in words ("2 grey matter (green)").
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
    options = panel_options(disp, overlay, alpha, convention, vmin, vmax, cmap)
    check_colorbar(colorbar)
    box = None if region is None else check_region(region, disp.image.shape)
    idx = check_indices(region_centre(box) if indices is None and box is not None else indices, disp.image.shape)
    entries = figure_legend(legend, disp, idx, options["overlay"])
    if axes is None:
        shape = disp.image.shape if box is None else box[1]
        if figsize is None:
            figsize = static_figsize(
                shape, disp.spacing, legend_rows=legend_rows(entries), colorbar=colorbar is not None
            )
        fig = static_figure(figsize)
        widths, _ = layout_widths(shape, disp.spacing)
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": widths})
    axes = check_axes(axes)
    for axis, ax in enumerate(axes):
        crosshair_at = idx if crosshairs else None
        draw_panel(ax, disp, axis, idx[axis], region=box, crosshair_at=crosshair_at, **options)
    if entries:
        add_legend(axes[0].figure, entries)
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
        item's own centre, or the centre of ``region``.
    **kwargs
        Passed to :func:`show_slices` for every row (``vmin``/``vmax`` shared
        limits make intensity changes visible; without them each row gets
        its own robust limits). ``region=(start, size)`` zooms every row into
        the same voxel box: where two results differ, e.g.
        ``region=difference_region(a.label, b.label)``. ``legend`` adds one
        legend under all rows.

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
    legend = kwargs.pop("legend", None)
    figsize = kwargs.pop("figsize", None)
    rows = {
        str(key): as_display_data(value, kwargs.get("label"), kwargs.get("affine"), f"items[{key!r}]")
        for key, value in items.items()
    }
    region = kwargs.get("region")
    boxes = {key: None if region is None else check_region(region, d.image.shape) for key, d in rows.items()}
    drawn: set[int] = set()
    if legend is not None:
        for key, disp in rows.items():
            centre = region_centre(boxes[key]) if indices is None and boxes[key] is not None else indices
            drawn |= drawn_labels(
                disp, check_indices(centre, disp.image.shape), check_overlay(kwargs.get("overlay", "contour"))
            )
    entries = [] if legend is None else legend_entries(label_names(legend), drawn)
    colorbar = kwargs.get("colorbar") is not None
    sizes = [static_figsize(shown_shape(d, boxes[k]), d.spacing, colorbar=colorbar) for k, d in rows.items()]
    if figsize is None:
        figsize = (sizes[0][0], round(sum(h + 0.25 for _, h in sizes) + legend_height(legend_rows(entries)), 2))
    fig = static_figure(figsize)
    subfigs = fig.subfigures(len(rows), 1, squeeze=False)[:, 0]
    for subfig, (key, value) in zip(subfigs, items.items()):
        disp = rows[str(key)]
        widths, _ = layout_widths(shown_shape(disp, boxes[str(key)]), disp.spacing)
        axes = subfig.subplots(1, 3, gridspec_kw={"width_ratios": widths})
        show_slices(value, indices, axes=axes, title=str(key), **kwargs)
    if entries:
        add_legend(fig, entries)
    return fig
