"""Every figure the display package returns is 100 dpi and about 950 px wide, as a notebook shows it.

A notebook displays a figure through IPython's ``print_figure`` (PNG at the
figure's own dpi, tight bounding box), so that is what is measured here, with
``rcParams["figure.dpi"]`` set to 72 as two notebooks did: the package's
figures must not depend on it.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest
from IPython.core.pylabtools import print_figure
from PIL import Image

import tutorial_utils as tu
from tutorial_utils.display import (
    compare_histograms,
    difference_region,
    plot_histogram,
    show_deformation_grid,
    show_displacement_magnitude,
    show_fingerprint,
    show_jacobian,
    use_notebook_style,
)


def shown_width(fig) -> int:
    """Width in pixels of the PNG a notebook shows for ``fig``."""
    return Image.open(io.BytesIO(print_figure(fig, "png"))).size[0]


def ct():
    return tu.make_ct_phantom(shape=(96, 80, 24), spacing=(1.25, 1.25, 2.5))


def fingerprint():
    rng = np.random.default_rng(0)
    read = pd.DataFrame({"case": [f"case_00{i}" for i in range(3)], "axcodes": ["RAS", "LAS", "LPS"]})
    return SimpleNamespace(
        read=read,
        spacings=np.array([[0.8, 0.8, 2.5], [0.7, 0.7, 1.0], [0.9, 0.9, 5.0]]),
        shapes=np.array([[512, 512, 100], [512, 512, 300], [512, 512, 60]]),
        median_spacing=np.array([0.8, 0.8, 2.5]),
        samples={name: rng.normal(60, 40, 500) for name in read["case"]},
    )


FIELD = tu.random_displacement_field((40, 40, 30), max_displacement=3.0, rng=0)

FIGURES = {
    "show_slices mni-like": lambda: tu.show_slices(tu.Volume(np.zeros((197, 233, 189), np.float32), np.eye(4))),
    "show_slices ct, legend, radiological": lambda: tu.show_slices(
        ct(), legend=tu.CT_PHANTOM_LABELS, convention="radiological"
    ),
    "show_slices with a colour bar": lambda: tu.show_slices(ct(), colorbar="HU"),
    "show_slices zoomed": lambda: tu.show_slices(ct(), region=((20, 20, 4), (32, 24, 12))),
    "show_mid_slice": lambda: tu.show_mid_slice(ct()),
    "show_comparison": lambda: tu.show_comparison({"a": ct(), "b": ct()}, legend=tu.CT_PHANTOM_LABELS),
    "show_plane axial": lambda: tu.show_plane(ct(), convention="radiological", legend=tu.CT_PHANTOM_LABELS),
    "show_plane one slice": lambda: tu.show_plane(tu.Volume(np.zeros((128, 128, 1), np.float32), np.eye(4))),
    "show_deformation_grid": lambda: show_deformation_grid(FIELD),
    "show_displacement_magnitude": lambda: show_displacement_magnitude(FIELD),
    "show_jacobian": lambda: show_jacobian(FIELD),
    "compare_histograms": lambda: compare_histograms(ct(), ct()),
    "plot_histogram": lambda: plot_histogram(ct()).figure,
    "show_fingerprint": lambda: show_fingerprint(fingerprint()),
}


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_is_about_950_px_wide_at_100_dpi(name):
    with matplotlib.rc_context({"figure.dpi": 72}):
        fig = FIGURES[name]()
        assert fig.dpi == 100
        assert 900 <= shown_width(fig) <= 1000


def test_the_live_views_draw_a_960_px_picture():
    volume = ct()
    assert tu.SliceViewer(volume).frame().shape[1] == 960
    assert tu.TransformExplorer(volume, lambda v, gain: v, gain=(1.0, 2.0, 1.0)).frame().shape[1] == 960


def test_use_notebook_style_sets_the_notebooks_own_figures_to_the_same_size():
    with matplotlib.rc_context({"figure.dpi": 72}):
        use_notebook_style()
        fig = matplotlib.figure.Figure()
        fig.add_subplot().plot([0, 1], [0, 1])
        assert fig.dpi == 100 and fig.get_size_inches()[0] == 9.5
        assert 900 <= shown_width(fig) <= 1000


# -- zooming into where two results differ ---------------------------------------------------------


def test_difference_region_finds_the_densest_differences():
    a = np.zeros((60, 50, 40), np.uint8)
    b = a.copy()
    b[5, 5, 5] = 1  # one stray voxel
    b[40:44, 30:33, 20:22] = 2  # a cluster of 24
    start, size = difference_region(a, b, size=16)
    assert size == (16, 16, 16)
    assert all(s <= lo and hi < s + n for s, n, lo, hi in zip(start, size, (40, 30, 20), (43, 32, 21)))
    assert not all(s <= 5 < s + n for s, n in zip(start, size))
    assert difference_region(a, b, size=(100, 8, 8))[1] == (60, 8, 8)  # clipped to the shape
    start, _ = difference_region(a[:, :, :10], b[:, :, :10], size=8)
    assert start[2] + 8 <= 10  # kept inside the volume


def test_difference_region_refuses_equal_or_mismatched_inputs():
    a = np.zeros((8, 8, 8))
    with pytest.raises(ValueError, match="equal"):
        difference_region(a, a.copy())
    with pytest.raises(ValueError, match="same shape"):
        difference_region(a, a[1:])
    with pytest.raises(TypeError, match="size must be"):
        difference_region(a, a + 1, size="big")


def test_a_comparison_zooms_every_row_into_the_region():
    volume = tu.make_ct_phantom(shape=(96, 80, 24), spacing=(1.25, 1.25, 2.5))
    coarse = tu.resample_to_spacing(volume, 5.0)  # as notebook 02: labels down, then back both ways
    nearest, onehot = (tu.resample_to_spacing(coarse, volume.spacing, label_mode=m) for m in ("nearest", "onehot"))
    region = difference_region(nearest.label, onehot.label, size=24)
    start, size = region
    fig = tu.show_comparison({"nearest": nearest, "one-hot": onehot}, region=region)
    centre = tuple(s + n // 2 for s, n in zip(start, size))
    for row in range(2):
        axial = fig.axes[3 * row + 2]
        assert axial.get_title() == f"axial  k = {centre[2]}"
        assert axial.get_xlim() == (start[0] - 0.5, start[0] + size[0] - 0.5)
        assert axial.get_ylim() == (start[1] - 0.5, start[1] + size[1] - 0.5)
    shown = [np.asarray(fig.axes[3 * row + 2].get_images()[0].get_array()) for row in range(2)]
    np.testing.assert_array_equal(shown[0], nearest.image[:, :, centre[2]].T)
    box = (slice(start[1], start[1] + size[1]), slice(start[0], start[0] + size[0]))
    assert (nearest.label[:, :, centre[2]].T[box] != onehot.label[:, :, centre[2]].T[box]).any()
    with pytest.raises(ValueError, match="region must lie inside"):
        tu.show_slices(volume, region=((90, 0, 0), 20))
    with pytest.raises(TypeError, match=r"region must be a voxel box \(start, size\)"):
        tu.show_slices(volume, region=5)
