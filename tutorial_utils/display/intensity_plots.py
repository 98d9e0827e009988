"""Intensity histograms with a log count axis, and clip or window limits drawn on them.

A medical volume is mostly background, so a linear count axis shows one huge
bar and nothing else; a log axis shows the tissue peaks and the thin tails
that clipping removes.

Also the small pieces that turn :class:`~tutorial_utils.TransformExplorer` into a
live window/level or percentile view: :func:`window_hu`, :func:`window_annotator`,
:func:`percentile_annotator`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._checks import check_array_3d, check_finite, describe
from ..intensity.ops import CT_WINDOWS, clip_range, percentile_bounds, window_limits
from ..volume import Volume
from .style import DPI, FIGURE_WIDTH

Limits = Union[Mapping[str, float], Sequence[float], None]  # noqa: UP007 (a runtime alias)

_LIMIT_COLORS = ("tab:red", "tab:orange", "tab:green", "tab:purple")


def _values(data: Any, mask: np.ndarray | None, name: str) -> np.ndarray:
    image = data.image if isinstance(data, Volume) else check_array_3d(data, name)
    check_finite(image, name)
    if mask is None:
        return image.ravel()
    mask = np.asarray(mask)
    if mask.dtype != np.bool_ or mask.shape != image.shape:
        raise ValueError(f"mask must be a boolean array of shape {image.shape}; got {describe(mask)}")
    return image[mask]


def _bin_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """``bins`` equal bins from min to max; for integer-valued data, whole integers per bin.

    Integer data (CT in HU, 8-bit MRI) binned with fractional widths gives
    some bins one integer more than others: a comb of spikes that is not in
    the data.
    """
    if isinstance(bins, (bool, np.bool_)) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be an int >= 1; got {describe(bins)}")
    low, high = float(values.min()), float(values.max())
    if np.array_equal(values, np.rint(values)):
        step = max(1, int(np.ceil((high - low + 1) / bins)))
        return low - 0.5 + step * np.arange(int((high - low) // step) + 2)
    return np.linspace(low, high if high > low else low + 1.0, bins + 1)


def draw_limits(ax: Axes, limits: Limits, *, linestyle: str = "--") -> list:
    """Draw vertical lines at ``limits`` (e.g. a window's ends) on a histogram.

    Parameters
    ----------
    ax : matplotlib Axes
    limits : mapping of label -> value, sequence of values, or None
        With a mapping, each line is labelled ``"label = value"`` along it.
    linestyle : str

    Returns
    -------
    list of matplotlib artists
        The lines and their labels, so a caller can remove them before redrawing.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> len(draw_limits(ax, {"low": -160.0, "high": 240.0}))
    4
    """
    if limits is None:
        return []
    items = list(limits.items()) if isinstance(limits, Mapping) else [(None, v) for v in limits]
    artists = []
    for index, (name, value) in enumerate(items):
        color = _LIMIT_COLORS[index % len(_LIMIT_COLORS)]
        value = float(value)
        artists.append(ax.axvline(value, color=color, linestyle=linestyle, linewidth=1.2))
        if name is not None:
            artists.append(
                ax.text(
                    value,
                    0.97,
                    f"{name} = {value:.4g} ",
                    transform=ax.get_xaxis_transform(),
                    rotation=90,
                    ha="right",
                    va="top",
                    fontsize=7,
                    color=color,
                )
            )
    return artists


def limits_annotator(
    limits: Callable[[Mapping[str, Any]], Limits],
) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list]:
    """Make a ``TransformExplorer`` ``annotate`` callback drawing limits on its histogram.

    Parameters
    ----------
    limits : callable
        ``limits(values)`` -> mapping or sequence of x positions, from the
        explorer's current slider values.

    Returns
    -------
    callable
        ``annotate(axes, values)``; draws nothing when the explorer has no
        histogram (``histogram=False``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> annotate = limits_annotator(lambda values: {"low": values["low"]})
    >>> len(annotate({"histogram": ax}, {"low": 2.0}))
    2
    """
    if not callable(limits):
        raise TypeError(f"limits must be callable as limits(values); got {describe(limits)}")

    def annotate(axes: Mapping[str, Any], values: Mapping[str, Any]) -> list:
        ax = axes.get("histogram")
        return [] if ax is None else draw_limits(ax, limits(values))

    return annotate


#: Dropdown choices for :func:`window_hu`: ``"custom"`` (use the level and
#: width sliders) and every :data:`~tutorial_utils.CT_WINDOWS` preset.
WINDOW_CHOICES: list[str] = ["custom", *CT_WINDOWS]


def resolve_window(preset: str = "custom", level: float = 40.0, width: float = 400.0) -> tuple[float, float]:
    """``(level, width)`` of a preset, or the given ones when ``preset == "custom"``.

    Examples
    --------
    >>> resolve_window("lung", 0, 1), resolve_window("custom", 0, 1)
    ((-600, 1500), (0, 1))
    """
    if preset == "custom":
        return level, width
    if preset not in CT_WINDOWS:
        raise ValueError(f"preset must be one of {WINDOW_CHOICES}; got {preset!r}")
    return CT_WINDOWS[preset]


def window_hu(volume: Volume, preset: str = "custom", level: float = 40.0, width: float = 400.0) -> Volume:
    """Clip a CT ``Volume`` to a window but keep HU: a preview for ``TransformExplorer``.

    Displayed in grey, the result looks exactly like :func:`window`'s [0, 1]
    output, but its histogram stays in HU, so it shares the x axis with the
    input's histogram. For a training pipeline use
    :func:`~tutorial_utils.window_volume`.

    Parameters
    ----------
    volume : Volume
        CT in HU.
    preset : str
        One of :data:`WINDOW_CHOICES`; ``"custom"`` uses ``level`` and ``width``.
    level, width : float
        The window when ``preset == "custom"``.

    Examples
    --------
    >>> from tutorial_utils import make_ct_phantom
    >>> ct = make_ct_phantom(shape=(32, 32, 16))
    >>> out = window_hu(ct, "brain")
    >>> float(out.image.min()), float(out.image.max())
    (0.0, 80.0)
    """
    if not isinstance(volume, Volume):
        raise TypeError(f"volume must be a Volume; got {describe(volume)}")
    low, high = window_limits(*resolve_window(preset, level, width))
    return volume.replace(image=clip_range(volume.image, low, high))


def window_annotator() -> Callable[[Mapping[str, Any], Mapping[str, Any]], list]:
    """``annotate`` callback drawing the window's ends for explorers of :func:`window_hu`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> len(window_annotator()({"histogram": ax}, {"preset": "brain", "level": 0, "width": 1}))
    4
    """

    def limits(values: Mapping[str, Any]) -> dict[str, float]:
        low, high = window_limits(*resolve_window(values["preset"], values["level"], values["width"]))
        return {"L - W/2": low, "L + W/2": high}

    return limits_annotator(limits)


def percentile_annotator(
    data: Volume | np.ndarray, mask: Any = None
) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list]:
    """``annotate`` callback drawing the ``lower`` and ``upper`` percentiles of ``data``.

    For explorers whose sliders are named ``lower`` and ``upper`` (see
    :func:`~tutorial_utils.percentile_bounds` for ``mask``).

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> a = np.arange(27.0).reshape(3, 3, 3)
    >>> len(percentile_annotator(a)({"histogram": ax}, {"lower": 1.0, "upper": 99.0}))
    4
    """
    image = data.image if isinstance(data, Volume) else data

    def limits(values: Mapping[str, Any]) -> dict[str, float]:
        low, high = percentile_bounds(image, values["lower"], values["upper"], mask=mask)
        return {f"p{values['lower']:g}": low, f"p{values['upper']:g}": high}

    return limits_annotator(limits)


def plot_histogram(
    data: Volume | np.ndarray,
    *,
    ax: Axes | None = None,
    bins: int = 128,
    mask: np.ndarray | None = None,
    limits: Limits = None,
    title: str | None = None,
    xlabel: str = "intensity",
    color: str = "tab:blue",
) -> Axes:
    """Histogram of a volume's intensities with a log count axis.

    Parameters
    ----------
    data : Volume or (I, J, K) ndarray
    ax : matplotlib Axes, optional
        Where to draw; when None, a new ``pyplot`` figure 950 px wide at
        100 dpi (a notebook shows it at the end of the cell).
    bins : int
        Number of equal-width bins between the minimum and the maximum
        (for integer-valued data, at most that many, each a whole number of
        integers wide, so no comb of empty bins appears).
    mask : (I, J, K) bool ndarray, optional
        Only these voxels (e.g. ``label > 0`` to leave the background out).
    limits : mapping of label -> value, sequence of values, or None
        Vertical lines, e.g. ``{"low": lo, "high": hi}`` (see :func:`draw_limits`).
    title, xlabel, color : str

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> ax = plot_histogram(np.arange(27.0).reshape(3, 3, 3), limits=[2.0, 20.0])
    >>> ax.get_yscale()
    'log'
    """
    values = _values(data, mask, "data")
    if ax is None:
        _, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.2), dpi=DPI, layout="constrained")
    ax.hist(values, bins=_bin_edges(values, bins), color=color, log=True, histtype="stepfilled")
    draw_limits(ax, limits)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("voxels (log)")
    if title is not None:
        ax.set_title(title)
    return ax


def compare_histograms(
    before: Volume | np.ndarray,
    after: Volume | np.ndarray,
    *,
    limits_before: Limits = None,
    limits_after: Limits = None,
    titles: tuple[str, str] = ("before", "after"),
    xlabels: tuple[str, str] = ("intensity", "intensity"),
    bins: int = 128,
    mask: np.ndarray | None = None,
    sharey: bool = True,
    sharex: bool = False,
    figsize: tuple[float, float] = (FIGURE_WIDTH, 3.2),
) -> Figure:
    """Before and after histograms side by side (log counts), limits drawn on each.

    Typical use: the HU histogram with the window's ends on the left, the
    windowed [0, 1] histogram on the right. Both count the same voxels, so by
    default they share the count axis: a peak that is taller on the right
    really holds more voxels (clipping piles the tail into the end bins).
    The figure is not registered with
    pyplot (like :func:`~tutorial_utils.show_comparison`): a notebook shows it
    once, as the cell's value.

    Parameters
    ----------
    before, after : Volume or (I, J, K) ndarray
    limits_before, limits_after : mapping, sequence or None
        Vertical lines on each panel (see :func:`draw_limits`).
    titles, xlabels : (str, str)
    bins : int
    mask : (I, J, K) bool ndarray, optional
        Only these voxels, in both panels.
    sharey : bool, default True
        One count axis for both panels (its labels on the left one only).
    sharex : bool, default False
        One intensity axis for both panels: for a step that keeps the units
        (clipping, noise), not for one that maps HU to [0, 1].
    figsize : (float, float)
        Inches; the default is 950 px wide at ``figure.dpi = 100``, like
        :func:`~tutorial_utils.show_slices`.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(27.0).reshape(3, 3, 3)
    >>> fig = compare_histograms(a, a / 26.0, limits_before=[2.0])
    >>> len(fig.axes), fig.axes[1].get_ylim() == fig.axes[0].get_ylim()
    (2, True)
    """
    for name, value in (("sharey", sharey), ("sharex", sharex)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False; got {describe(value)}")
    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    axes = fig.subplots(1, 2, sharey=bool(sharey), sharex=bool(sharex))
    plot_histogram(before, ax=axes[0], bins=bins, mask=mask, limits=limits_before, title=titles[0], xlabel=xlabels[0])
    plot_histogram(
        after,
        ax=axes[1],
        bins=bins,
        mask=mask,
        limits=limits_after,
        title=titles[1],
        xlabel=xlabels[1],
        color="tab:gray",
    )
    if sharey:
        axes[1].set_ylabel("")
        axes[1].tick_params(labelleft=False)
    return fig


__all__ = [
    "WINDOW_CHOICES",
    "compare_histograms",
    "draw_limits",
    "limits_annotator",
    "percentile_annotator",
    "plot_histogram",
    "resolve_window",
    "window_annotator",
    "window_hu",
]
