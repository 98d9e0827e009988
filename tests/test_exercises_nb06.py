"""The exercise checks of notebook 06: refuse an unfilled answer, accept the solution, explain wrong answers.

Where the reader writes a function, the check also calls it on inputs the
notebook does not show, so a function that returns a memorised value fails.
"""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils import Volume
from tutorial_utils.exercises import nb06

SHAPE = (24, 24, 24)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb06.check_exercise_1(..., 1.0, v.shape), "alpha_for"),
        (lambda v: nb06.check_exercise_1(nb06.alpha_for_mean, ..., v.shape), "measured_mean"),
        (lambda v: nb06.check_exercise_2(..., 20, v), "min_jacobians"),
        (lambda v: nb06.check_exercise_2({10: 0.5}, ..., v), "largest"),
        (lambda v: nb06.check_exercise_3(..., v, v), "deform_like_augmented"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, head):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(head)


@pytest.mark.parametrize(
    "call",
    [
        lambda v: nb06.check_exercise_1(lambda mean, sigma: ..., 1.0, SHAPE),
        lambda v: nb06.check_exercise_3(lambda volume: ..., v, tu.random_elastic(v, max_displacement=2.0, rng=0)),
    ],
)
def test_an_unfilled_function_body_is_your_turn(call, head):
    with pytest.raises(NotImplementedError, match=r"^Your turn: replace the \.\.\. inside"):
        call(head)


# --- exercise 1 ------------------------------------------------------------------------------------------------


def _measured(alpha, shape=SHAPE):
    return tu.displacement_stats(tu.gaussian_displacement_field(shape, alpha, 20.0, rng=0))["mean_displacement"]


def test_exercise_1_accepts_the_formula_and_the_measurement(run_check):
    ok, out = run_check(nb06.check_exercise_1, nb06.alpha_for_mean, _measured(nb06.alpha_for_mean(2.0, 20.0)), SHAPE)
    assert ok and "falls short" in out, out


@pytest.mark.parametrize(
    ("alpha_for", "message"),
    [
        (lambda m, s: nb06.alpha_for_mean(m, s) / 1.6, "*std*"),
        (lambda m, s: nb06.alpha_for_mean(m, s, ndim=2), "2D exponent"),
        (lambda m, s: nb06.alpha_for_mean(m, s) * np.sqrt(1 / 3), "sqrt(1/3)"),
        (lambda m, s: 1292.0, "returns the same alpha as for (2, 20)"),
        (lambda m, s: nb06.alpha_for_mean(m, s) * 1.1, "does not solve the formula"),
        (lambda m, s: str(nb06.alpha_for_mean(m, s)), "must return a number"),
        (lambda m, s: m / 0 if m < 1 else nb06.alpha_for_mean(m, s), "raised ZeroDivisionError"),
    ],
)
def test_exercise_1_rejects_wrong_formulas_without_printing_the_right_alpha(run_check, alpha_for, message):
    ok, out = run_check(nb06.check_exercise_1, alpha_for, 1.0, SHAPE)
    assert not ok and message in out, out
    checked = "\n".join(line for line in out.splitlines() if "; got " not in line)  # a reader's value echoed back
    for mean, sigma in nb06.EXERCISE_1_UNSEEN:
        assert f"{nb06.alpha_for_mean(mean, sigma):.4g}" not in checked


@pytest.mark.parametrize(
    ("measured", "message"),
    [
        (
            lambda a: tu.displacement_stats(tu.gaussian_displacement_field(SHAPE, a, 20.0, rng=0))["max_displacement"],
            "largest",
        ),
        (lambda a: 2.0, "not the mean displacement"),
        (lambda a: _measured(a, (20, 20, 20)), "not the mean displacement"),
        (lambda a: "1.7", "must be a number"),
    ],
)
def test_exercise_1_rejects_a_wrong_measurement(run_check, measured, message):
    ok, out = run_check(nb06.check_exercise_1, nb06.alpha_for_mean, measured(nb06.alpha_for_mean(2.0, 20.0)), SHAPE)
    assert not ok and message in out, out
    assert f"{_measured(nb06.alpha_for_mean(2.0, 20.0)):.2f}" not in out


# --- exercise 2 ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def head_sized():
    """200 mm across, like a head, in few voxels: folds at some of the four settings."""
    return Volume(np.zeros((40, 40, 40), np.float32), np.diag([5.0, 5.0, 5.0, 1.0]))


@pytest.fixture(scope="module")
def reference(head_sized):
    return nb06.min_jacobians_reference(head_sized)


def test_exercise_2_accepts_the_measured_determinants_and_the_largest_safe_setting(run_check, head_sized, reference):
    assert any(value <= 0 for value in reference.values()) and any(value > 0 for value in reference.values())
    safe = max(mm for mm, value in reference.items() if value > 0)
    ok, out = run_check(nb06.check_exercise_2, reference, safe, head_sized)
    assert ok, out
    ok, out = run_check(nb06.check_exercise_2, {float(k): v for k, v in reference.items()}, float(safe), head_sized)
    assert ok, out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda v, r: nb06.min_jacobians_reference(v, num_control_points=7), "7 control points"),
        (lambda v, r: nb06.min_jacobians_reference(v, key="mean_displacement_mm"), "mean displacement"),
        (lambda v, r: {mm: value + 0.2 for mm, value in r.items()}, "not the smallest Jacobian"),
        (lambda v, r: {str(mm): value for mm, value in r.items()}, "no entry 10"),
        (lambda v, r: [r[mm] for mm in r], "must be a dict"),
        (lambda v, r: {**r, 10: "0.5"}, "must be a number"),
    ],
)
def test_exercise_2_rejects_wrong_determinants(run_check, head_sized, reference, answer, message):
    safe = max(mm for mm, value in reference.items() if value > 0)
    ok, out = run_check(nb06.check_exercise_2, answer(head_sized, reference), safe, head_sized)
    assert not ok and message in out, out
    problems = [line for line in out.split("Not yet:")[-1].splitlines() if "; got " not in line]
    assert not any(f"{value:.2f}" in line for value in reference.values() for line in problems)


@pytest.mark.parametrize(
    ("largest", "message"),
    [
        (lambda safe: safe + 10, "folds"),
        (lambda safe: safe - 10, "does not fold either"),
        (lambda safe: 25, "one of the four"),
        (lambda safe: str(safe), "one of the four"),
    ],
)
def test_exercise_2_rejects_a_wrong_largest_setting(run_check, head_sized, reference, largest, message):
    safe = max(mm for mm, value in reference.items() if value > 0)
    assert safe in (20, 30), "the cases below need a folding setting above and a safe one below"
    ok, out = run_check(nb06.check_exercise_2, reference, largest(safe), head_sized)
    assert not ok and message in out, out


# --- exercise 3 ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def augmented(head):
    return tu.random_elastic(head, max_displacement=6.0, rng=7)


def test_exercise_3_accepts_a_replay_of_the_history_on_any_volume(run_check, head, augmented):
    ok, out = run_check(nb06.check_exercise_3, lambda volume: tu.replay(volume, augmented.history), head, augmented)
    assert ok and "exactly twice augmented.image: True" in out, out
    same_draw = lambda volume: tu.random_elastic(volume, max_displacement=6.0, rng=7)  # noqa: E731
    ok, out = run_check(nb06.check_exercise_3, same_draw, head, augmented)
    assert ok, out  # the same seed and settings draw the same field: an honest way to the same result


@pytest.mark.parametrize(
    ("deform", "message"),
    [
        (lambda head, a: lambda volume: a, "you have not seen) is not the deformation"),
        (lambda head, a: lambda volume: tu.replay(head, a.history), "doubled intensities) is not the deformation"),
        (lambda head, a: lambda volume: tu.random_elastic(volume, rng=7), "is not the deformation"),
        (lambda head, a: lambda volume: tu.random_elastic(volume, max_displacement=6.0), "is not the deformation"),
        (lambda head, a: lambda volume: volume.replace(image=tu.replay(volume, a.history).image), "label is not moved"),
        (lambda head, a: lambda volume: tu.replay(volume, a.history).image, "must return a Volume"),
        (lambda head, a: lambda volume: tu.center_crop_volume(volume, (8, 8, 8)), "keeps the shape"),
    ],
)
def test_exercise_3_rejects_functions_that_do_not_replay_the_recorded_field(
    run_check, head, augmented, deform, message
):
    ok, out = run_check(nb06.check_exercise_3, deform(head, augmented), head, augmented)
    assert not ok and message in out, out


def test_exercise_3_says_when_the_readers_function_fails(run_check, head, augmented):
    ok, out = run_check(nb06.check_exercise_3, lambda volume: volume.history[5], head, augmented)
    assert not ok and "raised IndexError" in out
