"""The exercise checks of notebook 08: refuse an unfilled answer, accept the solution, explain wrong answers.

Each exercise is a function that the check also calls on data the notebook
does not show, so an answer tuned to the notebook's data fails.
"""

from __future__ import annotations

import shutil

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

import tutorial_utils as tu
from tutorial_utils import Volume, load_sample, save_dicom_series
from tutorial_utils.dicom.geometry import slice_normal
from tutorial_utils.exercises import nb08


@pytest.fixture(scope="module")
def epi():
    return load_sample("epi")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda epi, folder: nb08.check_exercise_1(..., epi), "flip_first_axis"),
        (lambda epi, folder: nb08.check_exercise_2(..., folder), "sort_slices"),
        (lambda epi, folder: nb08.check_exercise_3(...), "to_hu"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, epi, shuffled):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(epi, shuffled)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda epi, folder: nb08.check_exercise_1(lambda v: ..., epi), "flip_first_axis"),
        (lambda epi, folder: nb08.check_exercise_2(lambda paths: ..., folder), "sort_slices"),
        (lambda epi, folder: nb08.check_exercise_3(lambda ds: ...), "to_hu"),
    ],
)
def test_an_unfilled_function_body_is_your_turn(call, name, epi, shuffled):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. inside {name}"):
        call(epi, shuffled)


# --- exercise 1 ------------------------------------------------------------------------------------------------


def _flip_solution(volume):
    flip = np.eye(4)
    flip[0, 0], flip[0, 3] = -1.0, volume.shape[0] - 1
    return Volume(np.flip(volume.image, axis=0), volume.affine @ flip)


def test_exercise_1_accepts_a_flip_with_the_right_affine_and_agrees_with_reorient(run_check, epi):
    ok, out = run_check(nb08.check_exercise_1, _flip_solution, epi)
    assert ok and "epi: your result points RAS" in out, out
    assert np.allclose(_flip_solution(epi).affine, tu.reorient(epi).affine)


def _with_offset(offset_of_n, world_side=False):
    def flip_first_axis(volume):
        flip = np.eye(4)
        flip[0, 0], flip[0, 3] = -1.0, offset_of_n(volume.shape[0])
        affine = flip @ volume.affine if world_side else volume.affine @ flip
        return Volume(np.flip(volume.image, axis=0), affine)

    return flip_first_axis


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda v: Volume(np.flip(v.image, axis=0), v.affine), "still places voxel 0"),
        (_with_offset(lambda n: 0), "origin did not move"),
        (_with_offset(lambda n: n), "one voxel off (n)"),
        (_with_offset(lambda n: n - 1, world_side=True), "on the right, not the world side"),
        (_with_offset(lambda n: 127), "a volume you have not seen"),  # hard-coded for epi's 128 voxels
        (lambda v: Volume(v.image, _flip_solution(v).affine), "not flipped along axis 0"),
        (lambda v: Volume(np.flip(v.image, axis=1), _flip_solution(v).affine), "not the input reversed"),
        (lambda v: tu.reorient(v), "a volume you have not seen"),  # right for LAS only
        (lambda v: np.flip(v.image, axis=0), "must return a Volume"),
        (lambda v: v.missing, "raised AttributeError"),
    ],
)
def test_exercise_1_rejects_wrong_flips_in_the_readers_terms(run_check, epi, answer, message):
    ok, out = run_check(nb08.check_exercise_1, answer, epi)
    assert not ok and message in out, out
    assert "F = [[" not in out  # the matrix of the answer is never printed


# --- exercise 2 ------------------------------------------------------------------------------------------------


@pytest.fixture
def shuffled(tmp_path):
    folder = save_dicom_series(Volume(np.arange(60.0).reshape(3, 4, 5), np.eye(4)), tmp_path / "series")
    target = tmp_path / "shuffled"
    target.mkdir()
    for new, path in zip([3, 0, 4, 1, 2], sorted(folder.iterdir())):
        shutil.copy(path, target / f"IM{new}")
    return target


def _by_normal(paths):
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in paths]
    normal = slice_normal(headers[0].ImageOrientationPatient)
    return [paths[i] for i in np.argsort([np.dot(h.ImagePositionPatient, normal) for h in headers])]


def _by_header(key):
    return lambda paths: sorted(paths, key=lambda p: key(pydicom.dcmread(p, stop_before_pixels=True)))


def test_exercise_2_accepts_the_order_along_the_normal_as_paths_or_names(run_check, shuffled):
    ok, out = run_check(nb08.check_exercise_2, _by_normal, shuffled)
    assert ok and "your order for the shuffled folder: IM3, IM0, IM4" in out, out
    ok, out = run_check(nb08.check_exercise_2, lambda paths: [p.name for p in _by_normal(paths)], shuffled)
    assert ok, out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (sorted, "file-name order"),
        (lambda paths: _by_normal(paths)[::-1], "reversed"),
        (_by_header(lambda h: float(h.ImagePositionPatient[2])), "sagittal series you have not seen) is not sorted"),
        (_by_header(lambda h: int(h.InstanceNumber)), "follows InstanceNumber"),
        (_by_header(lambda h: float(h.ImagePositionPatient[0])), "reversed"),  # x grows against this normal
        (lambda paths: _by_normal(paths)[1:], "every file of the series once"),
        (lambda paths: "IM3", "every file of the series once"),
        (lambda paths: 5, "must return a list of paths"),
    ],
)
def test_exercise_2_rejects_orders_that_are_not_along_the_normal(run_check, shuffled, answer, message):
    ok, out = run_check(nb08.check_exercise_2, answer, shuffled)
    assert not ok and message in out, out


def test_exercise_2_the_unseen_series_is_sagittal_with_scrambled_instance_numbers(tmp_path):
    paths = nb08._write_unseen_sagittal_series(tmp_path)
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in paths]
    assert len({float(h.ImagePositionPatient[2]) for h in headers}) == 1  # sorting by z cannot work
    order = nb08.slice_order_reference(paths)
    by_instance = [p.name for p in sorted(paths, key=lambda p: int(pydicom.dcmread(p).InstanceNumber))]
    assert by_instance != order and sorted(p.name for p in paths) != order


# --- exercise 3 ------------------------------------------------------------------------------------------------


def _hu(ds):
    return ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)


def test_exercise_3_accepts_slope_and_intercept_from_the_header(run_check):
    ok, out = run_check(nb08.check_exercise_3, _hu)
    assert ok and "CT_small.dcm: your values run from -896 to 1167" in out, out
    from pydicom.pixels import apply_modality_lut

    ok, out = run_check(nb08.check_exercise_3, lambda ds: apply_modality_lut(ds.pixel_array, ds))
    assert ok, out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda ds: ds.pixel_array, "returns the stored values"),
        (lambda ds: ds.pixel_array - 1024.0, "fixed rescale values"),
        (lambda ds: ds.pixel_array + float(ds.RescaleIntercept), "ignores RescaleSlope"),
        (lambda ds: (ds.pixel_array + float(ds.RescaleIntercept)) * float(ds.RescaleSlope), "before the slope"),
        (lambda ds: _hu(ds)[:64], "returned shape (64, 128)"),
        (lambda ds: _hu(ds).T[::-1], "is not stored * RescaleSlope"),
        (lambda ds: "HU", "must return an array of numbers"),
    ],
)
def test_exercise_3_rejects_wrong_conversions(run_check, answer, message):
    ok, out = run_check(nb08.check_exercise_3, answer)
    assert not ok and message in out, out


def test_exercise_3_checks_rescale_values_the_notebook_does_not_show():
    variants = nb08._ct_small_variants()
    slopes = {float(ds.RescaleSlope) for ds in variants.values()}
    intercepts = {float(ds.RescaleIntercept) for ds in variants.values()}
    assert len(slopes) == 3 and len(intercepts) == 3
    raw = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    assert float(raw.RescaleSlope) == 1.0 and float(raw.RescaleIntercept) == -1024.0  # unchanged by the check
