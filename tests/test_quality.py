"""check_scan: each trap is found, with numbers and advice, and clean scans give no finding."""

from __future__ import annotations

import re

import nibabel as nib
import numpy as np
import pytest

from tutorial_utils import Finding, Volume, check_scan, load_sample

RAS = np.diag([1.0, 1.0, 1.0, 1.0])


def _checks(findings: list[Finding]) -> list[str]:
    return [f.check for f in findings]


def test_clean_samples_give_no_finding():
    assert check_scan(load_sample("mni"), modality="MR", label_values=range(4)) == []
    ct = load_sample("ct")
    assert check_scan(ct.replace(image=np.clip(ct.image, -1024, 3071)), modality="CT", label_values=range(7)) == []


def test_orientation_and_anisotropy():
    findings = check_scan(Volume(np.zeros((4, 4, 4)), np.diag([-0.8, 0.8, 3.5, 1.0])))
    assert _checks(findings) == ["orientation", "anisotropy"]
    assert "point LAS, not RAS" in findings[0].message and "tu.reorient" in findings[0].advice
    assert "largest is 4.4 times the smallest" in findings[1].message
    assert check_scan(Volume(np.zeros((4, 4, 4)), np.diag([1.0, 1.0, 3.0, 1.0]))) == []
    assert _checks(check_scan(Volume(np.zeros((4, 4, 4)), np.diag([1.0, 1.0, 3.0, 1.0])), max_anisotropy=2)) == [
        "anisotropy"
    ]


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([-3024.0, 0.0, 500.0], r"1 voxels \(1\.56%\) below -1024 HU \(min -3024\)"),
        ([0.0, 1024.0, 4000.0], "no negative values"),
    ],
)
def test_ct_values_outside_the_hounsfield_range(values, match):
    image = np.full((4, 4, 4), values[1])
    image[0, 0, 0], image[1, 1, 1] = values[0], values[2]
    (finding,) = check_scan(Volume(image, RAS), modality="CT")
    assert finding.check == "ct_range"
    assert re.search(match, finding.message)


def test_mri_with_negative_values():
    image = np.ones((4, 4, 4))
    image[0, 0, :2] = -0.5
    (finding,) = check_scan(Volume(image, RAS), modality="MR")
    assert finding.check == "mr_negative" and "2 voxels (3.12%) are negative" in finding.message
    assert check_scan(Volume(image, RAS)) == []


def test_label_values_outside_the_given_set():
    label = np.zeros((4, 4, 4), np.int16)
    label[0, 0, 0], label[1, 1, 1] = 9, 12
    (finding,) = check_scan(Volume(np.zeros((4, 4, 4)), RAS, label), label_values=[0, 1, 2])
    assert "values [9, 12] not in [0, 1, 2]" in finding.message
    (missing,) = check_scan(Volume(np.zeros((4, 4, 4)), RAS), label_values=[0, 1])
    assert "no label" in missing.message


def test_qform_and_sform_that_disagree_are_found_in_the_file(tmp_path):
    image = nib.Nifti1Image(np.zeros((10, 10, 10), np.float32), RAS)
    shifted = RAS.copy()
    shifted[:3, 3] = (0.0, 3.0, 4.0)
    image.set_qform(shifted, code=1)
    image.set_sform(RAS, code=1)
    nib.save(image, tmp_path / "scan.nii.gz")
    (finding,) = check_scan(tmp_path / "scan.nii.gz")
    assert finding.check == "qform_sform" and "up to 5.0 mm apart" in finding.message


def test_a_header_without_orientation_is_found(tmp_path):
    image = nib.Nifti1Image(np.zeros((4, 4, 4), np.float32), RAS)
    image.set_qform(None, code=0)
    image.set_sform(None, code=0)
    # nibabel's fallback affine flips x (the Analyze convention), hence LAS
    assert _checks(check_scan(image)) == ["no_orientation", "orientation"]


def test_a_label_file_on_another_grid_is_found(tmp_path):
    image = nib.Nifti1Image(np.zeros((4, 4, 4), np.float32), RAS)
    moved = RAS.copy()
    moved[0, 3] = 2.0
    (finding,) = check_scan(image, nib.Nifti1Image(np.zeros((4, 4, 4), np.uint8), moved), label_values=[0])
    assert finding.check == "label_grid" and "corners up to 2.00 mm apart" in finding.message
    (finding,) = check_scan(image, nib.Nifti1Image(np.zeros((4, 4, 5), np.uint8), RAS))
    assert "shape (4, 4, 5)" in finding.message
    label = np.zeros((4, 4, 4), np.uint8)
    label[0, 0, 0] = 5
    (finding,) = check_scan(image, nib.Nifti1Image(label, RAS), label_values=[0, 1])
    assert finding.check == "label_values"


def test_a_float_label_file_with_fractions_is_an_error_naming_it(tmp_path):
    image = nib.Nifti1Image(np.zeros((4, 4, 4), np.float32), RAS)
    nib.save(nib.Nifti1Image(np.full((4, 4, 4), 0.5, np.float32), RAS), tmp_path / "prob.nii.gz")
    with pytest.raises(ValueError, match=r"prob\.nii\.gz.*non-integer values, the first 0\.5"):
        check_scan(image, tmp_path / "prob.nii.gz")


def test_findings_print_what_and_what_to_do():
    (finding,) = check_scan(Volume(np.zeros((2, 2, 2)), np.diag([-1.0, -1.0, 1.0, 1.0])))
    assert str(finding) == f"[orientation] {finding.message}\n    -> {finding.advice}"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"modality": "PET"}, ValueError, "modality must be 'CT', 'MR' or None"),
        ({"max_anisotropy": 0.5}, ValueError, "max_anisotropy must be a number >= 1"),
        ({"label": "seg.nii.gz"}, TypeError, "a Volume brings its own label"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        check_scan(Volume(np.zeros((2, 2, 2)), RAS), **kwargs)
