"""Volume: validation, properties, NIfTI round trips and draw records."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest

from tutorial_utils import Volume


def _volume(label=True):
    image = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    lab = (image % 3).astype(np.uint8) if label else None
    return Volume(image, np.diag([2.0, 3.0, 4.0, 1.0]), lab)


def test_image_is_float32_and_the_callers_array_is_untouched():
    image = np.arange(8, dtype=np.int16).reshape(2, 2, 2)
    image.setflags(write=False)
    vol = Volume(image, np.eye(4))
    assert vol.image.dtype == np.float32
    assert image.dtype == np.int16
    np.testing.assert_array_equal(vol.image, image)


def test_properties_read_the_affine():
    affine = np.array([[-2.0, 0, 0, 10], [0, 2.0, 0, 0], [0, 0, 2.2, 0], [0, 0, 0, 1]])
    vol = Volume(np.zeros((3, 4, 5)), affine)
    assert vol.shape == (3, 4, 5)
    assert vol.spacing == pytest.approx((2.0, 2.0, 2.2))
    assert vol.axcodes == ("L", "A", "S")


def test_boolean_label_becomes_uint8():
    vol = Volume(np.zeros((2, 2, 2)), np.eye(4), np.ones((2, 2, 2), dtype=bool))
    assert vol.label.dtype == np.uint8


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"image": np.zeros((3, 3))}, ValueError, "image must be 3D"),
        ({"image": np.zeros((3, 3, 3, 2))}, ValueError, r"image\[..., 0\]|array\[..., 0\]"),
        ({"label": np.zeros((3, 3, 2), dtype=np.uint8)}, ValueError, "label must have the image's shape"),
        ({"label": np.zeros((3, 3, 3), dtype=np.float32)}, ValueError, "label must be an integer"),
        ({"affine": np.zeros((4, 4))}, ValueError, "affine"),
        ({"affine": np.eye(3)}, ValueError, r"affine must have shape \(4, 4\)"),
        ({"affine": np.diag([1.0, 0.0, 1.0, 1.0])}, ValueError, "singular"),
        ({"affine": np.full((4, 4), np.nan)}, ValueError, "finite"),
        ({"image": np.full((3, 3, 3), np.nan)}, ValueError, "NaN"),
        ({"image": "brain.nii"}, TypeError, "image"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(kwargs, error, match):
    args = {"image": np.zeros((3, 3, 3)), "affine": np.eye(4), "label": None} | kwargs
    with pytest.raises(error, match=match):
        Volume(**args)


def test_volume_is_frozen():
    vol = _volume()
    with pytest.raises(AttributeError):
        vol.image = np.zeros((2, 3, 4))


def test_nifti_round_trip_keeps_arrays_and_affine(tmp_path):
    vol = _volume()
    image_nii, label_nii = vol.to_nifti()
    nib.save(image_nii, tmp_path / "img.nii.gz")
    nib.save(label_nii, tmp_path / "lab.nii.gz")
    back = Volume.from_nifti(tmp_path / "img.nii.gz", tmp_path / "lab.nii.gz")
    np.testing.assert_array_equal(back.image, vol.image)
    np.testing.assert_array_equal(back.label, vol.label)
    np.testing.assert_allclose(back.affine, vol.affine)
    assert nib.load(tmp_path / "img.nii.gz").header.get_sform(coded=True)[1] == 1


def test_from_nifti_refuses_a_label_on_another_grid():
    image = nib.Nifti1Image(np.zeros((2, 2, 2), np.float32), np.eye(4))
    label = nib.Nifti1Image(np.zeros((2, 2, 2), np.uint8), np.diag([2.0, 2.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match="affine differs"):
        Volume.from_nifti(image, label)


def test_from_nifti_explains_how_to_pick_a_volume_of_a_4d_series():
    series = nib.Nifti1Image(np.zeros((2, 2, 2, 5), np.float32), np.eye(4))
    with pytest.raises(ValueError, match="pick one volume"):
        Volume.from_nifti(series)


def test_from_nifti_reports_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.nii"):
        Volume.from_nifti(tmp_path / "missing.nii")
