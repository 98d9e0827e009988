"""The before/after intensity histogram of :class:`~tutorial_utils.display.explorer.TransformExplorer`.

Built once as two ``stairs`` artists on a log scale; each update only
recomputes the counts (on a strided subsample of big volumes, counts scaled
back) and moves the artists, so dragging a slider stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

BINS = 100
#: Histograms of bigger volumes use a strided subsample (counts rescaled).
MAX_SAMPLES = 1 << 21
#: Empty bins are drawn at this count, which the log scale can show.
FLOOR = 0.8


class BeforeAfterHistogram:
    """Histograms of several images on shared bins, one ``stairs`` artist per row.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> hist = BeforeAfterHistogram(Figure().add_subplot(), {"before": "0.35", "after": "tab:orange"})
    >>> hist.update({"before": np.zeros((2, 2, 2)), "after": np.ones((2, 2, 2))})
    >>> float(hist.stairs["after"].get_data()[0].max())  # the eight voxels of value 1
    8.0
    """

    def __init__(self, ax: Axes, colors: Mapping[str, str]) -> None:
        self.ax = ax
        ax.set_yscale("log")
        ax.set_xlabel("intensity", fontsize=8, labelpad=1)
        ax.set_ylabel("voxels", fontsize=8)
        ax.tick_params(labelsize=7)
        edges = np.linspace(0.0, 1.0, BINS + 1)
        self.stairs = {
            row: ax.stairs(np.ones(BINS), edges, baseline=FLOOR, label=row, color=color)
            for row, color in colors.items()
        }
        ax.legend(fontsize=7, loc="upper right")

    def update(self, images: Mapping[str, np.ndarray]) -> None:
        """Recount every image (keys as ``colors``) on bins spanning all of them."""
        low = min(float(im.min()) for im in images.values())
        high = max(float(im.max()) for im in images.values())
        high = high if high > low else low + 1.0
        edges = np.linspace(low, high, BINS + 1)
        top = 1.0
        for row, image in images.items():
            counts = _counts(image.reshape(-1), edges)
            self.stairs[row].set_data(np.maximum(counts, FLOOR), edges)
            top = max(top, float(counts.max()))
        self.ax.set_xlim(low, high)
        self.ax.set_ylim(FLOOR, top * 2)


def _counts(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    step = max(1, values.size // MAX_SAMPLES)
    return np.histogram(values[::step], bins=edges)[0] * float(step)
