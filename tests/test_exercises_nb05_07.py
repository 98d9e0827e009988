"""The exercise checks of notebooks 05-07: refuse an unfilled answer, accept the solution, explain wrong answers."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils import Volume
from tutorial_utils.exercises import nb05, nb06, nb07


def run_check(capsys, check, *args, **kwargs):
    """Call an exercise check; return whether it printed "Correct" and everything it printed."""
    assert check(*args, **kwargs) is None
    printed = capsys.readouterr().out
    return "\nCorrect: " in "\n" + printed, printed


@pytest.fixture(scope="module")
def ct():
    return tu.make_ct_phantom(shape=(48, 40, 16))


@pytest.fixture(scope="module")
def head():
    """A small MRI-like volume: a bright ball (labels 1-3) in a zero background, with a one-voxel unlabelled shell."""
    shape = (24, 20, 18)
    i, j, k = np.indices(shape)
    centre = (np.array(shape) - 1) / 2
    radius = np.sqrt(((i - centre[0]) / 9) ** 2 + ((j - centre[1]) / 8) ** 2 + ((k - centre[2]) / 7) ** 2)
    label = np.select([radius < 0.4, radius < 0.7, radius < 0.9], [3, 2, 1], 0).astype(np.uint8)
    rng = np.random.default_rng(0)
    image = np.where(radius < 1.0, 100 + 40 * (label == 3) + rng.normal(0, 5, shape), 0).astype(np.float32)
    return Volume(image, np.diag([2.0, 2.0, 2.0, 1.0]), label)


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
        (lambda v: nb07.check_exercise_1(..., 1, 2, v), "patches"),
        (lambda v: nb07.check_exercise_1(tu.random_flip, ..., 2, v), "n_skipped"),
        (lambda v: nb07.check_exercise_1(tu.random_flip, 1, ..., v), "n_grey"),
        (lambda v: nb07.check_exercise_2(..., v, "."), "again"),
        (lambda v: nb07.check_exercise_2(v, ..., "."), "edited_again"),
        (lambda v: nb07.check_exercise_3(...), "angles"),
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


# --- notebook 07 -----------------------------------------------------------------------------------------------


def test_nb07_exercise_1_accepts_the_pipeline_and_counts(capsys, head):
    volume = tu.pad_volume(head, (60, 60, 60))
    outs = [nb07.reference_patches()(volume, rng=tu.sample_rng(1, index=i)) for i in range(20)]
    skipped = sum(any(r.name == "skipped" for r in out.history) for out in outs)
    grey = sum(bool((out.label == 2).any()) for out in outs)
    ok, out = run_check(capsys, nb07.check_exercise_1, nb07.reference_patches(), skipped, grey, volume)
    assert ok, out
    wrong_order = tu.Compose(
        [
            tu.random_flip,
            partial(tu.random_crop, size=48, foreground_p=0.5),
            tu.RandomApply(tu.random_gamma, p=0.3),
            partial(tu.normalize_volume, mask="label"),
        ]
    )
    ok, out = run_check(capsys, nb07.check_exercise_1, wrong_order, skipped + 1, grey, volume)
    assert not ok and "differ from the expected ones" in out and "n_skipped should be" in out
    ok, out = run_check(capsys, nb07.check_exercise_1, partial(tu.random_crop, size=32), skipped, grey, volume)
    assert not ok and "48 x 48 x 48" in out


def test_nb07_exercise_2_compares_the_replay_with_the_saved_files(capsys, head, tmp_path):
    head = head.replace(label=np.where(np.indices(head.shape)[0] < 8, 0, head.label).astype(np.uint8))  # not symmetric
    sample = tu.random_flip(head, p=1.0, rng=0)
    paths = tu.save_volume(sample, tmp_path, "sample_0003")
    records = tu.records_from_json(paths["history"].read_text())
    again = tu.replay(head, records)
    edited = tu.replay(head, [tu.TransformRecord("flip", {"axes": ()})])
    ok, out = run_check(capsys, nb07.check_exercise_2, again, edited, tmp_path)
    assert ok, out
    ok, out = run_check(capsys, nb07.check_exercise_2, head, again, tmp_path)
    assert not ok and "differs from the saved files" in out and "same label as again" not in out
    ok, out = run_check(capsys, nb07.check_exercise_2, again, again, tmp_path)
    assert not ok and "same label as again" in out


def test_nb07_exercise_3_accepts_a_seed_per_worker_and_explains_a_seed_per_sample(capsys):
    ok, out = run_check(capsys, nb07.check_exercise_3, nb07.angles_per_worker_seed)
    assert ok and "not reproducible across machines" in out

    def per_sample(n_workers):
        return [round(float(tu.sample_rng(0, i).uniform(-15, 15)), 2) for i in range(8)]

    ok, out = run_check(capsys, nb07.check_exercise_3, per_sample)
    assert not ok and "seeds np.random.default_rng(w) once" in out

    def unfinished(n_workers):
        raise NotImplementedError("Exercise 3: fill in the loop")

    with pytest.raises(NotImplementedError, match="Exercise 3"):
        nb07.check_exercise_3(unfinished)
