"""reorient: exact permutation/flip, agreeing with nibabel, recorded and replayable."""

from __future__ import annotations

import itertools

import nibabel as nib
import numpy as np
import pytest

from tutorial_utils import Volume, load_nifti, load_sample, records_from_json, records_to_json, reorient, replay
from tutorial_utils.spatial.orientation_ops import check_axcodes, orientation_change, reorient_array

ALL_CODES = [
    "".join(letters)
    for axes in itertools.permutations([("L", "R"), ("P", "A"), ("I", "S")])
    for letters in itertools.product(*axes)
]


def _rotation(angles_deg) -> np.ndarray:
    a, b, c = np.deg2rad(angles_deg)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rx @ ry @ rz


def oblique_lps_volume(shape=(7, 6, 5), seed=0) -> Volume:
    """A volume whose array axes point L, P, S (DICOM's order), tilted by a few degrees, anisotropic."""
    affine = np.eye(4)
    affine[:3, :3] = np.diag([-1.0, -1.0, 1.0]) @ _rotation((8, -5, 12)) @ np.diag([0.7, 0.9, 2.5])
    affine[:3, 3] = (12.0, -30.0, 4.0)
    rng = np.random.default_rng(seed)
    return Volume(rng.normal(size=shape).astype(np.float32), affine, rng.integers(0, 5, shape).astype(np.int16))


def _samples() -> dict[str, Volume]:
    epi = load_sample("epi")
    epi = epi.replace(label=(epi.image > np.percentile(epi.image, 60)).astype(np.uint8))
    return {"epi (LAS)": epi, "mni (RAS)": load_sample("mni"), "oblique LPS": oblique_lps_volume()}


@pytest.mark.parametrize("name", ["epi (LAS)", "mni (RAS)", "oblique LPS"])
def test_reorient_to_ras_agrees_exactly_with_nibabel_as_closest_canonical(name):
    volume = _samples()[name]
    ours = reorient(volume, axcodes="RAS")
    theirs_image = nib.as_closest_canonical(nib.Nifti1Image(volume.image, volume.affine))
    theirs_label = nib.as_closest_canonical(nib.Nifti1Image(volume.label, volume.affine))
    np.testing.assert_array_equal(ours.image, np.asanyarray(theirs_image.dataobj))
    np.testing.assert_array_equal(ours.label, np.asanyarray(theirs_label.dataobj))
    np.testing.assert_array_equal(ours.affine, theirs_image.affine)
    assert ours.axcodes == ("R", "A", "S")
    assert ours.label.dtype == volume.label.dtype


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_is_reached_and_every_voxel_keeps_its_world_position(code):
    volume = oblique_lps_volume()
    out = reorient(volume, axcodes=code)
    assert "".join(out.axcodes) == code
    # Each output voxel holds the input voxel at the same world position.
    out_index = np.stack(np.meshgrid(*map(np.arange, out.shape), indexing="ij"), -1).reshape(-1, 3)
    world = out.affine[:3, :3] @ out_index.T + out.affine[:3, 3:4]
    in_index = np.linalg.solve(volume.affine[:3, :3], world - volume.affine[:3, 3:4]).T
    in_index = np.rint(in_index).astype(int)
    np.testing.assert_allclose(volume.affine[:3, :3] @ in_index.T + volume.affine[:3, 3:4], world, atol=1e-9)
    np.testing.assert_array_equal(out.image.reshape(-1), volume.image[tuple(in_index.T)])
    np.testing.assert_array_equal(out.label.reshape(-1), volume.label[tuple(in_index.T)])


@pytest.mark.parametrize("start", ["LPS", "LAS", "PSR"])
def test_round_trips_through_ras_are_identities(start):
    volume = reorient(oblique_lps_volume(), axcodes=start)
    back = reorient(reorient(volume, axcodes="RAS"), axcodes=start)
    np.testing.assert_array_equal(back.image, volume.image)
    np.testing.assert_array_equal(back.label, volume.label)
    np.testing.assert_allclose(back.affine, volume.affine, rtol=0, atol=1e-12)


def test_reorient_is_recorded_with_the_original_code_and_replays_through_json():
    volume = load_sample("epi")
    out = reorient(reorient(volume), axcodes="lps")
    assert [(r.name, dict(r.params)) for r in out.history] == [
        ("reorient", {"axcodes": "RAS"}),
        ("reorient", {"axcodes": "lps"}),
    ]
    assert [r.measured["original_axcodes"] for r in out.history] == ["LAS", "RAS"]
    again = replay(volume, records_from_json(records_to_json(out.history)))
    np.testing.assert_array_equal(again.image, out.image)
    np.testing.assert_array_equal(again.affine, out.affine)
    assert again.history == out.history


def test_input_is_untouched_read_only_works_and_the_output_owns_contiguous_arrays():
    volume = oblique_lps_volume()
    image, label = volume.image.copy(), volume.label.copy()
    volume.image.flags.writeable = False
    volume.label.flags.writeable = False
    out = reorient(volume)
    np.testing.assert_array_equal(volume.image, image)
    np.testing.assert_array_equal(volume.label, label)
    for new, old in ((out.image, volume.image), (out.label, volume.label)):
        assert new.flags.c_contiguous and new.flags.writeable
        assert not np.shares_memory(new, old)


def test_an_already_ras_volume_is_unchanged_and_a_volume_without_label_works():
    volume = Volume(np.arange(24.0).reshape(2, 3, 4), np.diag([2.0, 3.0, 4.0, 1.0]))
    out = reorient(volume)
    np.testing.assert_array_equal(out.image, volume.image)
    np.testing.assert_array_equal(out.affine, volume.affine)
    assert out.label is None


@pytest.mark.parametrize(
    ("axcodes", "error"),
    [
        ("RAR", ValueError),
        ("RA", ValueError),
        ("XYZ", ValueError),
        ("RASS", ValueError),
        (42, TypeError),
        (None, TypeError),
    ],
)
def test_bad_codes_are_refused_naming_the_parameter(axcodes, error):
    with pytest.raises(error, match="axcodes must be"):
        reorient(oblique_lps_volume(), axcodes=axcodes)


def test_a_tampered_record_is_refused_on_replay():
    out = reorient(oblique_lps_volume(), axcodes="LPS")
    text = records_to_json(out.history).replace('"LPS"', '"LPX"')
    with pytest.raises(ValueError, match=r"record 0 \('reorient'\): axcodes must be"):
        replay(oblique_lps_volume(), records_from_json(text))


def test_array_layer_helpers():
    assert check_axcodes(["l", "p", "s"]) == "LPS"
    ornt = orientation_change(np.diag([-1.0, -1.0, 1.0, 1.0]), "RAS")
    np.testing.assert_array_equal(ornt, [[0, -1], [1, -1], [2, 1]])
    array = np.arange(8).reshape(2, 2, 2)
    np.testing.assert_array_equal(reorient_array(array, ornt), array[::-1, ::-1, :])


def test_load_nifti_canonical_returns_ras_and_records_the_file_orientation(tmp_path):
    volume = oblique_lps_volume()
    image_nii, label_nii = volume.to_nifti()
    nib.save(image_nii, tmp_path / "img.nii.gz")
    nib.save(label_nii, tmp_path / "seg.nii.gz")
    raw = load_nifti(tmp_path / "img.nii.gz", tmp_path / "seg.nii.gz")
    ras = load_nifti(tmp_path / "img.nii.gz", tmp_path / "seg.nii.gz", canonical=True)
    assert raw.axcodes == ("L", "P", "S") and raw.history == ()
    assert ras.axcodes == ("R", "A", "S")
    assert ras.history[0].measured == {"original_axcodes": "LPS"}
    np.testing.assert_array_equal(ras.label, np.asanyarray(nib.as_closest_canonical(label_nii).dataobj))
    np.testing.assert_array_equal(replay(raw, ras.history).image, ras.image)
    with pytest.raises(TypeError, match="canonical must be True or False"):
        load_nifti(tmp_path / "img.nii.gz", canonical="yes")
