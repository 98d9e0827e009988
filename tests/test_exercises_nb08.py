"""The check functions of notebook 08's exercises accept the solutions and explain the usual mistakes."""

from __future__ import annotations

import shutil

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

from tutorial_utils import Volume, load_sample, save_dicom_series
from tutorial_utils.exercises import nb08


def test_exercise_1_accepts_a_flip_with_the_right_affine(capsys):
    epi = load_sample("epi")
    flip = np.eye(4)
    flip[0, 0], flip[0, 3] = -1.0, epi.shape[0] - 1
    assert nb08.check_exercise_1(Volume(np.flip(epi.image, axis=0), epi.affine @ flip), epi)
    assert capsys.readouterr().out.startswith("right: axcodes RAS")


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        (lambda epi: Volume(np.flip(epi.image, axis=0), epi.affine), "still places voxel 0"),
        (lambda epi: epi, "axcodes LAS; flip axis 0"),
        (lambda epi: epi.image, "expected a Volume"),
    ],
)
def test_exercise_1_explains_wrong_answers(capsys, make, hint):
    epi = load_sample("epi")
    assert not nb08.check_exercise_1(make(epi), epi)
    out = capsys.readouterr().out
    assert out.startswith("not yet:") and hint in out


@pytest.fixture
def shuffled(tmp_path):
    folder = save_dicom_series(Volume(np.arange(60.0).reshape(3, 4, 5), np.eye(4)), tmp_path / "series")
    target = tmp_path / "shuffled"
    target.mkdir()
    for new, path in zip([3, 0, 4, 1, 2], sorted(folder.iterdir())):
        shutil.copy(path, target / f"IM{new}")
    return target


def test_exercise_2_accepts_the_order_along_the_normal(shuffled, capsys):
    headers = [pydicom.dcmread(p) for p in sorted(shuffled.iterdir())]
    normal = np.cross(
        np.array(headers[0].ImageOrientationPatient[:3], float), np.array(headers[0].ImageOrientationPatient[3:], float)
    )
    order = np.argsort([np.dot(np.array(h.ImagePositionPatient, float), normal) for h in headers])
    files = sorted(shuffled.iterdir())
    assert nb08.check_exercise_2([files[i] for i in order], shuffled)
    assert capsys.readouterr().out == "right: 5 files, from IM3 to IM2: the order load_dicom uses.\n"


def test_exercise_2_explains_name_order_and_reversed_order(shuffled, capsys):
    assert not nb08.check_exercise_2(sorted(shuffled.iterdir()), shuffled)
    assert "file-name order" in capsys.readouterr().out
    assert not nb08.check_exercise_2(["IM2", "IM1", "IM4", "IM0", "IM3"], shuffled)
    assert "reversed" in capsys.readouterr().out
    assert not nb08.check_exercise_2(None, shuffled)


def test_exercise_3_accepts_hounsfield_units_and_explains_stored_values(capsys):
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    assert nb08.check_exercise_3(ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept))
    assert "RescaleIntercept -1024" in capsys.readouterr().out
    assert not nb08.check_exercise_3(ds.pixel_array)
    assert "stored values" in capsys.readouterr().out
    assert not nb08.check_exercise_3(ds.pixel_array[:64])
    assert "expected shape" in capsys.readouterr().out
