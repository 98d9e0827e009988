"""Figures of a dataset fingerprint: spacings, slice counts, foreground intensities per case."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .._checks import describe
from .style import DPI, FIGURE_WIDTH

#: Marker and colour per orientation in the spacing scatter.
_ORIENTATION_STYLE = {"RAS": ("o", "tab:blue"), "LAS": ("s", "tab:orange"), "LPS": ("^", "tab:green")}


def show_fingerprint(fingerprint: Any, *, hu_range: tuple[float, float] = (-1100.0, 2400.0)) -> Figure:
    """Three panels: in-plane vs slice spacing (by orientation), slices per case, foreground histograms per case.

    Parameters
    ----------
    fingerprint : DatasetFingerprint
        From :func:`tutorial_utils.fingerprint_dataset`.
    hu_range : (float, float)
        Intensity range of the histograms.

    Returns
    -------
    matplotlib.figure.Figure
        About 950 px wide at 100 dpi.
    """
    if not hasattr(fingerprint, "read") or not hasattr(fingerprint, "samples"):
        raise TypeError(f"fingerprint must be a DatasetFingerprint; got {describe(fingerprint)}")
    read = fingerprint.read
    spacings, shapes = fingerprint.spacings, fingerprint.shapes
    fig = Figure(figsize=(FIGURE_WIDTH, 3.3), dpi=DPI, layout="constrained")
    scatter, slices, histograms = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.0, 1.0, 1.4]})

    for code in sorted(set(read["axcodes"])):
        chosen = (read["axcodes"] == code).to_numpy()
        marker, color = _ORIENTATION_STYLE.get(code, ("x", "tab:gray"))
        scatter.scatter(
            spacings[chosen, :2].mean(axis=1), spacings[chosen, 2], marker=marker, color=color, label=code, s=36
        )
    median = fingerprint.median_spacing
    scatter.axvline(np.mean(median[:2]), color="0.5", linestyle=":", linewidth=1)
    scatter.axhline(median[2], color="0.5", linestyle=":", linewidth=1)
    scatter.set(xlabel="in-plane spacing (mm)", ylabel="slice spacing (mm)", title="Spacing (dotted: median)")
    scatter.legend(title="orientation", fontsize=8, title_fontsize=8)

    positions = np.arange(len(read))
    slices.bar(positions, shapes[:, 2], color="tab:blue")
    slices.set_xticks(positions, [name.removeprefix("case_") for name in read["case"]], rotation=90, fontsize=7)
    slices.set(xlabel="case", ylabel="slices (z, RAS)", title="Slices per case")

    bins = np.linspace(*hu_range, 141)
    for name in read["case"]:
        histograms.hist(fingerprint.samples[name], bins=bins, histtype="step", linewidth=0.9, density=True)
    histograms.set_yscale("log")
    histograms.set(
        xlabel="foreground intensity (stored value, HU)",
        ylabel="density (log)",
        title="Foreground intensities, one line per case",
    )
    return fig
