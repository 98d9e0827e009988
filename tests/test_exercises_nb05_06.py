"""The exercise checks of notebooks 05 and 06: refuse an unfilled answer, accept the solution, explain wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils import Volume
from tutorial_utils.exercises import nb05, nb06


def run_check(capsys, check, *args, **kwargs):
    """Call an exercise check; return whether it printed "Correct" and everything it printed."""
    assert check(*args, **kwargs) is None
    printed = capsys.readouterr().out
    return "\nCorrect: " in "\n" + printed, printed


@pytest.fixture(scope="module")
def ct():
    return tu.make_ct_phantom(shape=(48, 40, 16))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb05.check_exercise_1(..., ["brain"], v), "contrasts"),
        (lambda v: nb05.check_exercise_1({"brain": 0.2}, ..., v), "separating"),
        (lambda v: nb05.check_exercise_2(..., {}, v), "n_differ"),
        (lambda v: nb05.check_exercise_2(3, ..., v), "stats"),
        (lambda v: nb05.check_exercise_3(..., v, v, v.image > 0), "half_means"),
        (lambda v: nb06.check_exercise_1(..., 1.0, v.shape), "alpha"),
        (lambda v: nb06.check_exercise_1(100.0, ..., v.shape), "measured_mean"),
        (lambda v: nb06.check_exercise_2(..., 20, v), "min_jacobians"),
        (lambda v: nb06.check_exercise_2({10: 0.5}, ..., v), "largest"),
        (lambda v: nb06.check_exercise_3(..., v), "again"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, head):
    with pytest.raises(NotImplementedError, match=rf"replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(head)


# --- notebook 05 -----------------------------------------------------------------------------------------------


def test_nb05_exercise_1_accepts_the_medians_and_names_the_narrow_windows(capsys, ct):
    contrasts = {name: nb05.liver_muscle_contrast(ct, *lw) for name, lw in tu.CT_WINDOWS.items()}
    ok, out = run_check(capsys, nb05.check_exercise_1, contrasts, ["stroke", "brain", "liver"], ct)
    assert ok and "['brain', 'liver', 'stroke']" in out


def test_nb05_exercise_1_explains_a_flipped_sign_hu_values_and_wrong_presets(capsys, ct):
    contrasts = {name: -nb05.liver_muscle_contrast(ct, *lw) for name, lw in tu.CT_WINDOWS.items()}
    ok, out = run_check(capsys, nb05.check_exercise_1, contrasts, ["brain"], ct)
    assert not ok and "sign is flipped" in out and "separating should hold" in out
    ok, out = run_check(capsys, nb05.check_exercise_1, dict.fromkeys(tu.CT_WINDOWS, 20.0), [], ct)
    assert not ok and "in HU" in out
    ok, out = run_check(capsys, nb05.check_exercise_1, {"brain": 0.25}, "brain", ct)
    assert not ok and "no value for" in out and "list of preset names" in out


def test_nb05_exercise_2_accepts_the_xor_count_and_the_masked_statistics(capsys, head):
    nonzero, labelled = head.image != 0, head.label > 0
    stats = {
        name: (head.image[m].mean(), head.image[m].std())
        for name, m in {"nonzero": nonzero, "label > 0": labelled}.items()
    }
    ok, out = run_check(capsys, nb05.check_exercise_2, int(np.count_nonzero(nonzero ^ labelled)), stats, head)
    assert ok, out
    ok, out = run_check(capsys, nb05.check_exercise_2, int(np.count_nonzero(nonzero & labelled)), stats, head)
    assert not ok and "(&)" in out
    ok, out = run_check(capsys, nb05.check_exercise_2, 0, {"nonzero": (1, 2)}, head)
    assert not ok and "keys" in out


def test_nb05_exercise_3_runs_the_readers_function_on_both_volumes(capsys, head):
    brain = head.image != 0
    biased = tu.random_bias_field(head, strength=0.5, rng=3)

    def half_means(volume):
        return nb05.half_means_reference(volume, brain)

    ok, out = run_check(capsys, nb05.check_exercise_3, half_means, head, biased, brain)
    assert ok and "no: a z-score" in out

    def without_zscore(volume):
        half = volume.shape[0] // 2
        return volume.image[:half][brain[:half]].mean(), volume.image[half:][brain[half:]].mean()

    ok, out = run_check(capsys, nb05.check_exercise_3, without_zscore, head, biased, brain)
    assert not ok and "z-score the whole volume" in out

    def broken(volume):
        raise KeyError("oops")

    ok, out = run_check(capsys, nb05.check_exercise_3, broken, head, biased, brain)
    assert not ok and "raised KeyError" in out


# --- notebook 06 -----------------------------------------------------------------------------------------------


def test_nb06_exercise_1_accepts_the_formula_and_recognises_the_2d_exponent(capsys):
    shape, sigma = (24, 24, 24), 4.0
    alpha = nb06.alpha_for_mean(2.0, sigma)
    mean = tu.displacement_stats(tu.gaussian_displacement_field(shape, alpha, sigma, rng=0))["mean_displacement"]
    ok, out = run_check(capsys, nb06.check_exercise_1, alpha, mean, shape, sigma=sigma)
    assert ok and "falls short" in out
    ok, out = run_check(
        capsys, nb06.check_exercise_1, nb06.alpha_for_mean(2.0, sigma, ndim=2), mean, shape, sigma=sigma
    )
    assert not ok and "2D exponent" in out and "measured_mean should be" in out
    ok, out = run_check(capsys, nb06.check_exercise_1, alpha / 1.6, mean, shape, sigma=sigma)
    assert not ok and "std" in out


def test_nb06_exercise_2_recomputes_the_fields_and_finds_the_largest_safe_setting(capsys):
    volume = Volume(np.zeros((40, 40, 40), np.float32), np.diag([5.0, 5.0, 5.0, 1.0]))
    reference = nb06.min_jacobians_reference(volume)
    safe = max(mm for mm, value in reference.items() if value > 0)
    ok, out = run_check(capsys, nb06.check_exercise_2, reference, safe, volume)
    assert ok, out
    assert any(value <= 0 for value in reference.values()), "the example should fold at some setting"
    ok, out = run_check(capsys, nb06.check_exercise_2, {mm: 1.0 for mm in reference}, 40, volume)
    assert not ok and "largest should be" in out and "min_jacobians[10] should be" in out


def test_nb06_exercise_3_accepts_the_replay_on_the_brighter_image(capsys, head):
    augmented = tu.random_elastic(head, max_displacement=4.0, rng=7)
    brighter = head.replace(image=head.image * 2)
    ok, out = run_check(capsys, nb06.check_exercise_3, tu.replay(brighter, augmented.history), augmented)
    assert ok, out
    ok, out = run_check(capsys, nb06.check_exercise_3, tu.replay(head, augmented.history), augmented)
    assert not ok and "not twice" in out
    ok, out = run_check(capsys, nb06.check_exercise_3, np.zeros(3), augmented)
    assert not ok and "must be the Volume" in out
