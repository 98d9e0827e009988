"""Motion (k-space segments at other poses) and thick slices, against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

import tutorial_utils as tu
from test_mri_kspace import blob_image, numpy_image, numpy_kspace

DEGREES = [(4.0, -3.0, 6.0), (0.0, 5.0, -2.0)]
TRANSLATION = [(1.0, 0.5, -2.0), (-1.5, 0.0, 1.0)]


def full_kspace_motion(x, degrees, translation, times, axis, spacing=(1.0, 1.0, 1.0)):
    """The plain route: move the whole volume to each pose, take its whole 3D k-space, keep the pose's lines."""
    n = x.shape[axis]
    bounds = [0] + [int(n * t) for t in times] + [n]
    reference = next(p for p in range(len(bounds) - 1) if bounds[p] <= n // 2 < bounds[p + 1])
    forward = [np.eye(4)]
    for d, t in zip(degrees, translation):
        pullback = tu.affine_matrix(x.shape, rotation=d, translation=t, spacing=spacing, translation_units="mm")
        forward.append(np.linalg.inv(pullback))
    k = np.zeros(x.shape, np.complex128)
    for pose in range(len(forward)):
        moved_from_reference = forward[pose] @ np.linalg.inv(forward[reference])
        matrix = np.linalg.inv(moved_from_reference)  # scipy's OUTPUT -> INPUT direction
        image = x if np.allclose(matrix, np.eye(4)) else tu.apply_affine(x, matrix)
        lines = [slice(None)] * 3
        lines[axis] = slice(bounds[pose], bounds[pose + 1])
        k[tuple(lines)] = numpy_kspace(image.astype(np.float64))[tuple(lines)]
    return np.abs(numpy_image(k))


# --- motion -------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, 2])
@pytest.mark.parametrize("times", [(0.3, 0.7), (0.1, 0.2), (0.6, 0.9)], ids=["centre-pose-1", "last", "first"])
def test_motion_equals_segments_of_the_full_3d_kspace_of_each_pose(axis, times):
    x = blob_image((12, 10, 9))
    spacing = (1.0, 1.2, 2.0)
    expected = full_kspace_motion(x, DEGREES, TRANSLATION, times, axis, spacing)
    out = tu.motion(x, degrees=DEGREES, translation=TRANSLATION, times=times, axis=axis, spacing=spacing)
    np.testing.assert_allclose(out, expected, atol=2e-3)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_no_movement_is_the_identity(axis):
    x = blob_image((10, 9, 8))
    still = tu.motion(x, degrees=[(0, 0, 0)] * 2, translation=[(0, 0, 0)] * 2, times=(0.2, 0.6), axis=axis)
    np.testing.assert_allclose(still, x, rtol=1e-5, atol=1e-5 * float(x.max()))
    np.testing.assert_allclose(tu.motion(x, degrees=[], translation=[], times=[], axis=axis), x, atol=1e-3)


def test_whole_voxel_shifts_keep_the_energy_parseval():
    x = np.zeros((16, 16, 16), np.float32)
    x[5:11, 4:12, 6:10] = np.random.default_rng(0).uniform(50, 100, (6, 8, 4))
    out = tu.motion(x, degrees=[(0, 0, 0)] * 2, translation=[(2, 0, -1), (0, 3, 1)], times=(0.25, 0.8), axis=1)
    assert not np.allclose(out, x, atol=1.0)
    assert float((out.astype(np.float64) ** 2).sum()) == pytest.approx(
        float((x.astype(np.float64) ** 2).sum()), rel=1e-5
    )


@pytest.mark.parametrize("times", [(0.1, 0.3), (0.45, 0.9)])
def test_the_image_stays_where_the_anatomy_was_during_the_centre_of_kspace(times):
    """Whichever pose holds the centre of k-space, the anatomy stays where the input (and the label) has it."""
    x = blob_image((20, 20, 20))
    out = tu.motion(x, degrees=[(0, 0, 8), (0, 0, -6)], translation=[(4, 0, 0), (-3, 2, 0)], times=times, axis=1)
    centre_in = np.array(ndimage.center_of_mass(x))
    centre_out = np.array(ndimage.center_of_mass(out))
    assert np.abs(centre_out - centre_in).max() < 0.5
    assert np.abs(out - x).max() > 5.0  # and yet it is corrupted


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"times": (0.7, 0.3)}, ValueError, "times"),
        ({"times": (0.0, 0.5)}, ValueError, "times"),
        ({"times": (0.5,)}, ValueError, "same number"),
        ({"degrees": [(1, 2)] * 2}, ValueError, "degrees"),
        ({"translation": "left"}, TypeError, "translation"),
        ({"axis": 3}, ValueError, "axis"),
        ({"spacing": (1, 0, 1)}, ValueError, "spacing"),
    ],
)
def test_motion_errors_name_the_parameter(kwargs, error, match):
    call = {"degrees": DEGREES, "translation": TRANSLATION, "times": (0.3, 0.7), **kwargs}
    with pytest.raises(error, match=match):
        tu.motion(blob_image((6, 6, 6)), **call)


# --- thick slices -------------------------------------------------------------------------------


def block_reference(x, ratio, axis):
    """Means of blocks of ``ratio`` voxels, np.interp between block centres (ratio divides the axis)."""
    moved = np.moveaxis(x, axis, -1).astype(np.float64)
    means = moved.reshape(*moved.shape[:-1], -1, ratio).mean(axis=-1)
    centres = np.arange(means.shape[-1]) * ratio + (ratio - 1) / 2
    out = np.empty_like(moved)
    for index in np.ndindex(moved.shape[:-1]):
        out[index] = np.interp(np.arange(moved.shape[-1]), centres, means[index])
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_thick_slices_are_block_means_interpolated_between_slice_centres(axis):
    x = blob_image((12, 15, 9))
    spacing = [1.0, 1.0, 1.0]
    spacing[axis] = 0.5
    ratio = 3
    out = tu.thick_slices(x, ratio * 0.5, axis=axis, spacing=spacing)
    np.testing.assert_allclose(out, block_reference(x, ratio, axis), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_a_5mm_slice_profile_blurs_only_along_its_axis(axis):
    x = np.zeros((21, 21, 21), np.float32)
    x[10, 10, 10] = 100.0
    out = tu.thick_slices(x, 5.0, axis=axis)
    touched = np.argwhere(out > 1e-6)
    others = [a for a in range(3) if a != axis]
    assert (touched[:, others] == 10).all()  # nothing leaks across the plane
    assert 5 <= len(touched) <= 9  # spread over about two slice thicknesses
    flat = blob_image((8, 9, 10)).mean(axis=axis, keepdims=True) * np.ones((8, 9, 10), np.float32)
    np.testing.assert_allclose(tu.thick_slices(flat, 5.0, axis=axis), flat, rtol=1e-5)  # constant along axis: unchanged


def test_a_slice_as_thin_as_the_voxel_is_the_identity_and_odd_thicknesses_keep_the_field_of_view():
    x = blob_image((10, 10, 10))
    np.testing.assert_array_equal(tu.thick_slices(x, 2.0, axis=0, spacing=(2.0, 1.0, 1.0)), x)
    out = tu.thick_slices(x, 3.7, axis=2)
    assert out.shape == x.shape and np.isfinite(out).all()
    assert out.min() >= x.min() - 1e-4 and out.max() <= x.max() + 1e-4  # averages and interpolation never overshoot


def test_thick_slices_volume_keeps_shape_affine_and_label():
    volume = tu.load_sample("mni")
    out = tu.thick_slices_volume(volume, thickness=5.0, axis=2)
    assert out.shape == volume.shape
    np.testing.assert_array_equal(out.affine, volume.affine)
    assert out.label is volume.label
    kept = [np.abs(np.diff(out.image, axis=a)).mean() / np.abs(np.diff(volume.image, axis=a)).mean() for a in range(3)]
    assert kept[2] + 0.1 < min(kept[:2])  # sharpness lost mostly along the slice axis


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [({"thickness": 0.0}, ValueError, "thickness"), ({"thickness": "5mm"}, TypeError, "thickness")],
)
def test_thick_slices_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        tu.thick_slices(blob_image((4, 4, 4)), **kwargs)
