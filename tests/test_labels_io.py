"""Label maps keep their values through load and save; broken files give errors that name them."""

from __future__ import annotations

import gzip

import nibabel as nib
import numpy as np
import pytest

from tutorial_utils import Volume, load_nifti, save_volume

AFFINE = np.diag([0.8, 0.8, 2.5, 1.0])
SHAPE = (3, 4, 5)


def _label(dtype, values) -> np.ndarray:
    label = np.zeros(SHAPE, dtype=dtype)
    label.flat[: len(values)] = values
    return label


def _save_pair(tmp_path, label_image: nib.Nifti1Image) -> tuple:
    nib.save(nib.Nifti1Image(np.zeros(SHAPE, np.float32), AFFINE), tmp_path / "img.nii.gz")
    nib.save(label_image, tmp_path / "seg.nii.gz")
    return tmp_path / "img.nii.gz", tmp_path / "seg.nii.gz"


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        (np.uint8, [0, 1, 255]),
        (np.int16, [0, -3, 32767]),
        (np.uint16, [0, 40000, 65535]),
        (np.int32, [0, -70000, 2**31 - 1]),
        (np.int64, [0, 2**40, -(2**40)]),
    ],
)
def test_integer_label_files_keep_their_values_when_loaded(tmp_path, dtype, values):
    label = _label(dtype, values)
    image_path, label_path = _save_pair(tmp_path, nib.Nifti1Image(label, AFFINE, dtype=dtype))
    loaded = load_nifti(image_path, label_path).label
    assert np.issubdtype(loaded.dtype, np.integer)
    np.testing.assert_array_equal(loaded, label)


def test_uint16_40000_is_not_wrapped_to_a_negative_value(tmp_path):
    image_path, label_path = _save_pair(tmp_path, nib.Nifti1Image(_label(np.uint16, [40000]), AFFINE))
    assert int(load_nifti(image_path, label_path).label.max()) == 40000


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        (np.uint8, [0, 1, 255]),
        (np.int16, [0, -3, 32767]),
        (np.uint16, [0, 32768, 65535]),
        (np.int32, [0, -70000, 2**31 - 1]),
        (np.int64, [0, 1, 2]),
        (np.int64, [0, 2**40]),
        (np.uint64, [0, 2**63 + 5]),
    ],
)
def test_save_volume_writes_any_integer_label_and_the_round_trip_keeps_its_values(tmp_path, dtype, values):
    label = _label(dtype, values)
    paths = save_volume(Volume(np.zeros(SHAPE), AFFINE, label), tmp_path, "case")
    back = load_nifti(paths["image"], paths["label"])
    np.testing.assert_array_equal(back.label.astype(object), label.astype(object))


def test_save_volume_chooses_the_smallest_nifti_integer_type(tmp_path):
    argmax_label = np.argmax(np.random.default_rng(0).random((3, *SHAPE)), axis=0)
    assert argmax_label.dtype == np.int64
    paths = save_volume(Volume(np.zeros(SHAPE), AFFINE, argmax_label), tmp_path, "argmax")
    assert nib.load(paths["label"]).get_data_dtype() == np.uint8
    paths = save_volume(Volume(np.zeros(SHAPE), AFFINE, _label(np.int64, [-1, 40000])), tmp_path, "wide")
    assert nib.load(paths["label"]).get_data_dtype() == np.int32


def test_float_label_files_holding_integers_are_accepted(tmp_path):
    label = _label(np.float32, [0.0, 3.0, 40000.0])
    image_path, label_path = _save_pair(tmp_path, nib.Nifti1Image(label, AFFINE))
    loaded = load_nifti(image_path, label_path).label
    assert loaded.dtype == np.uint16
    np.testing.assert_array_equal(loaded, label)


def test_scaled_integer_label_files_are_read_with_their_scaling(tmp_path):
    label_image = nib.Nifti1Image(_label(np.int16, [0, 2, 4]), AFFINE)
    label_image.header.set_slope_inter(2.0, 1.0)
    image_path, label_path = _save_pair(tmp_path, label_image)
    np.testing.assert_array_equal(load_nifti(image_path, label_path).label.flat[:4], [1, 5, 9, 1])


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([0.0, 0.3, 0.7], r"non-integer values, the first 0\.3"),
        ([0.0, 1.0, np.nan], r"NaN or infinite values, the first nan"),
    ],
)
def test_bad_float_labels_raise_an_error_naming_the_file_and_the_value(tmp_path, values, match):
    image_path, label_path = _save_pair(tmp_path, nib.Nifti1Image(_label(np.float32, values), AFFINE))
    with pytest.raises(ValueError, match=match) as info:
        load_nifti(image_path, label_path)
    assert "seg.nii.gz" in str(info.value)
    assert "voxel (0, 0, " in str(info.value)


def test_a_bad_label_in_memory_is_described_as_such():
    image = nib.Nifti1Image(np.zeros(SHAPE, np.float32), AFFINE)
    with pytest.raises(ValueError, match=r"label \(a nibabel image in memory\)"):
        Volume.from_nifti(image, nib.Nifti1Image(_label(np.float32, [0.5]), AFFINE))


def test_a_truncated_gzip_names_the_file_and_keeps_its_error_type(tmp_path):
    nib.save(
        nib.Nifti1Image(np.random.default_rng(0).random((20, 20, 20), np.float32), AFFINE), tmp_path / "full.nii.gz"
    )
    data = (tmp_path / "full.nii.gz").read_bytes()
    (tmp_path / "broken.nii.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(EOFError, match=r"broken\.nii\.gz"):
        load_nifti(tmp_path / "broken.nii.gz")


def test_a_truncated_uncompressed_file_names_the_file(tmp_path):
    nib.save(nib.Nifti1Image(np.zeros((20, 20, 20), np.float32), AFFINE), tmp_path / "full.nii")
    (tmp_path / "broken.nii").write_bytes((tmp_path / "full.nii").read_bytes()[:5000])
    with pytest.raises(OSError, match=r"broken\.nii"):
        load_nifti(tmp_path / "broken.nii")


@pytest.mark.parametrize("content", [b"", b"not an image at all" * 50, gzip.compress(b"not an image at all" * 50)])
def test_a_file_that_is_not_nifti_names_the_file(tmp_path, content):
    (tmp_path / "scan.nii.gz").write_bytes(content)
    with pytest.raises(nib.filebasedimages.ImageFileError, match=r"scan\.nii\.gz"):
        load_nifti(tmp_path / "scan.nii.gz")


def test_a_broken_label_file_is_named_too(tmp_path):
    image_path, label_path = _save_pair(tmp_path, nib.Nifti1Image(_label(np.uint8, [1]), AFFINE))
    label_path.write_bytes(label_path.read_bytes()[:60])
    with pytest.raises((EOFError, nib.filebasedimages.ImageFileError), match=r"label file .*seg\.nii\.gz"):
        load_nifti(image_path, label_path)
