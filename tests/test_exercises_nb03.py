"""The exercise checks of notebook 03: an exact quarter turn, one generator for a chain, a pure magnification matrix."""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from blobs import blob_volume
from tutorial_utils.exercises import nb03


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb03.check_exercise_1(..., v.image, v.image), "once"),
        (lambda v: nb03.check_exercise_1(v.image, ..., v.image), "twice"),
        (lambda v: nb03.check_exercise_2(..., v), "augment"),
        (lambda v: nb03.check_exercise_2(lambda volume, rng=None: ..., v), "rng"),
        (lambda v: nb03.check_exercise_3(..., v), "m"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name):
    with pytest.raises(NotImplementedError, match=rf"replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(blob_volume())


# --- exercise 1 -------------------------------------------------------------------------------------------------


def test_exercise_1_wants_an_exact_quarter_turn_and_two_interpolated_steps(run_check):
    square = blob_volume((16, 16, 6)).image
    once = tu.rotate(square, 90, axes=(0, 1))
    twice = tu.rotate(tu.rotate(square, 45, axes=(0, 1)), 45, axes=(0, 1))
    ok, printed = run_check(nb03.check_exercise_1, once, twice, square, body_threshold=30)
    assert ok and "RMS difference of two 45 degree steps" in printed
    ok, printed = run_check(nb03.check_exercise_1, tu.rotate(square, 90, axes=(1, 0)), twice, square)
    assert not ok and "the other way" in printed
    ok, printed = run_check(nb03.check_exercise_1, once, once, square)
    assert not ok and "then rotate that result" in printed
    ok, printed = run_check(nb03.check_exercise_1, tu.rotate(blob_volume().image, 90), twice, square)
    assert not ok and "rotate the square" in printed
    ok, printed = run_check(nb03.check_exercise_1, once, tu.rotate(square, 90, axes=(0, 1), order=3), square)
    assert not ok and "two tu.rotate" in printed
    ok, printed = run_check(nb03.check_exercise_1, tu.rotate(square, 89, axes=(0, 1)), twice, square)
    assert not ok and "not an exact 90 degree rotation" in printed


# --- exercise 2 -------------------------------------------------------------------------------------------------


def augment(volume, rng=None):
    """The solution of exercise 2."""
    rng = np.random.default_rng(rng)
    return tu.random_affine(tu.random_flip(volume, rng=rng), rng=rng)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda volume, rng=None: tu.random_affine(tu.random_flip(volume, rng=rng), rng=rng), "one generator"),
        (lambda volume, rng=None: tu.random_affine(tu.random_flip(volume, p=1.0)), "pass rng to both steps"),
        (
            lambda volume, rng=None: tu.random_flip(tu.random_affine(volume, rng=np.random.default_rng(rng)), rng=rng),
            "['flip', 'affine'] in that order",
        ),
        (lambda volume, rng=None: volume.image, "return the augmented Volume"),
        (lambda volume, rng=None: tu.random_affine(volume, rng=rng), "['flip', 'affine'] in that order"),
    ],
)
def test_exercise_2_wants_one_generator_for_both_steps(run_check, answer, message):
    volume = blob_volume((12, 10, 8))
    ok, printed = run_check(nb03.check_exercise_2, augment, volume)
    assert ok and "(c) the same seed gives the same output: True" in printed
    ok, printed = run_check(nb03.check_exercise_2, answer, volume)
    assert not ok
    assert message in printed


# --- exercise 3 -------------------------------------------------------------------------------------------------


def _sheared(matrix):
    m = np.array(matrix)
    m[0, 1] = 0.7
    return m


@pytest.fixture(scope="module")
def epi_like():
    return blob_volume((24, 20, 12), spacing=(2.0, 2.0, 2.2))


def test_exercise_3_accepts_the_magnification_about_the_centre(run_check, epi_like):
    matrix = tu.affine_matrix(epi_like.shape, scale=1.2, spacing=epi_like.spacing)
    ok, printed = run_check(nb03.check_exercise_3, matrix, epi_like)
    assert ok, printed


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda v: _sheared(tu.affine_matrix(v.shape, scale=1.2)), "off the diagonal"),  # the sheared matrix
        (lambda v: tu.affine_matrix(v.shape, scale=1.2, rotation=(0, 0, 10)), "off the diagonal"),
        (lambda v: np.diag([1.2, 1.2, 1.2, 1.0]), "shrinks the anatomy"),
        (lambda v: np.diag([1 / 1.2, 1 / 1.2, 1 / 1.2, 1.0]), "does not map to itself"),
        (lambda v: tu.affine_matrix(v.shape, scale=1.1), "not 1 / 1.2"),
        (lambda v: tu.affine_matrix(v.shape, scale=(1.2, 1.2, 1.0)), "not 1 / 1.2"),
        (lambda v: tu.affine_matrix(v.shape, scale=1.2, translation=(2, 0, 0)), "does not map to itself"),
        (lambda v: np.eye(3), "4 x 4"),
        (lambda v: np.vstack([tu.affine_matrix(v.shape, scale=1.2)[:3], [0, 0, 1, 1]]), "last row"),
    ],
)
def test_exercise_3_rejects_any_other_matrix(run_check, epi_like, make, message):
    ok, printed = run_check(nb03.check_exercise_3, make(epi_like), epi_like)
    assert not ok
    assert message in printed
    assert "0.833" not in printed  # never the expected diagonal


def test_the_checks_do_not_modify_their_inputs():
    volume = blob_volume()
    image = volume.image.copy()
    volume.image.setflags(write=False)
    square = volume.image[:, :18]
    nb03.check_exercise_1(tu.rotate(square, 90), square, square)
    nb03.check_exercise_3(np.eye(4), volume)
    assert np.array_equal(volume.image, image)
