"""Checked options and small computations shared by the static figures (``static``, ``plane``).

No drawing: intensity limits, the overlay and convention options a panel is
drawn with, the zoom region's centre and the legend entries of a figure.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._checks import describe
from .orientation import check_convention
from .overlay import check_alpha, check_overlay, intensity_range, label_names, legend_entries
from .slicing import PLANES, DisplayData, plane_slice

Box = tuple[tuple[int, ...], tuple[int, ...]]


def panel_options(
    disp: DisplayData, overlay: Any, alpha: Any, convention: Any, vmin: Any, vmax: Any, cmap: Any
) -> dict[str, Any]:
    """The checked drawing options of a panel (see ``draw_panel``)."""
    low, high = intensity_limits(disp.image, vmin, vmax)
    return {
        "vmin": low,
        "vmax": high,
        "cmap": cmap,
        "overlay": check_overlay(overlay),
        "alpha": check_alpha(alpha),
        "convention": check_convention(convention, disp.affine),
    }


def check_colorbar(colorbar: Any) -> None:
    if colorbar is not None and not isinstance(colorbar, str):
        raise TypeError(f"colorbar must be the colour bar's label (a str) or None; got {describe(colorbar)}")


def check_plane(plane: Any) -> int:
    if isinstance(plane, str) and plane in PLANES:
        return PLANES.index(plane)
    if isinstance(plane, numbers.Integral) and not isinstance(plane, bool) and 0 <= int(plane) < 3:
        return int(plane)
    raise ValueError(f"plane must be one of {PLANES} or an axis 0, 1, 2; got {plane!r}")


def drawn_labels(disp: DisplayData, idx: tuple[int, int, int], overlay: str | None, axes: Any = (0, 1, 2)) -> set[int]:
    """Label values drawn in the panels ``axes`` through ``idx`` (none without a label or an overlay)."""
    if disp.label is None or overlay is None:
        return set()
    return {int(v) for axis in axes for v in np.unique(plane_slice(disp.label, axis, idx[axis]))}


def figure_legend(
    legend: Any, disp: DisplayData, idx: tuple[int, int, int], overlay: str | None, axes: Any = (0, 1, 2)
) -> list[tuple[int, str]]:
    """Legend entries of a figure: none without names or without a drawn label map."""
    if legend is None:
        return []
    names = label_names(legend)
    if disp.label is None or overlay is None:
        return []
    return legend_entries(names, drawn_labels(disp, idx, overlay, axes))


def shown_shape(disp: DisplayData, box: Box | None) -> tuple[int, ...]:
    return disp.image.shape if box is None else box[1]


def region_centre(box: Box) -> tuple[int, int, int]:
    start, size = box
    return tuple(int(s + n // 2) for s, n in zip(start, size))  # type: ignore[return-value]


def intensity_limits(image: Any, vmin: Any, vmax: Any) -> tuple[float, float]:
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
