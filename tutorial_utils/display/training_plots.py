"""The loss curve of a training run: every batch, and a running mean that shows the trend."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from .._checks import describe
from .style import DPI, FIGURE_WIDTH


def show_training_curve(losses: Sequence[float], *, window: int = 10, title: str | None = None) -> Figure:
    """Plot the loss of every iteration and its running mean over ``window`` iterations.

    A single batch's loss jumps with the patches it holds; the mean of
    ``window`` consecutive losses shows whether training still improves.

    Parameters
    ----------
    losses : (N,) sequence of float
        The loss of each iteration, in order (``TrainResult.losses`` of
        :func:`tutorial_utils.nets.train`).
    window : int, default 10
        Iterations per running mean; no mean is drawn for fewer losses.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        950 px wide at 100 dpi.

    Examples
    --------
    >>> fig = show_training_curve([1.0, 0.8, 0.7, 0.5], window=2)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['each iteration', 'mean of 2']
    """
    values = np.asarray(losses, dtype=float)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"losses must be a non-empty 1D sequence of finite numbers; got {describe(losses)}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be an int >= 1; got {describe(window)}")
    figure = Figure(figsize=(FIGURE_WIDTH, 3.2), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    steps = np.arange(1, values.size + 1)
    axes.plot(steps, values, color="0.7", lw=1, label="each iteration")
    if values.size >= window:
        mean = np.convolve(values, np.ones(window) / window, mode="valid")
        axes.plot(steps[window - 1 :], mean, color="C0", lw=2, label=f"mean of {window}")
    axes.set(xlabel="iteration", ylabel="loss", title=title or "")
    axes.legend()
    return figure
