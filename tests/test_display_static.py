"""Static three-plane figures, and the naive blog version they replace."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from tutorial_utils import Volume, show_comparison, show_mid_slice, show_slices
from tutorial_utils.display.orientation import orientation_labels
from tutorial_utils.display.overlay import LABEL_COLORS
from tutorial_utils.naive.display import show_mid_slice as naive_show_mid_slice

LAS = np.diag([-2.0, 2.0, 2.2, 1.0])


@pytest.fixture
def volume():
    rng = np.random.default_rng(0)
    image = rng.normal(size=(8, 6, 5)).astype(np.float32)
    label = np.zeros((8, 6, 5), np.uint8)
    label[2:5, 1:4, 1:4] = 2
    return Volume(image, LAS, label)


def images(ax):
    return ax.get_images()


def letters(ax):
    return {text.get_text() for text in ax.texts}


def test_each_panel_shows_the_transposed_slice_with_origin_lower(volume):
    fig = show_slices(volume, (3, 2, 1))
    sag, cor, axi = fig.axes[:3]
    np.testing.assert_array_equal(images(sag)[0].get_array(), volume.image[3, :, :].T)
    np.testing.assert_array_equal(images(cor)[0].get_array(), volume.image[:, 2, :].T)
    np.testing.assert_array_equal(images(axi)[0].get_array(), volume.image[:, :, 1].T)
    assert all(images(ax)[0].origin == "lower" for ax in (sag, cor, axi))
    assert images(axi)[0].get_extent() == [-0.5, 7.5, -0.5, 5.5]  # data coordinates = voxel indices
    assert [ax.get_title() for ax in (sag, cor, axi)] == ["sagittal  i = 3", "coronal  j = 2", "axial  k = 1"]


def test_aspect_follows_the_voxel_spacing(volume):
    fig = show_slices(volume)
    assert [ax.get_aspect() for ax in fig.axes[:3]] == pytest.approx([1.1, 1.1, 1.0])


def test_orientation_letters_come_from_the_affine(volume):
    fig = show_slices(volume)
    for axis, ax in enumerate(fig.axes[:3]):
        assert letters(ax) == set(orientation_labels(LAS, axis).values())
    assert {"R", "L", "A", "P"} == letters(fig.axes[2])


def test_a_bare_array_has_no_letters_unless_an_affine_is_given(volume):
    assert all(letters(ax) == set() for ax in show_slices(volume.image).axes)
    assert letters(show_slices(volume.image, affine=LAS).axes[2]) == {"R", "L", "A", "P"}
    assert show_slices(volume.image).axes[0].get_aspect() == 1.0


def test_fill_overlay_is_transparent_outside_the_labels(volume):
    fig = show_slices(volume, (3, 2, 2), overlay="fill", alpha=0.5)
    base, overlay = images(fig.axes[2])
    rgba = overlay.get_array()
    label_2d = volume.label[:, :, 2].T
    assert (rgba[..., 3][label_2d == 0] == 0).all()
    assert (rgba[..., 3][label_2d != 0] == 128).all()


def test_fill_overlay_is_at_most_35_percent_opaque_by_default(volume):
    rgba = images(show_slices(volume, (3, 2, 2), overlay="fill").axes[2])[1].get_array()
    assert rgba[..., 3].max() == round(0.35 * 255)


def test_contours_are_the_default_overlay(volume):
    ax = show_slices(volume, (3, 2, 2)).axes[2]
    assert len(images(ax)) == 1  # no colour layer over the image
    contours = [child for child in ax.get_children() if isinstance(child, ContourSet)]
    assert len(contours) == 1 and contours[0].get_edgecolor()[0][:3] == pytest.approx(LABEL_COLORS[1] / 255)


def test_in_contour_mode_the_image_shows_inside_a_label_and_its_colour_on_the_boundary():
    image = np.full((40, 40, 3), 0.5, np.float32)
    label = np.zeros(image.shape, np.uint8)
    label[10:30, 10:30] = 4  # yellow
    fig = show_slices(Volume(image, np.eye(4), label), vmin=0.0, vmax=1.0)
    renderer = drawn(fig)
    pixels = np.asarray(renderer.buffer_rgba())[..., :3].astype(int)
    ax = fig.axes[2]  # axial: i across, j up

    def distance(i, j, color):
        """Smallest colour difference to ``color`` within one screen pixel of voxel point (i, j)."""
        x, y = ax.transData.transform((i, j))
        row, col = int(round(pixels.shape[0] - y)), int(round(x))
        return np.abs(pixels[row - 1 : row + 2, col - 1 : col + 2] - np.asarray(color, int)).max(-1).min()

    grey = (128, 128, 128)
    assert distance(20, 20, grey) <= 1 and distance(15, 25, grey) <= 1  # inside: the image's grey, untouched
    assert distance(5, 5, grey) <= 1  # outside: the image
    for edge in ((9.5, 20), (20, 29.5), (29.5, 12)):  # on the boundary: the label's colour (yellow, antialiased)
        assert distance(*edge, LABEL_COLORS[3]) <= 40  # the grey is 128 away
    assert distance(20, 20, LABEL_COLORS[3]) > 100


def test_overlay_none_shows_the_image_alone(volume):
    ax = show_slices(volume, overlay=None).axes[2]
    assert len(images(ax)) == 1
    assert not any(isinstance(child, ContourSet) for child in ax.get_children())


def test_limits_default_to_robust_percentiles_and_can_be_set(volume):
    fig = show_slices(volume)
    low, high = images(fig.axes[0])[0].get_clim()
    assert low == pytest.approx(np.percentile(volume.image, 0.5), rel=1e-5)
    assert high == pytest.approx(np.percentile(volume.image, 99.5), rel=1e-5)
    assert images(show_slices(volume, vmin=-1, vmax=1).axes[1])[0].get_clim() == (-1.0, 1.0)


def test_figures_are_not_registered_with_pyplot(volume):
    fig = show_slices(volume)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []  # so a notebook shows the returned figure once, not twice


def test_drawing_into_existing_axes(volume):
    fig, axes = plt.subplots(1, 3)
    assert show_slices(volume, axes=axes, title="mine") is fig
    assert fig.get_suptitle() == "mine"
    with pytest.raises(ValueError, match="axes must hold 3 Axes"):
        show_slices(volume, axes=axes[:2])
    with pytest.raises(TypeError, match="axes must"):
        show_slices(volume, axes="abc")


def test_legend_names_each_label_and_its_colour_in_words(volume):
    fig = show_slices(volume, legend={0: "background", 2: "tumour", 5: "bone"})
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["2 tumour (green)", "5 bone (cyan)"]
    swatches = [patch.get_facecolor()[:3] for patch in legend.get_patches()]
    assert swatches == [pytest.approx(LABEL_COLORS[1] / 255), pytest.approx(LABEL_COLORS[4] / 255)]
    # a dataset.json's {name: value} works too; a label drawn but not named still gets an entry
    fig = show_slices(volume, legend={"background": 0})
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["2 unnamed (green)"]
    assert show_slices(volume).legends == [] and show_slices(volume, legend={2: "x"}, overlay=None).legends == []
    with pytest.raises(TypeError, match="legend must map"):
        show_slices(volume, legend={2.5: "x"})


def test_bad_arguments_name_the_parameter(volume):
    with pytest.raises(ValueError, match="alpha must be in"):
        show_slices(volume.image, alpha=2.0)
    with pytest.raises(ValueError, match="overlay must be one of"):
        show_slices(volume, overlay="outline")
    with pytest.raises(ValueError, match="vmax must be > vmin"):
        show_slices(volume, vmin=2.0, vmax=1.0)
    with pytest.raises(TypeError, match="vmin must be a number"):
        show_slices(volume, vmin="low")
    with pytest.raises(ValueError, match=r"indices\[0\]"):
        show_slices(volume, (8, 0, 0))


def test_read_only_input_is_not_modified(volume):
    image = volume.image.copy()
    image.setflags(write=False)
    show_slices(image, label=volume.label)
    np.testing.assert_array_equal(image, volume.image)


def test_show_mid_slice_uses_the_centre_voxel(volume):
    fig = show_mid_slice(volume, overlay="contour")
    assert [ax.get_title() for ax in fig.axes[:3]] == ["sagittal  i = 4", "coronal  j = 3", "axial  k = 2"]


def test_show_comparison_draws_one_titled_row_per_item(volume):
    cropped = volume.image[2:6]
    fig = show_comparison({"before": volume, "cropped": cropped})
    assert [sf.get_suptitle() for sf in fig.subfigs] == ["before", "cropped"]
    assert len(fig.axes) == 6
    np.testing.assert_array_equal(images(fig.axes[5])[0].get_array(), cropped[:, :, 2].T)
    with pytest.raises(TypeError, match="items must be a non-empty dict"):
        show_comparison({})
    with pytest.raises(TypeError, match="sets title itself"):
        show_comparison({"a": volume}, title="x")


# -- the naive blog version --------------------------------------------------------------------


def test_naive_show_mid_slice_draws_square_voxels_without_orientation(volume):
    fig = naive_show_mid_slice(volume.image)
    axes = fig.axes
    assert [ax.get_aspect() for ax in axes] == [1.0, 1.0, 1.0]  # the 2.2 mm voxels come out square
    assert [ax.get_aspect() for ax in show_mid_slice(volume).axes[:3]] == pytest.approx([1.1, 1.1, 1.0])
    assert all(letters(ax) == set() for ax in axes)  # nobody can tell left from right
    assert all(ax.get_title() == "" for ax in axes)


def test_naive_middle_is_one_below_the_centre_for_even_sizes(volume):
    fig = naive_show_mid_slice(volume.image)
    np.testing.assert_array_equal(images(fig.axes[0])[0].get_array(), volume.image[3, :, :].T)  # 8 -> 3, not 4


# -- readable at a notebook's width --------------------------------------------------------------


def drawn(fig, dpi=100):
    """Lay ``fig`` out and draw it as a notebook would; return its renderer."""
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


@pytest.mark.parametrize(
    ("shape", "spacing"),
    [((128, 96, 24), (2.0, 2.0, 2.2)), ((197, 233, 189), (1.0, 1.0, 1.0)), ((288, 224, 64), (1.25, 1.25, 2.5))],
    ids=["epi", "mni", "ct"],
)
def test_a_three_panel_figure_is_about_950_px_wide_at_100_dpi(shape, spacing):
    volume = Volume(np.zeros(shape, np.float32), np.diag([*spacing, 1.0]))
    fig = show_slices(volume)
    renderer = drawn(fig)
    width = fig.get_tightbbox(renderer).width * 100  # what a notebook shows (bbox_inches="tight")
    assert 900 <= width <= 1000
    assert fig.get_size_inches()[1] <= 5.0


def test_orientation_letters_lie_outside_the_image_and_clear_of_the_tick_labels(volume):
    fig = show_slices(volume)
    renderer = drawn(fig)
    for ax in fig.axes[:3]:
        frame = ax.get_window_extent(renderer)
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            assert not box.overlaps(frame), f"letter {text.get_text()} overlaps the image"
            assert not any(box.overlaps(tick) for tick in ticks), f"letter {text.get_text()} hides a tick label"


def test_letters_of_neighbouring_panels_do_not_touch(volume):
    fig = show_slices(volume)
    renderer = drawn(fig)
    boxes = [text.get_window_extent(renderer) for ax in fig.axes[:3] for text in ax.texts]
    assert not any(a.overlaps(b) for n, a in enumerate(boxes) for b in boxes[n + 1 :])


def test_colorbar_option_labels_the_image_intensities(volume):
    fig = show_slices(volume, vmin=-1.0, vmax=2.0, colorbar="HU")
    bar = fig.axes[-1]
    assert len(fig.axes) == 4 and bar.get_ylabel() == "HU"
    assert bar.get_ylim() == (-1.0, 2.0)
    assert len(show_slices(volume).axes) == 3
    with pytest.raises(TypeError, match="colorbar must be"):
        show_slices(volume, colorbar=True)
