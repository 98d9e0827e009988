"""Array functions of tutorial_utils.spatial.affine_ops and the threaded resampling behind them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage
from scipy.spatial.transform import Rotation

from tutorial_utils import _resampling, _threads
from tutorial_utils.spatial.affine_ops import affine_matrix, apply_affine, flip, rotate, shift

AXIS_PAIRS = [(0, 1), (1, 2), (0, 2), (1, 0), (2, 1), (2, 0)]


def smooth_volume(shape=(17, 19, 15), seed=0) -> np.ndarray:
    noise = np.random.default_rng(seed).random(shape)
    return ndimage.gaussian_filter(noise, 2.0).astype(np.float32)


def blob(shape, centre_mm, spacing, sigma_mm=2.0) -> np.ndarray:
    """Gaussian blob at ``centre_mm`` from the volume centre, on a grid of ``spacing``."""
    grid = np.indices(shape, dtype=np.float64)
    centre = (np.array(shape) - 1) / 2
    d2 = sum(((grid[a] - centre[a]) * spacing[a] - centre_mm[a]) ** 2 for a in range(3))
    return np.exp(-d2 / (2 * sigma_mm**2)).astype(np.float32)


def centroid_mm(array, spacing) -> np.ndarray:
    centre = (np.array(array.shape) - 1) / 2
    return (np.array(ndimage.center_of_mass(array)) - centre) * np.asarray(spacing)


# --- rotation -------------------------------------------------------------------------------


@pytest.mark.parametrize("axes", AXIS_PAIRS)
def test_rotate_90_equals_rot90_on_odd_cube(axes):
    cube = np.random.default_rng(1).random((9, 9, 9)).astype(np.float32)
    expected = np.rot90(cube, 1, axes=axes)
    np.testing.assert_array_equal(rotate(cube, 90, axes=axes)[1:-1, 1:-1, 1:-1], expected[1:-1, 1:-1, 1:-1])
    np.testing.assert_array_equal(rotate(cube, -90, axes=axes), np.rot90(cube, -1, axes=axes))


def test_rotation_matrix_matches_scipy_rotation_reference():
    angles = (17.0, -33.0, 58.0)
    matrix = affine_matrix((11, 11, 11), rotation=angles)
    forward = Rotation.from_euler("xyz", angles, degrees=True).as_matrix()  # x first, then y, then z
    np.testing.assert_allclose(np.linalg.inv(matrix[:3, :3]), forward, atol=1e-12)


def test_affine_matrix_maps_output_to_input_of_the_forward_transform():
    shape, spacing = (20, 30, 16), np.array([1.0, 2.0, 3.0])
    angles, factors, steps = (5.0, -20.0, 40.0), np.array([1.2, 0.8, 1.1]), np.array([3.0, -2.0, 1.5])
    matrix = affine_matrix(shape, rotation=angles, scale=factors, translation=steps, spacing=spacing)
    rot = Rotation.from_euler("xyz", angles, degrees=True).as_matrix()
    centre = (np.array(shape) - 1) / 2
    for x in np.random.default_rng(2).uniform(0, 15, size=(5, 3)):
        y_mm = rot @ (factors * ((x - centre) * spacing))  # forward, in mm about the centre
        y = y_mm / spacing + centre + steps
        np.testing.assert_allclose(matrix @ np.append(y, 1.0), np.append(x, 1.0), atol=1e-9)


def test_rotation_in_mm_keeps_anatomy_on_anisotropic_grid():
    spacing = (1.0, 1.0, 3.0)
    volume = blob((41, 41, 15), (10.0, 0.0, 0.0), spacing)
    in_mm = rotate(volume, 90, axes=(0, 2), spacing=spacing)
    np.testing.assert_allclose(centroid_mm(in_mm, spacing), [0.0, 0.0, 10.0], atol=0.1)
    in_voxels = rotate(volume, 90, axes=(0, 2))  # 10 voxels along axis 2 are 30 mm: sheared
    assert abs(centroid_mm(in_voxels, spacing)[2] - 10.0) > 5.0


def test_scale_above_one_magnifies_about_the_centre():
    spacing = (1.0, 1.0, 1.0)
    volume = blob((31, 31, 31), (4.0, 0.0, 0.0), spacing, sigma_mm=1.5)
    magnified = apply_affine(volume, affine_matrix(volume.shape, scale=2.0))
    np.testing.assert_allclose(centroid_mm(magnified, spacing), [8.0, 0.0, 0.0], atol=0.2)
    assert (magnified > 0.5).sum() > 4 * (volume > 0.5).sum()  # 8x in the continuum


def test_translation_in_mm_is_divided_by_the_spacing():
    spacing = (1.0, 1.5, 3.0)
    in_mm = affine_matrix((9, 9, 9), translation=(0, 3.0, 6.0), spacing=spacing, translation_units="mm")
    in_voxels = affine_matrix((9, 9, 9), translation=(0, 2.0, 2.0), spacing=spacing)
    np.testing.assert_allclose(in_mm, in_voxels)


# --- identity, flip, shift ------------------------------------------------------------------


def test_identity_parameters_give_the_input_back():
    image = smooth_volume()
    label = (image > image.mean()).astype(np.int16)
    identity = affine_matrix(image.shape, spacing=(1.0, 2.0, 3.0))
    np.testing.assert_array_equal(identity, np.eye(4))
    np.testing.assert_array_equal(apply_affine(image, identity), image)
    np.testing.assert_array_equal(apply_affine(label, identity, order=0), label)
    np.testing.assert_array_equal(rotate(image, 0.0, spacing=(1.0, 2.0, 3.0)), image)
    np.testing.assert_array_equal(shift(image, 0), image)
    np.testing.assert_array_equal(flip(flip(label, 1), 1), label)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(*(st.integers(1, 6),) * 3),
    axes=st.lists(st.integers(-3, 2), min_size=1, max_size=3, unique_by=lambda a: a % 3),
)
def test_flip_is_its_own_inverse_and_matches_np_flip(shape, axes):
    array = np.arange(np.prod(shape), dtype=np.int16).reshape(shape)
    flipped = flip(array, axes)
    np.testing.assert_array_equal(flipped, np.flip(array, axes))
    assert flipped.flags.c_contiguous and flipped.dtype == np.int16
    np.testing.assert_array_equal(flip(flipped, axes), array)


def test_flip_of_no_axes_is_a_copy():
    array = np.arange(8).reshape(2, 2, 2)
    out = flip(array, ())
    np.testing.assert_array_equal(out, array)
    assert not np.shares_memory(out, array)


def test_integer_shift_is_an_exact_copy_with_the_fill():
    image = smooth_volume()
    moved = shift(image, (2, -3, 0), cval=-5.0)
    np.testing.assert_array_equal(moved[2:, :-3], image[:-2, 3:])
    assert np.all(moved[:2] == -5.0) and np.all(moved[:, -3:] == -5.0)
    label = (image > image.mean()).astype(np.uint8)
    assert shift(label, (1, 1, 1), order=0).dtype == np.uint8


def test_fractional_shift_matches_scipy_shift():
    image = smooth_volume()
    expected = ndimage.shift(image, (0.5, -1.25, 2.0), order=1, cval=0.0)
    np.testing.assert_allclose(shift(image, (0.5, -1.25, 2.0), cval=0.0), expected, atol=1e-6)


def test_shift_beyond_the_volume_leaves_only_the_fill():
    assert np.all(shift(smooth_volume(), (0, 40, 0), cval=0.0) == 0.0)


# --- fill value and dtypes ------------------------------------------------------------------


def test_cval_min_fills_with_the_image_minimum_not_zero():
    ct = np.full((15, 15, 15), -1000.0, dtype=np.float32)
    ct[3:12, 3:12, 3:12] = 40.0
    corner = (0, 0, 7)
    assert rotate(ct, 45)[corner] == -1000.0
    assert rotate(ct, 45, cval=0.0)[corner] == 0.0


def test_labels_keep_dtype_and_values_at_order_0():
    label = np.random.default_rng(3).integers(0, 4, size=(12, 12, 12)).astype(np.int16)
    out = rotate(label, 33, axes=(0, 2), order=0)
    assert out.dtype == np.int16
    assert set(np.unique(out)) <= set(np.unique(label))
    mask = label > 1
    assert rotate(mask, 20, order=0).dtype == np.bool_


def test_integer_images_become_float32():
    image = np.arange(27, dtype=np.int16).reshape(3, 3, 3)
    assert rotate(image, 10).dtype == np.float32
    assert apply_affine(image.astype(np.float64), np.eye(4)).dtype == np.float32


def test_inputs_are_never_modified_and_read_only_inputs_work():
    image = smooth_volume()
    label = (image > image.mean()).astype(np.uint8)
    for array in (image, label):
        array.flags.writeable = False
    before = image.copy(), label.copy()
    rotate(image, 20, spacing=(1, 1, 2))
    rotate(label, 20, order=0)
    apply_affine(image, affine_matrix(image.shape, scale=1.2))
    shift(image, 2)
    shift(image, 0.5)
    shift(label, 1, order=0)
    flip(label, (0, 2))
    np.testing.assert_array_equal(image, before[0])
    np.testing.assert_array_equal(label, before[1])


# --- threaded resampling, background skipped ------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    order=st.sampled_from([0, 1]),
    threads=st.sampled_from([1, 2]),
    cval=st.sampled_from([0.0, -3.0]),
    block_and_cell=st.sampled_from([(1, 1), (2, 3), (4, 8)]),
)
def test_threaded_affine_transform_equals_scipy(seed, order, threads, cval, block_and_cell):
    rng = np.random.default_rng(seed)
    shape = tuple(int(n) for n in rng.integers(4, 30, size=3))
    array = np.full(shape, cval, dtype=np.float32)
    start = [int(rng.integers(0, n)) for n in shape]
    stop = [int(rng.integers(a, n)) + 1 for a, n in zip(start, shape)]
    box = tuple(slice(a, b) for a, b in zip(start, stop))
    array[box] = rng.random(array[box].shape)
    matrix = np.eye(3) + rng.normal(0.0, 0.4, size=(3, 3))
    offset = rng.normal(0.0, 6.0, size=3)
    output_shape = tuple(int(n) for n in rng.integers(4, 30, size=3))
    expected = ndimage.affine_transform(
        array, matrix, offset, output_shape=output_shape, order=order, cval=cval, output=np.float32
    )
    with pytest.MonkeyPatch.context() as patch:  # small blocks and cells test the margins voxel by voxel
        patch.setattr(_resampling, "_BLOCK", block_and_cell[0])
        patch.setattr(_resampling, "_CELL", block_and_cell[1])
        patch.setattr(_threads, "MIN_PARALLEL_VOXELS", 1)  # small volumes take the threaded path
        got = _resampling.affine_transform(
            array, matrix, offset, output_shape=output_shape, order=order, cval=cval, threads=threads
        )
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_threaded_cubic_matches_scipy_within_float32_prefilter():
    image = smooth_volume((20, 24, 18))
    matrix = affine_matrix(image.shape, rotation=(0, 10, 25), scale=1.1)
    expected = ndimage.affine_transform(image, matrix, order=3)
    np.testing.assert_allclose(apply_affine(image, matrix, order=3, cval=0.0), expected, atol=1e-5)


def test_all_background_input_gives_all_fill():
    out = _resampling.affine_transform(np.zeros((8, 8, 8), np.float32), np.eye(3) * 0.7, np.ones(3))
    assert not out.any()


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"angle": float("nan")}, ValueError, "angle"),
        ({"angle": np.inf}, ValueError, "angle"),
        ({"angle": "90"}, TypeError, "angle"),
        ({"angle": (10, 20)}, TypeError, "angle"),
        ({"axes": (1, 1)}, ValueError, "axes"),
        ({"axes": (0, 3)}, ValueError, "axes"),
        ({"axes": (0, 1, 2)}, ValueError, "axes"),
        ({"order": 7}, ValueError, "order"),
        ({"order": 1.0}, TypeError, "order"),
        ({"cval": "max"}, ValueError, "cval"),
        ({"cval": float("nan")}, ValueError, "cval"),
        ({"spacing": (1, 0, 1)}, ValueError, "spacing"),
    ],
)
def test_rotate_rejects_bad_parameters(kwargs, error, match):
    params = {"angle": 10.0, **kwargs}
    with pytest.raises(error, match=match):
        rotate(np.zeros((4, 4, 4)), **params)


@pytest.mark.parametrize("shape", [(4, 4), (4, 4, 4, 2)])
@pytest.mark.parametrize(
    "call",
    [
        lambda a: rotate(a, 10),
        lambda a: flip(a, 0),
        lambda a: shift(a, 1),
        lambda a: apply_affine(a, np.eye(4)),
    ],
)
def test_2d_and_4d_inputs_are_refused(shape, call):
    with pytest.raises(ValueError, match="array must be 3D"):
        call(np.zeros(shape))


def test_nan_image_is_refused():
    image = np.zeros((4, 4, 4), np.float32)
    image[1, 1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        rotate(image, 10)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: affine_matrix((4, 4)), ValueError, "shape"),
        (lambda: affine_matrix((4, 4, 4), scale=0), ValueError, "scale"),
        (lambda: affine_matrix((4, 4, 4), rotation=(1, 2)), ValueError, "rotation"),
        (lambda: affine_matrix((4, 4, 4), rotation=30), TypeError, "rotation must be 3 angles"),
        (lambda: affine_matrix((4, 4, 4), translation=1, translation_units="mm"), ValueError, "spacing"),
        (lambda: affine_matrix((4, 4, 4), translation_units="cm"), ValueError, "translation_units"),
        (lambda: apply_affine(np.zeros((4, 4, 4)), np.eye(3)), ValueError, "matrix"),
        (lambda: apply_affine(np.zeros((4, 4, 4)), np.full((4, 4), np.nan)), ValueError, "matrix"),
        (lambda: apply_affine(np.zeros((4, 4, 4), np.uint8), np.eye(4), order=0, cval=0.5), ValueError, "cval"),
        (lambda: flip(np.zeros((4, 4, 4)), 3), ValueError, "axes must be in"),
        (lambda: flip(np.zeros((4, 4, 4)), (0, -3)), ValueError, "axes must not repeat"),
        (lambda: flip(np.zeros((4, 4, 4)), 1.0), TypeError, "axes must be an int"),
        (lambda: flip(np.zeros((4, 4, 4)), axis=0), TypeError, "axis"),
        (lambda: shift(np.zeros((4, 4, 4)), (1, 2)), ValueError, "offset"),
        (lambda: shift(np.zeros((4, 4, 4)), 1, 0), TypeError, "positional"),
        (lambda: rotate(np.zeros((4, 4, 4)), 10, (0, 1)), TypeError, "positional"),
        (lambda: apply_affine(np.zeros((4, 4, 4)), np.eye(4), 0), TypeError, "positional"),
    ],
)
def test_other_bad_parameters_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()
