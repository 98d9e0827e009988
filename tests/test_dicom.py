"""DICOM: round trips through our writer, real scanner files cross-checked with nibabel, every error."""

from __future__ import annotations

import gzip
import importlib.resources
import shutil
import warnings

import numpy as np
import pydicom
import pytest

with warnings.catch_warnings():  # "The DICOM readers are highly experimental": we use only its affine
    warnings.simplefilter("ignore", UserWarning)
    from nibabel.nicom import dicomwrappers  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402
from pydicom.pixels import apply_modality_lut  # noqa: E402

from tutorial_utils import Volume, list_dicom_series, load_dicom, reorient, save_dicom_series  # noqa: E402
from tutorial_utils.dicom.geometry import LPS_TO_RAS  # noqa: E402

NICOM_DATA = importlib.resources.files("nibabel") / "nicom/tests/data"


def _rotation(degrees: float, axis: int) -> np.ndarray:
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    plane = [a for a in range(3) if a != axis]
    matrix = np.eye(3)
    matrix[np.ix_(plane, plane)] = [[c, -s], [s, c]]
    return matrix


def oblique_lps_ct(shape=(12, 10, 6), seed=0) -> Volume:
    """A CT-like volume (HU with decimals) whose axes point L, P, S, tilted 10 and 7 degrees, anisotropic."""
    affine = np.eye(4)
    affine[:3, :3] = np.diag([-1.0, -1.0, 1.0]) @ _rotation(10, 0) @ _rotation(7, 2) @ np.diag([0.7, 0.8, 2.5])
    affine[:3, 3] = (20.0, -35.0, 110.0)
    image = np.random.default_rng(seed).uniform(-1024, 2000, shape).astype(np.float32)
    return Volume(image, affine)


def _edit(folder, change) -> None:
    """Apply ``change(ds, k)`` to every file of ``folder`` (sorted by name) and save it back."""
    for k, path in enumerate(sorted(folder.iterdir())):
        ds = pydicom.dcmread(path)
        change(ds, k)
        ds.save_as(path)


def _assert_same_world_and_values(loaded: Volume, original: Volume, atol_hu: float) -> None:
    assert loaded.shape == original.shape
    np.testing.assert_allclose(loaded.affine, original.affine, rtol=0, atol=1e-9)
    np.testing.assert_allclose(loaded.image, original.image, rtol=0, atol=atol_hu)


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int16", "uint16"])
def test_an_oblique_lps_series_comes_back_with_its_hu_and_world_positions(tmp_path, dtype):
    volume = oblique_lps_ct()
    folder = save_dicom_series(volume, tmp_path / "ct", dtype=dtype)
    ds = pydicom.dcmread(next(folder.iterdir()))
    assert ds.PixelRepresentation == (1 if dtype == "int16" else 0)
    slope, intercept = float(ds.RescaleSlope), float(ds.RescaleIntercept)
    assert slope != 1.0 and intercept != 0.0
    loaded = load_dicom(folder)
    _assert_same_world_and_values(loaded, volume, atol_hu=slope / 2 + 1e-3)
    assert loaded.axcodes == ("L", "P", "S")


def test_integer_hu_with_slope_1_and_intercept_minus_1024_round_trip_exactly(tmp_path):
    volume = oblique_lps_ct()
    image = np.rint(volume.image)
    image[0, 0, 0] = -1024.0
    volume = volume.replace(image=image)
    folder = save_dicom_series(volume, tmp_path, dtype="uint16")
    ds = pydicom.dcmread(next(folder.iterdir()))
    assert (float(ds.RescaleSlope), float(ds.RescaleIntercept)) == (1.0, -1024.0)
    np.testing.assert_array_equal(load_dicom(folder).image, volume.image)


def test_shuffled_file_names_and_reversed_instance_numbers_give_the_same_volume(tmp_path):
    volume = oblique_lps_ct()
    reference = load_dicom(save_dicom_series(volume, tmp_path / "ref"))
    folder = save_dicom_series(volume, tmp_path / "mixed")
    _edit(folder, lambda ds, k: setattr(ds, "InstanceNumber", 100 - k))
    names = sorted(folder.iterdir())
    for path, new in zip(names, np.random.default_rng(0).permutation(len(names))):
        path.rename(folder / f"IM{new * 7919 % 1000:04d}")
    loaded = load_dicom(folder)
    np.testing.assert_array_equal(loaded.image, reference.image)
    np.testing.assert_array_equal(loaded.affine, reference.affine)


def test_a_left_handed_volume_comes_back_with_k_reversed_at_the_same_world_positions(tmp_path):
    las = Volume(np.random.default_rng(1).normal(size=(6, 5, 4)).round(), np.diag([-1.5, 1.5, 3.0, 1.0]))
    loaded = load_dicom(save_dicom_series(las, tmp_path))
    assert las.axcodes == ("L", "A", "S") and loaded.axcodes == ("L", "A", "I")
    np.testing.assert_array_equal(reorient(loaded).image, reorient(las).image)
    np.testing.assert_allclose(reorient(loaded).affine, reorient(las).affine, atol=1e-9)


def test_the_label_is_not_written_and_the_files_are_deterministic(tmp_path):
    volume = oblique_lps_ct().replace(label=np.ones((12, 10, 6), np.uint8))
    first = save_dicom_series(volume, tmp_path / "a")
    second = save_dicom_series(volume, tmp_path / "b")
    assert [p.read_bytes() for p in sorted(first.iterdir())] == [p.read_bytes() for p in sorted(second.iterdir())]
    assert load_dicom(first).label is None


def test_list_dicom_series_shows_each_series(tmp_path):
    ct = oblique_lps_ct()
    save_dicom_series(ct, tmp_path, description="CT", name="ct")
    save_dicom_series(
        Volume(np.ones((8, 9, 3)), np.diag([2.0, 2.0, 5.0, 1.0])), tmp_path, modality="MR", description="MR", name="mr"
    )
    rows = list_dicom_series(tmp_path)
    assert [(r.modality, r.description, r.slices, r.shape) for r in rows] == [
        ("CT", "CT", 6, (12, 10, 6)),
        ("MR", "MR", 3, (8, 9, 3)),
    ]
    np.testing.assert_allclose(rows[0].spacing, (0.7, 0.8, 2.5))
    assert "MR  'MR'  3 slices" in str(rows[1])


# --- real scanner files, against pydicom's modality LUT and nibabel's independent affine ------


def _nibabel_affine_in_our_axes(wrapper) -> np.ndarray:
    """nibabel's wrapper indexes (row, column) with normal column x row; ours (column, row) with row x column."""
    affine = wrapper.affine[:, [1, 0, 2, 3]]
    affine[:3, 2] *= -1
    return LPS_TO_RAS @ affine


@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small.dcm"])
def test_pydicom_bundled_scans_give_pydicom_modality_lut_values_and_the_affine_of_their_tags(name):
    path = get_testdata_file(name)
    ds = pydicom.dcmread(path)
    loaded = load_dicom(path)
    assert loaded.shape == (ds.Columns, ds.Rows, 1)
    np.testing.assert_array_equal(loaded.image[:, :, 0], apply_modality_lut(ds.pixel_array, ds).T.astype(np.float32))
    iop, ps = np.array(ds.ImageOrientationPatient, float), np.array(ds.PixelSpacing, float)
    for r, c in [(0, 0), (5, 17), (ds.Rows - 1, ds.Columns - 1)]:
        lps = np.array(ds.ImagePositionPatient, float) + c * ps[1] * iop[:3] + r * ps[0] * iop[3:]
        np.testing.assert_allclose(loaded.affine @ [c, r, 0, 1], LPS_TO_RAS @ [*lps, 1], atol=1e-9)
    np.testing.assert_allclose(
        loaded.affine, _nibabel_affine_in_our_axes(dicomwrappers.wrapper_from_data(ds)), atol=1e-6
    )


def test_ct_small_is_in_hounsfield_units():
    loaded = load_dicom(get_testdata_file("CT_small.dcm"))
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    assert float(ds.RescaleIntercept) == -1024.0
    assert loaded.image.min() == ds.pixel_array.min() - 1024.0


@pytest.mark.parametrize("name", ["decimal_rescale.dcm", "slicethickness_empty_string.dcm"])
def test_nibabel_scanner_files_agree_with_nibabel_dicomwrappers(name):
    path = str(NICOM_DATA / name)
    wrapper = dicomwrappers.wrapper_from_file(path)
    loaded = load_dicom(path)
    np.testing.assert_allclose(loaded.affine, _nibabel_affine_in_our_axes(wrapper), atol=1e-5)
    np.testing.assert_allclose(loaded.image[:, :, 0], wrapper.get_data().T, rtol=1e-6)


def test_a_siemens_mosaic_and_a_multi_frame_file_are_refused_with_advice(tmp_path):
    with pytest.raises(ValueError, match="Siemens mosaic"):
        load_dicom(NICOM_DATA / "0.dcm")
    with gzip.open(NICOM_DATA / "philips_mprage.dcm.gz") as source:
        (tmp_path / "mprage.dcm").write_bytes(source.read())
    with pytest.raises(ValueError, match=r"multi-frame file \(176 frames"):
        load_dicom(tmp_path / "mprage.dcm")


# --- errors -----------------------------------------------------------------------------------


def test_two_series_without_series_uid_are_listed_and_series_uid_picks_one(tmp_path):
    save_dicom_series(oblique_lps_ct(), tmp_path, description="soft tissue", name="a")
    save_dicom_series(oblique_lps_ct(seed=1), tmp_path, description="bone", name="b")
    with pytest.raises(ValueError, match="holds 2 series; choose one with series_uid=") as info:
        load_dicom(tmp_path)
    rows = list_dicom_series(tmp_path)
    for row in rows:
        assert f"{row.uid}  (CT, {row.description!r}, 6 slices)" in str(info.value)
    bone = next(r for r in rows if r.description == "bone")
    np.testing.assert_allclose(load_dicom(tmp_path, series_uid=bone.uid).image, oblique_lps_ct(seed=1).image, atol=0.05)
    with pytest.raises(ValueError, match="has no series '1.2.3'; it holds"):
        load_dicom(tmp_path, series_uid="1.2.3")
    with pytest.raises(TypeError, match="series_uid must be"):
        load_dicom(tmp_path, series_uid=7)


def test_a_missing_slice_is_reported_with_where(tmp_path):
    folder = save_dicom_series(oblique_lps_ct(), tmp_path)
    (folder / "slice_0004.dcm").unlink()
    with pytest.raises(
        ValueError,
        match=r"not evenly spaced: 5\.000 mm between sorted slices 2 and 3 .* where 2\.500 mm is typical; a missing slice",
    ):
        load_dicom(folder)


def test_gantry_tilt_is_refused_with_its_angle(tmp_path):
    folder = save_dicom_series(Volume(np.zeros((6, 5, 4)), np.diag([1.0, 1.0, 2.0, 1.0])), tmp_path)

    def tilt(ds, k):
        ds.ImagePositionPatient = [
            float(ds.ImagePositionPatient[0]),
            float(ds.ImagePositionPatient[1]) + 0.2 * k,
            float(ds.ImagePositionPatient[2]),
        ]

    _edit(folder, tilt)
    with pytest.raises(ValueError, match=r"sheared by 5\.71 degrees \(a gantry tilt\)"):
        load_dicom(folder)


def test_non_parallel_slices_are_refused(tmp_path):
    folder = save_dicom_series(Volume(np.zeros((6, 5, 4)), np.eye(4)), tmp_path)
    _edit(folder, lambda ds, k: setattr(ds, "ImageOrientationPatient", [1, 0, 0, 0, 0, -1]) if k == 2 else None)
    with pytest.raises(ValueError, match="not parallel: slice 2"):
        load_dicom(folder)


def test_mixed_image_sizes_are_refused(tmp_path):
    save_dicom_series(Volume(np.zeros((6, 5, 3)), np.eye(4)), tmp_path, series_uid="1.2.3.4", name="a")
    moved = np.eye(4)
    moved[2, 3] = 3.0
    save_dicom_series(Volume(np.zeros((8, 5, 2)), moved), tmp_path, series_uid="1.2.3.4", name="b")
    with pytest.raises(ValueError, match=r"different sizes \(rows x columns: 3 of 5x6, 2 of 5x8\)"):
        load_dicom(tmp_path)


def test_duplicate_positions_are_refused(tmp_path):
    volume = Volume(np.zeros((6, 5, 3)), np.eye(4))
    save_dicom_series(volume, tmp_path, name="a")
    save_dicom_series(volume, tmp_path, name="b")
    with pytest.raises(ValueError, match="two slices lie at the same position"):
        load_dicom(tmp_path)


def test_slices_without_geometry_are_refused(tmp_path):
    folder = save_dicom_series(Volume(np.zeros((6, 5, 3)), np.eye(4)), tmp_path)
    _edit(folder, lambda ds, k: delattr(ds, "ImagePositionPatient") if k == 0 else None)
    with pytest.raises(ValueError, match="1 file\\(s\\) \\(e.g. 'slice_0001.dcm'\\) lack ImagePositionPatient"):
        load_dicom(folder)


def test_no_dicom_files_and_non_dicom_files_are_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"holds no DICOM images \(0 files looked at"):
        load_dicom(tmp_path / "empty")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("not a scan")
    with pytest.raises(ValueError, match=r"holds no DICOM images \(1 files looked at"):
        load_dicom(tmp_path / "notes")
    with pytest.raises(ValueError, match="readme.txt' is not a DICOM image"):
        load_dicom(tmp_path / "notes" / "readme.txt")
    with pytest.raises(FileNotFoundError, match="path not found"):
        load_dicom(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="folder not found"):
        list_dicom_series(tmp_path / "missing")
    with pytest.raises(TypeError, match="path must be a folder or file path"):
        load_dicom(42)


def test_truncated_pixel_data_is_an_error_naming_the_file(tmp_path):
    folder = save_dicom_series(Volume(np.zeros((64, 64, 3)), np.eye(4)), tmp_path)
    broken = folder / "slice_0002.dcm"
    broken.write_bytes(broken.read_bytes()[:-2000])
    with pytest.raises(ValueError, match=r"cannot decode the pixel data of .*slice_0002\.dcm"):
        load_dicom(folder)


def test_non_image_dicom_files_in_the_folder_are_skipped(tmp_path):
    folder = save_dicom_series(Volume(np.zeros((6, 5, 3)), np.eye(4)), tmp_path)
    shutil.copy(get_testdata_file("rtplan.dcm"), folder / "plan.dcm")
    assert load_dicom(folder).shape == (6, 5, 3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"modality": "PET"}, ValueError, "modality must be one of"),
        ({"dtype": "float32"}, ValueError, "dtype must be one of"),
        ({"slope": -1.0}, ValueError, "slope must be a positive number"),
        ({"slope": 1.0, "intercept": 0.0, "dtype": "uint16"}, ValueError, "do not fit uint16"),
        ({"name": "a/b"}, ValueError, "name must be a plain file name prefix"),
        ({"series_uid": 5}, TypeError, "series_uid must be"),
    ],
)
def test_save_dicom_series_refuses_bad_parameters(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        save_dicom_series(oblique_lps_ct(), tmp_path, **kwargs)


def test_save_dicom_series_refuses_a_sheared_grid(tmp_path):
    sheared = np.eye(4)
    sheared[0, 1] = 0.5
    with pytest.raises(ValueError, match="not perpendicular"):
        save_dicom_series(Volume(np.zeros((4, 4, 4)), sheared), tmp_path)
