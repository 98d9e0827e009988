"""Pure display geometry: slices, aspect, extents, crosshairs, orientation letters, display data."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial_utils import Volume
from tutorial_utils.display.orientation import orientation_labels
from tutorial_utils.display.slicing import (
    as_display_data,
    check_indices,
    crosshair_position,
    display_aspect,
    panel_extent,
    panel_sizes_mm,
    plane_axes,
    plane_slice,
    three_slices,
)


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
        (192.0, pytest.approx(52.8)),
        (256.0, pytest.approx(52.8)),
        (256.0, 192.0),
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
