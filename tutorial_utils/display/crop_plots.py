"""Draw a crop box on the three planes of a ``show_slices`` figure.

The panels of :func:`~tutorial_utils.show_slices` (and of
:class:`~tutorial_utils.TransformExplorer`) use voxel indices as data
coordinates: the sagittal panel shows ``(j, k)``, the coronal ``(i, k)`` and
the axial ``(i, j)`` (horizontal, vertical). Voxel centres sit on integer
coordinates, so a box covering voxels ``start .. start + size - 1`` spans
``start - 0.5`` to ``start + size - 0.5``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .._checks import as_triple, describe
from ..crop.ops import IntOrTriple

#: Array axes shown (horizontal, vertical) by the sagittal, coronal and axial panels.
PANEL_AXES = ((1, 2), (0, 2), (0, 1))


def _check_axes(axes: Any) -> tuple[Axes, Axes, Axes]:
    if isinstance(axes, np.ndarray):
        axes = list(axes.ravel())
    if not isinstance(axes, Sequence) or len(axes) != 3 or not all(isinstance(a, Axes) for a in axes):
        raise TypeError(f"axes must be 3 matplotlib Axes (sagittal, coronal, axial); got {describe(axes)}")
    return tuple(axes)  # type: ignore[return-value]


def draw_crop_box(
    axes: Sequence[Axes],
    start: IntOrTriple,
    size: IntOrTriple,
    *,
    indices: IntOrTriple | None = None,
    color: str = "yellow",
    linewidth: float = 1.5,
) -> list[Rectangle]:
    """Outline the crop box ``[start, start + size)`` on sagittal, coronal and axial axes.

    Parameters
    ----------
    axes : sequence of 3 matplotlib Axes
        Sagittal, coronal and axial panels whose data coordinates are voxel
        indices (as drawn by ``show_slices``).
    start, size : int or (3,) tuple of int
        The box, in voxels of the displayed volume.
    indices : int or (3,) tuple of int, optional
        The slice shown in each panel (``(i, j, k)``). Where a panel's slice
        does not cut the box, its outline is dashed: the box lies in front of
        or behind that plane.
    color : str
        Outline colour.
    linewidth : float
        Outline width in points.

    Returns
    -------
    list of matplotlib.patches.Rectangle
        The three outlines (remove them with ``artist.remove()``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, axs = plt.subplots(1, 3)
    >>> boxes = draw_crop_box(axs, (2, 3, 4), (5, 6, 7), indices=(0, 5, 5))
    >>> boxes[2].get_xy(), boxes[2].get_width(), boxes[0].get_linestyle()
    ((1.5, 2.5), 5, '--')
    >>> plt.close(fig)
    """
    panels = _check_axes(axes)
    start_t = as_triple(start, "start", positive=True, integer=True)
    size_t = as_triple(size, "size", positive=True, integer=True, allow_zero=False)
    index_t = None if indices is None else as_triple(indices, "indices", integer=True)
    boxes = []
    for plane, (ax, (h, v)) in enumerate(zip(panels, PANEL_AXES)):
        cuts = index_t is None or start_t[plane] <= index_t[plane] < start_t[plane] + size_t[plane]
        box = Rectangle(
            (start_t[h] - 0.5, start_t[v] - 0.5),
            size_t[h],
            size_t[v],
            fill=False,
            edgecolor=color,
            linewidth=linewidth,
            linestyle="-" if cuts else "--",
        )
        ax.add_patch(box)
        boxes.append(box)
    return boxes


def crop_box_annotator(
    box: Callable[[Mapping[str, Any]], tuple[IntOrTriple, IntOrTriple]],
    *,
    row: str = "before",
    **style: Any,
) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list[Rectangle]]:
    """Make a ``TransformExplorer`` ``annotate`` callback drawing a crop box.

    Parameters
    ----------
    box : callable
        ``box(values) -> (start, size)`` from the explorer's current slider
        values.
    row : {"before", "after"}
        Which row of the explorer gets the box (the crop's input is "before").
    **style
        Passed to :func:`draw_crop_box` (``color``, ``linewidth``).

    Returns
    -------
    callable
        ``annotate(axes, values)`` as ``TransformExplorer`` calls it, where
        ``axes[row]`` holds the sagittal, coronal and axial Axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, axs = plt.subplots(1, 3)
    >>> annotate = crop_box_annotator(lambda v: ((v["i"], 0, 0), 4))
    >>> len(annotate({"before": axs, "after": axs, "histogram": None}, {"i": 3}))
    3
    >>> plt.close(fig)
    """
    if not callable(box):
        raise TypeError(f"box must be a callable values -> (start, size); got {describe(box)}")
    if row not in ("before", "after"):
        raise ValueError(f'row must be "before" or "after"; got {row!r}')

    def annotate(axes: Mapping[str, Any], values: Mapping[str, Any]) -> list[Rectangle]:
        start, size = box(values)
        return draw_crop_box(axes[row], start, size, **style)

    return annotate


__all__ = ["PANEL_AXES", "crop_box_annotator", "draw_crop_box"]
