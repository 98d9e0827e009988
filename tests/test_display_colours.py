"""Label colours and their names: the words match what is drawn, the colours are told apart, the legend says them."""

from __future__ import annotations

import itertools

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from tutorial_utils import CT_PHANTOM_LABELS, MNI_LABELS, Volume, make_ct_phantom, show_comparison, show_slices
from tutorial_utils.display.overlay import (
    LABEL_COLOR_NAMES,
    LABEL_COLORS,
    color_name,
    label_names,
    legend_entries,
)

#: Basic colour words (Berlin and Kay's eleven, plus cyan and magenta, plus olive: what a reviewer saw in a
#: 40 % yellow fill), each at the colour that people gave that name in the xkcd colour survey (as shipped in
#: matplotlib): an independent reference for "what would a reader call this colour".
BASIC_WORDS = (
    "red",
    "orange",
    "yellow",
    "green",
    "cyan",
    "blue",
    "purple",
    "magenta",
    "pink",
    "brown",
    "grey",
    "white",
    "black",
    "olive",
)


def oklab(rgb) -> np.ndarray:
    """sRGB (0-255) to OKLab (Ottosson 2020), a space in which distances follow perceived differences."""
    c = np.asarray(rgb, float) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m1 = np.array(
        [
            [0.4122214708, 0.5363325363, 0.0514459929],
            [0.2119034982, 0.6806995451, 0.1073969566],
            [0.0883024619, 0.2817188376, 0.6299787005],
        ]
    )
    m2 = np.array(
        [
            [0.2104542553, 0.7936177850, -0.0040720468],
            [1.9779984951, -2.4285922050, 0.4505937099],
            [0.0259040371, 0.7827717662, -0.8086757660],
        ]
    )
    return np.cbrt(linear @ m1.T) @ m2.T


def survey_colour(word: str) -> np.ndarray:
    return np.array(mcolors.to_rgb(f"xkcd:{word}")) * 255


def test_the_palette_is_pinned():
    assert LABEL_COLORS.tolist() == [
        [255, 0, 0],
        [0, 200, 0],
        [30, 90, 255],
        [255, 255, 0],
        [0, 255, 255],
        [210, 0, 170],
        [255, 128, 0],
        [140, 40, 210],
        [140, 70, 0],
        [255, 130, 200],
    ]
    assert LABEL_COLOR_NAMES == (
        "red",
        "green",
        "blue",
        "yellow",
        "cyan",
        "magenta",
        "orange",
        "purple",
        "brown",
        "pink",
    )
    assert not LABEL_COLORS.flags.writeable


@pytest.mark.parametrize("row", range(len(LABEL_COLORS)), ids=LABEL_COLOR_NAMES)
def test_each_colour_name_is_the_nearest_basic_colour_word(row):
    references = {word: oklab(survey_colour(word)) for word in BASIC_WORDS}
    colour = oklab(LABEL_COLORS[row])
    distances = sorted((float(np.linalg.norm(colour - ref)), word) for word, ref in references.items())
    (best, word), (second, runner_up) = distances[:2]
    assert word == LABEL_COLOR_NAMES[row], f"{LABEL_COLORS[row].tolist()} reads as {word}, not {LABEL_COLOR_NAMES[row]}"
    assert second - best >= 0.03, f"{LABEL_COLOR_NAMES[row]} is nearly as close to {runner_up}"


def test_label_colours_are_told_apart_and_stand_out_from_grey():
    lab = oklab(LABEL_COLORS)
    for a, b in itertools.combinations(range(len(LABEL_COLORS)), 2):
        gap = np.linalg.norm(lab[a] - lab[b])
        assert gap >= 0.15, f"{LABEL_COLOR_NAMES[a]} and {LABEL_COLOR_NAMES[b]} are too close ({gap:.3f})"
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    assert chroma.min() >= 0.1  # no colour a thin outline could pass for a grey level


def test_color_name_follows_the_colour_rows():
    assert [color_name(v) for v in (1, 2, 3, 10, 11, 13)] == ["red", "green", "blue", "pink", "red", "blue"]


def test_legend_entries_name_every_label_and_its_colour():
    entries = legend_entries(label_names(CT_PHANTOM_LABELS), drawn=[0, 1, 4])
    assert [value for value, _ in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[3] == (4, "4 liver (yellow)")
    assert legend_entries({2: "grey matter"}, drawn=[3]) == [(2, "2 grey matter (green)"), (3, "3 unnamed (blue)")]


def test_label_names_accept_a_dataset_json_mapping_and_refuse_other_shapes():
    assert label_names({"background": 0, "liver": 4}) == {0: "background", 4: "liver"}
    assert label_names(MNI_LABELS) == MNI_LABELS
    with pytest.raises(TypeError, match="legend must map"):
        label_names(["liver"])
    with pytest.raises(TypeError, match="legend must map"):
        label_names({"kidney": [1, 2]})  # an nnU-Net region is not one colour


def test_the_legend_swatch_is_the_colour_of_the_drawn_contour():
    label = np.zeros((12, 12, 12), np.uint8)
    label[2:5, 2:5, 2:10] = 1
    label[6:10, 6:10, 2:10] = 4
    fig = show_slices(Volume(np.zeros(label.shape, np.float32), np.eye(4), label), (3, 7, 6), legend={1: "a", 4: "b"})
    swatches = {patch.get_label(): patch.get_facecolor()[:3] for patch in fig.legends[0].get_patches()}
    contours = [c for c in fig.axes[2].collections if c.get_edgecolor().size]
    drawn = {tuple(np.round(c.get_edgecolor()[0][:3], 6)) for c in contours}
    assert drawn == {tuple(np.round(swatch, 6)) for swatch in swatches.values()}
    assert set(swatches) == {"1 a (red)", "4 b (yellow)"}


def test_a_comparison_has_one_legend_for_all_rows():
    label = np.zeros((10, 10, 10), np.uint8)
    label[2:6, 2:6, 2:8] = 2
    other = label.copy()
    other[6:8, 6:8, 4:6] = 3
    items = {"a": Volume(np.zeros(label.shape, np.float32), np.eye(4), label), "b": Volume(np.zeros(label.shape, np.float32), np.eye(4), other)}  # fmt: skip
    fig = show_comparison(items, legend=MNI_LABELS)
    assert len(fig.legends) == 1 and all(not sub.legends for sub in fig.subfigs)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "1 other brain tissue / CSF (red)",
        "2 grey matter (green)",
        "3 white matter (blue)",
    ]


@pytest.mark.parametrize("convention", [None, "radiological"])
def test_the_legend_covers_no_panel_and_no_orientation_letter(convention):
    ct = make_ct_phantom(shape=(96, 80, 24), spacing=(1.25, 1.25, 2.5))
    fig = show_slices(ct, legend=CT_PHANTOM_LABELS, convention=convention)  # notebook 01's figure
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not legend.overlaps(ax.get_window_extent(renderer))
        for text in ax.texts:
            assert not legend.overlaps(text.get_window_extent(renderer)), f"legend covers {text.get_text()}"
    assert legend.y1 < min(ax.get_window_extent(renderer).y0 for ax in fig.axes)  # under the panels
