"""The exercise checks of notebook 01: they call the reader's function on unseen inputs and explain wrong answers."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils import Volume
from tutorial_utils.display.orientation import orientation_labels
from tutorial_utils.exercises import nb01

MNI_AFFINE = np.array([[1.0, 0, 0, -98], [0, 1, 0, -134], [0, 0, 1, -72], [0, 0, 0, 1]])
EPI_AFFINE = np.array([[-2.0, 0, 0, 117.855], [0, 1.974, -0.356, -35.723], [0, 0.323, 2.171, -7.249], [0, 0, 0, 1]])


@pytest.fixture(scope="module")
def mni():
    """A stand-in with the MNI template's affine (the checks only read the affine)."""
    return Volume(np.zeros((6, 6, 6), np.float32), MNI_AFFINE)


@pytest.fixture(scope="module")
def epi():
    return Volume(np.zeros((6, 6, 6), np.float32), EPI_AFFINE)


@pytest.fixture(scope="module")
def ct():
    """A small CT-like volume: labels 0-6, each with the phantom's mean HU and some spread."""
    rng = np.random.default_rng(0)
    label = rng.integers(0, 7, (24, 20, 16)).astype(np.uint8)
    means = np.array([-1000, -100, 40, -830, 60, 740, 250], np.float32)
    spread = np.array([10, 10, 10, 90, 10, 370, 10], np.float32)
    image = (means[label] + spread[label] * rng.normal(size=label.shape)).astype(np.float32)
    return Volume(image, np.diag([1.25, 1.25, 2.5, 1.0]), label)


def voxel_at(affine, point_mm):
    """The solution of exercise 1."""
    voxel = np.linalg.inv(affine) @ [*point_mm, 1]
    return tuple(int(round(v)) for v in voxel[:3])


def left_on_screen(affine):
    """The solution of exercise 2."""
    return "right" if nib.aff2axcodes(affine)[0] == "L" else "left"


def fraction_in_window(volume, label_value, level, width):
    """The solution of exercise 3."""
    low, high = tu.window_limits(level, width)
    hu = volume.image[volume.label == label_value]
    return float(np.mean((hu >= low) & (hu <= high)))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb01.check_exercise_1(..., v), "voxel_at"),
        (lambda v: nb01.check_exercise_1(lambda affine, point: ..., v), "voxel"),
        (lambda v: nb01.check_exercise_2(..., v, v), "left_on_screen"),
        (lambda v: nb01.check_exercise_2(lambda affine: ..., v, v), "side"),
        (lambda v: nb01.check_exercise_3(..., v), "fraction_in_window"),
        (lambda v: nb01.check_exercise_3(lambda volume, value, level, width: ..., v), "inside"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, ct):
    with pytest.raises(NotImplementedError, match=rf"replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(ct)


# --- exercise 1: voxel_at ---------------------------------------------------------------------------------------


def test_exercise_1_cases_are_exact_voxel_coordinates_by_nibabel(mni):
    cases = nb01.voxel_cases(mni.affine)
    assert len(cases) >= 5 and any(d.startswith("an oblique") for d, *_ in cases)
    for _, affine, point, exact in cases:
        assert np.allclose(nib.affines.apply_affine(np.linalg.inv(affine), point), exact)
        assert np.all(np.abs(exact - np.round(exact)) < 0.45), "the nearest voxel must be unambiguous"
    assert tuple(np.round(cases[0][3]).astype(int)) == (98, 134, 72)  # the MNI world origin


def test_exercise_1_accepts_the_inverse_affine_rounded_to_ints(run_check, mni):
    ok, printed = run_check(nb01.check_exercise_1, voxel_at, mni)
    assert ok, printed
    assert "(98, 134, 72)" in printed  # the reader's own answer, shown with its world position


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        # the typical wrong answer: floats where voxel indices are asked for
        (lambda a, p: tuple((np.linalg.inv(a) @ [*p, 1])[:3]), "whole numbers"),
        (lambda a, p: tuple(np.rint(np.linalg.inv(a) @ [*p, 1])[:3]), "whole numbers"),
        (lambda a, p: (98, 134, 72), "mm from the point"),  # typed in from the figure: wrong on unseen affines
        (lambda a, p: tuple(int(round(v)) for v in (a @ [*p, 1])[:3]), "its inverse"),
        (lambda a, p: tuple(int(v) for v in (np.linalg.inv(a) @ [*p, 1])[:3]), "cuts off the fraction"),
        (lambda a, p: tuple(int(round(v)) for v in (np.asarray(p) - a[:3, 3]) / np.diag(a)[:3]), "oblique"),
        (lambda a, p: tuple(int(round(v)) for v in np.linalg.inv(a) @ [*p, 1]), "homogeneous"),
        (lambda a, p: np.linalg.inv(a) @ p, "raised ValueError"),
        (lambda a, p: "98, 134, 72", "three voxel indices"),
    ],
)
def test_exercise_1_rejects_wrong_functions_saying_why(run_check, mni, answer, message):
    ok, printed = run_check(nb01.check_exercise_1, answer, mni)
    assert not ok
    assert message in printed
    assert "Not yet:" in printed


def test_exercise_1_never_prints_the_expected_voxel_for_a_wrong_answer(run_check, mni):
    _, printed = run_check(nb01.check_exercise_1, lambda a, p: (1, 2, 3), mni)
    assert "98" not in printed and "134" not in printed


# --- exercise 2: left_on_screen ---------------------------------------------------------------------------------


def test_exercise_2_cases_agree_with_the_display_letters(epi, mni):
    cases = nb01.side_cases(epi.affine, mni.affine)
    sides = {nb01.screen_side_of_patient_left(a) for _, a in cases}
    assert sides == {"left", "right"}, "the cases need both answers, or a constant passes"
    for _, affine in cases:
        letter_on_the_right = orientation_labels(affine, 2)["right"]
        assert nb01.screen_side_of_patient_left(affine) == ("right" if letter_on_the_right == "L" else "left")


def test_exercise_2_accepts_the_first_orientation_code(run_check, epi, mni):
    ok, printed = run_check(nb01.check_exercise_2, left_on_screen, epi, mni)
    assert ok, printed


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda a: "left", 'answers "left" for every affine'),  # the typed-in answers of the old exercise
        (lambda a: "right", 'answers "right" for every affine'),
        (lambda a: "left" if nib.aff2axcodes(a)[0] == "L" else "right", "reversed"),
        (lambda a: "right" if nib.aff2axcodes(a)[2] == "I" else "left", "the first orientation code"),
        (lambda a: nib.aff2axcodes(a)[0], 'must return "left" or "right"'),
        (lambda a: a.axcodes, "raised AttributeError"),
    ],
)
def test_exercise_2_rejects_wrong_functions_saying_why(run_check, epi, mni, answer, message):
    ok, printed = run_check(nb01.check_exercise_2, answer, epi, mni)
    assert not ok
    assert message in printed


# --- exercise 3: fraction_in_window -----------------------------------------------------------------------------


def test_exercise_3_cases_give_fractions_between_0_and_1(ct):
    cases = nb01.window_cases(ct)
    fractions = [nb01.fraction_in_window(ct, value, level, width) for _, value, level, width in cases]
    assert fractions[0] > 0.99 and fractions[1] < 0.1  # lung and abdomen windows on the lung
    assert sum(0.02 < f < 0.98 for f in fractions[2:]) >= 4, "most made-up windows must cut through a label"


def test_exercise_3_accepts_the_fraction_of_the_label_voxels(run_check, ct):
    ok, printed = run_check(nb01.check_exercise_3, fraction_in_window, ct)
    assert ok, printed


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        # the typed-in answer (1.0, 0.0), as a function of the window
        (lambda v, value, level, width: 1.0 if level == -600 else 0.0, "is off for"),
        (lambda v, value, level, width: 100 * fraction_in_window(v, value, level, width), "percentage"),
        (lambda v, value, level, width: float(np.mean(np.abs(v.image - level) <= width / 2)), "whole image"),
        (
            lambda v, value, level, width: float(np.mean(np.abs(v.image[v.label == value] - level) <= width)),
            "too wide",
        ),
        (
            lambda v, value, level, width: int(
                np.count_nonzero(np.abs(v.image[v.label == value] - level) <= width / 2)
            ),
            "number of voxels",
        ),
        (lambda v, value, level, width: np.abs(v.image[v.label == value] - level) <= width / 2, "return one number"),
        (lambda v, value, level, width: "all", "must return a number"),
    ],
)
def test_exercise_3_rejects_wrong_functions_saying_why(run_check, ct, answer, message):
    ok, printed = run_check(nb01.check_exercise_3, answer, ct)
    assert not ok
    assert message in printed


def test_exercise_3_prints_no_fraction_before_the_verdict(run_check, ct):
    _, printed = run_check(nb01.check_exercise_3, lambda v, value, level, width: 0.5, ct)
    assert printed.startswith("Not yet:") and "%" not in printed
