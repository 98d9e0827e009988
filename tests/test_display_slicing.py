"""Pure display logic: slices, aspect, orientation letters, windowing, overlay colours."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial_utils import Volume
from tutorial_utils.display.slicing import (
    LABEL_COLORS,
    as_display_data,
    check_indices,
    color_index,
    composite,
    crosshair_position,
    display_aspect,
    intensity_range,
    label_colors,
    label_rgba,
    orientation_labels,
    overlay_table,
    panel_extent,
    panel_sizes_mm,
    plane_axes,
    plane_slice,
    three_slices,
    to_uint8,
)

GREY = np.full((256, 4), 255, np.uint8)
GREY[:, :3] = np.arange(256)[:, None]


def rng_array(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


# -- slices -------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(*[st.integers(1, 6)] * 3),
    data=st.data(),
)
def test_plane_slice_is_the_numpy_slice_transposed(shape, data):
    array = np.arange(np.prod(shape)).reshape(shape)
    i, j, k = (data.draw(st.integers(0, n - 1)) for n in shape)
    sag, cor, axi = three_slices(array, (i, j, k))
    np.testing.assert_array_equal(sag, array[i, :, :].T)
    np.testing.assert_array_equal(cor, array[:, j, :].T)
    np.testing.assert_array_equal(axi, array[:, :, k].T)
    for axis in range(3):
        h, v = plane_axes(axis)
        assert plane_slice(array, axis, 0).shape == (shape[v], shape[h])


def test_panel_extent_puts_pixel_centres_on_voxel_indices():
    assert panel_extent((4, 5, 6), 0) == (-0.5, 4.5, -0.5, 5.5)
    assert panel_extent((4, 5, 6), 1) == (-0.5, 3.5, -0.5, 5.5)


def test_aspect_is_vertical_over_horizontal_spacing():
    spacing = (1.0, 2.0, 3.0)
    assert display_aspect(spacing, 0) == pytest.approx(3.0 / 2.0)  # sagittal: j across, k up
    assert display_aspect(spacing, 1) == pytest.approx(3.0)  # coronal: i across, k up
    assert display_aspect(spacing, 2) == pytest.approx(2.0)  # axial: i across, j up


def test_panel_sizes_are_physical():
    assert panel_sizes_mm((128, 96, 24), (2.0, 2.0, 2.2)) == [
        (192.0, pytest.approx(52.8)), (256.0, pytest.approx(52.8)), (256.0, 192.0)
    ]


def test_check_indices_defaults_to_centre_and_names_bad_values():
    assert check_indices(None, (5, 6, 7)) == (2, 3, 3)
    assert check_indices(np.array([0, 1, 2]), (5, 6, 7)) == (0, 1, 2)
    with pytest.raises(ValueError, match=r"indices\[2\] must be in \[0, 6\].*got 7"):
        check_indices((0, 0, 7), (5, 6, 7))
    with pytest.raises(ValueError, match="indices"):
        check_indices((0, -1, 0), (5, 6, 7))
    with pytest.raises(ValueError, match="three voxel indices"):
        check_indices((1, 2), (5, 6, 7))
    with pytest.raises(TypeError, match="indices must hold integers"):
        check_indices((1.5, 2, 3), (5, 6, 7))
    with pytest.raises(TypeError, match="indices"):
        check_indices("123", (5, 6, 7))


def test_crosshair_marks_the_other_two_planes():
    assert crosshair_position((10, 20, 30), 0) == (20, 30)
    assert crosshair_position((10, 20, 30), 1) == (10, 30)
    assert crosshair_position((10, 20, 30), 2) == (10, 20)


# -- orientation --------------------------------------------------------------------------------


def _reference_letter(direction):
    """Letter of the world axis a voxel axis points along most (independent of nibabel)."""
    axis = int(np.argmax(np.abs(direction)))
    return ("RAS" if direction[axis] > 0 else "LPI")[axis]


@settings(max_examples=25, deadline=None)
@given(
    perm=st.permutations([0, 1, 2]),
    signs=st.tuples(*[st.sampled_from([-1.0, 1.0])] * 3),
    angle=st.floats(-0.5, 0.5),
    spacing=st.tuples(*[st.floats(0.5, 3.0)] * 3),
)
def test_letters_name_the_world_direction_each_panel_edge_points_to(perm, signs, angle, spacing):
    c, s = np.cos(angle), np.sin(angle)
    tilt = np.array([[1, 0, 0], [0, c, -s], [0, s, c]])  # an oblique acquisition, < 30 degrees
    columns = np.eye(3)[:, list(perm)] * np.array(signs)
    affine = np.eye(4)
    affine[:3, :3] = tilt @ columns @ np.diag(spacing)
    for axis in range(3):
        h, v = plane_axes(axis)
        letters = orientation_labels(affine, axis)
        assert letters["right"] == _reference_letter(affine[:3, h])
        assert letters["left"] == _reference_letter(-affine[:3, h])
        assert letters["top"] == _reference_letter(affine[:3, v])
        assert letters["bottom"] == _reference_letter(-affine[:3, v])


def test_las_volume_has_the_patients_left_on_the_right_of_the_axial_panel():
    las = np.diag([-2.0, 2.0, 2.2, 1.0])
    assert nib.aff2axcodes(las) == ("L", "A", "S")
    assert orientation_labels(las, 2) == {"left": "R", "right": "L", "bottom": "P", "top": "A"}
    assert orientation_labels(las, 0) == {"left": "P", "right": "A", "bottom": "I", "top": "S"}


def test_no_affine_no_letters():
    assert orientation_labels(None, 1) == {}


# -- intensities --------------------------------------------------------------------------------


def test_intensity_range_matches_numpy_percentiles_on_small_volumes():
    image = rng_array((6, 7, 8))
    low, high = intensity_range(image, (2.0, 98.0))
    np.testing.assert_allclose((low, high), np.percentile(image, (2.0, 98.0)), rtol=1e-6)
    assert type(low) is float and type(high) is float


def test_intensity_range_of_a_constant_image_is_not_empty():
    assert intensity_range(np.full((2, 2, 2), 5.0, np.float32)) == (5.0, 6.0)


def test_to_uint8_maps_the_window_linearly_and_clips_outside():
    values = np.array([[-100.0, 0.0, 25.0, 50.0, 100.0, 1000.0]], np.float32)
    out = to_uint8(values, 0.0, 100.0)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, [[0, 0, 64, 128, 255, 255]])
    with pytest.raises(ValueError, match="vmax must be > vmin"):
        to_uint8(values, 1.0, 1.0)


# -- labels -------------------------------------------------------------------------------------


def test_label_colours_repeat_every_ten_and_background_is_black():
    labels = np.array([[0, 1, 2, 11, 12]])
    assert color_index(labels).tolist() == [[0, 1, 2, 1, 2]]
    rgb = label_colors(labels)
    np.testing.assert_array_equal(rgb[0, 0], [0, 0, 0])
    np.testing.assert_array_equal(rgb[0, 1], LABEL_COLORS[0])
    np.testing.assert_array_equal(rgb[0, 1], rgb[0, 3])


def test_label_rgba_is_transparent_on_background_only():
    labels = np.array([[0, 1], [3, 0]], np.int16)
    labels.setflags(write=False)
    rgba = label_rgba(labels, alpha=0.4)
    np.testing.assert_array_equal(rgba[..., 3], [[0, 102], [102, 0]])
    np.testing.assert_array_equal(rgba[1, 0, :3], LABEL_COLORS[2])
    with pytest.raises(ValueError, match="alpha must be in"):
        label_rgba(labels, alpha=1.5)
    with pytest.raises(TypeError, match="alpha"):
        label_rgba(labels, alpha="0.5")


@settings(max_examples=25, deadline=None)
@given(alpha=st.floats(0.0, 1.0), seed=st.integers(0, 1000))
def test_composite_matches_an_independent_alpha_blend(alpha, seed):
    rng = np.random.default_rng(seed)
    image = rng.uniform(-10, 110, size=(5, 7)).astype(np.float32)
    labels = rng.integers(0, 13, size=(5, 7))
    out = composite(image, labels, 0.0, 100.0, overlay_table(GREY, alpha))
    grey = np.clip(np.rint((image - 0.0) * 2.55), 0, 255)
    colours = LABEL_COLORS[(labels - 1) % 10].astype(float)
    expected = np.where((labels != 0)[..., None], (1 - alpha) * grey[..., None] + alpha * colours, grey[..., None])
    np.testing.assert_allclose(out[..., :3], expected, atol=1.0)
    assert (out[..., 3] == 255).all()


def test_composite_without_labels_is_the_colormap():
    image = np.array([[0.0, 5.0, 10.0]], np.float32)
    np.testing.assert_array_equal(composite(image, None, 0.0, 10.0, overlay_table(GREY))[0, :, 0], [0, 128, 255])
    with pytest.raises(ValueError, match="label_slice must have"):
        composite(image, np.zeros((2, 2), int), 0.0, 10.0, overlay_table(GREY))
    with pytest.raises(ValueError, match="base must be a"):
        overlay_table(np.zeros((10, 4), np.uint8))


# -- inputs -------------------------------------------------------------------------------------


def test_display_data_from_a_volume_keeps_label_affine_and_spacing():
    image = rng_array((4, 5, 6))
    label = np.ones((4, 5, 6), np.uint8)
    volume = Volume(image, np.diag([2.0, 2.0, 2.2, 1.0]), label)
    disp = as_display_data(volume)
    assert disp.image is volume.image and disp.label is volume.label
    assert disp.spacing == pytest.approx((2.0, 2.0, 2.2))
    other = np.zeros((4, 5, 6), np.int16)
    assert as_display_data(volume, label=other).label is other


def test_display_data_from_an_array_has_unit_spacing_and_no_affine():
    image = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    image.setflags(write=False)
    disp = as_display_data(image)
    assert disp.affine is None and disp.spacing == (1.0, 1.0, 1.0)
    assert disp.image.dtype == np.float32
    with_affine = as_display_data(image, affine=np.diag([1.0, 1.0, 3.0, 1.0]))
    assert with_affine.spacing == (1.0, 1.0, 3.0)


def test_display_data_errors_name_the_parameter():
    with pytest.raises(ValueError, match="data must be 3D"):
        as_display_data(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="label must have the image's shape"):
        as_display_data(np.zeros((3, 3, 3)), label=np.zeros((3, 3, 2), np.uint8))
    with pytest.raises(ValueError, match="label must be an integer label map"):
        as_display_data(np.zeros((3, 3, 3)), label=np.zeros((3, 3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        as_display_data(np.full((2, 2, 2), np.nan))
    with pytest.raises(ValueError, match="affine"):
        as_display_data(np.zeros((2, 2, 2)), affine=np.zeros((4, 4)))
