"""The exercise checks of notebook 07: refuse an unfilled answer, accept the solution, explain wrong answers."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.exercises import nb07


@pytest.fixture(scope="module")
def volume(head):
    """The small head padded to 60³, so that 48³ patches fit."""
    return tu.pad_volume(head, (60, 60, 60))


def _patches(crop=None, gamma_p=0.3, mask="label", order=None):
    steps = {
        "crop": crop or partial(tu.random_crop, size=48, foreground_p=0.5),
        "flip": tu.random_flip,
        "gamma": tu.RandomApply(tu.random_gamma, p=gamma_p),
        "normalize": partial(tu.normalize_volume, mask=mask),
    }
    return tu.Compose([steps[name] for name in order or ("crop", "flip", "gamma", "normalize")])


def _skipped(samples):
    return sum(any(r.name == "skipped" for r in s.history) for s in samples)


# --- unfilled answers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb07.check_exercise_1(..., _skipped, v), "patches"),
        (lambda v: nb07.check_exercise_1(_patches(), ..., v), "count_skipped"),
        (lambda v: nb07.check_exercise_2(..., v, ".", v), "again"),
        (lambda v: nb07.check_exercise_2(v, ..., ".", v), "edited_again"),
        (lambda v: nb07.check_exercise_3(...), "angles"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, volume):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(volume)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb07.check_exercise_1(_patches(), lambda samples: ..., v), "count_skipped"),
        (lambda v: nb07.check_exercise_3(lambda n_workers, n_samples=8: ...), "angles"),
    ],
)
def test_a_function_that_still_returns_ellipsis_is_unfilled(call, name, volume):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. after `return` in `{name}`"):
        call(volume)


@pytest.mark.parametrize(
    "call",
    [
        lambda v: nb07.check_exercise_1(..., _skipped, v),
        lambda v: nb07.check_exercise_2(..., v, ".", v),
        lambda v: nb07.check_exercise_2(v, ..., ".", v),
        lambda v: nb07.check_exercise_3(...),
    ],
)
def test_hints_point_to_functions_but_never_give_the_answer(call, volume):
    with pytest.raises(NotImplementedError) as raised:
        call(volume)
    hint = str(raised.value)
    for answer in ("size=48", "foreground_p", "p=0.3", 'mask="label"', "records_from_json(", "replay(preprocessed"):
        assert answer not in hint
    assert "default_rng(worker)" not in hint and "range(worker" not in hint


# --- exercise 1: the patch pipeline and count_skipped -----------------------------------------------------------


def test_nb07_exercise_1_accepts_the_pipeline_and_a_counting_function(run_check, volume):
    ok, out = run_check(nb07.check_exercise_1, _patches(), _skipped, volume)
    assert ok, out
    assert "seeds the notebook does not use" in out


@pytest.mark.parametrize(
    ("patches", "message"),
    [
        (_patches(order=("flip", "crop", "gamma", "normalize")), "your pipeline's steps are ['flip', 'crop'"),
        (_patches(order=("crop", "flip", "gamma")), "in this order"),
        (_patches(crop=partial(tu.random_crop, size=32, foreground_p=0.5)), "cuts (32, 32, 32) voxels"),
        (_patches(crop=partial(tu.random_crop, size=48)), "foreground_p=0.5"),
        (_patches(gamma_p=0.7), "p is the chance to apply"),
        (_patches(mask="nonzero"), "mask='nonzero'"),
        (lambda v, rng=None: v.image, "must return a Volume"),
        (lambda v, rng=None: 1 / 0, "raised ZeroDivisionError"),
        ("crop, flip, gamma, normalize", "must be a transform"),
    ],
)
def test_nb07_exercise_1_rejects_a_wrong_pipeline_and_says_which_step(run_check, volume, patches, message):
    ok, out = run_check(nb07.check_exercise_1, patches, _skipped, volume)
    assert not ok and message in out, out


@pytest.mark.parametrize(
    ("count_skipped", "message"),
    [
        (lambda samples: sum(any(r.name == "gamma" for r in s.history) for s in samples), "in which the gamma ran"),
        (lambda samples: _skipped(samples) / len(samples), "returns a fraction"),
        (lambda samples: len(samples), "counts every sample"),
        (lambda samples: 9, "returned 9 for lists of samples"),
        (lambda samples: None, "returned None"),
        (lambda samples: samples[0].history["skipped"], "raised TypeError"),
        (lambda samples: _skipped(samples) + 1, "other counts than the samples' records"),
        ("9", "must be a function of a list of samples"),
    ],
)
def test_nb07_exercise_1_rejects_a_wrong_count_in_the_readers_terms(run_check, volume, count_skipped, message):
    ok, out = run_check(nb07.check_exercise_1, _patches(), count_skipped, volume)
    assert not ok and message in out, out


def test_nb07_exercise_1_never_prints_the_counts_it_expects(run_check, volume):
    ok, out = run_check(nb07.check_exercise_1, _patches(), lambda samples: -1, volume)
    assert not ok and "should be" not in out and "expected" not in out


# --- exercise 2: replay a saved sample, then edit its flip -------------------------------------------------------


@pytest.fixture(scope="module")
def saved(head, tmp_path_factory):
    """Two saved samples of an asymmetric head (affine + flip), and the head they were augmented from."""
    label = np.where(np.indices(head.shape)[0] < 8, 0, head.label).astype(np.uint8)  # not left-right symmetric
    base = head.replace(label=label)
    pipeline = tu.Compose([partial(tu.random_affine, degrees=5, scale_range=(1.0, 1.0)), tu.random_flip])
    folder = tmp_path_factory.mktemp("saved")
    samples = {}
    for name, seed in (("sample_0003", 3), ("sample_0002", 2)):
        samples[name] = pipeline(base, rng=seed)
        tu.save_volume(samples[name], folder, name)
    return folder, base, samples


def _records(folder, name="sample_0003"):
    return tu.records_from_json((folder / f"{name}_history.json").read_text())


def test_nb07_exercise_2_accepts_the_replay_and_the_edited_flip(run_check, saved):
    folder, base, _ = saved
    records = _records(folder)
    again, edited = tu.replay(base, records), tu.replay(base, nb07.edited_flip(records))
    ok, out = run_check(nb07.check_exercise_2, again, edited, folder, base)
    assert ok, out


def _edit(records, name, **params):
    return [tu.TransformRecord(r.name, dict(r.params, **params)) if r.name == name else r for r in records]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda f, b, s: (b, tu.replay(b, nb07.edited_flip(_records(f)))), "is the preprocessed scan itself"),
        (
            lambda f, b, s: (tu.replay(b, _records(f, "sample_0002")), tu.replay(b, nb07.edited_flip(_records(f)))),
            "differs from the saved sample",
        ),
        (lambda f, b, s: (tu.replay(b, _records(f)), tu.replay(b, _records(f))), "same label as again"),
        (
            lambda f, b, s: (tu.replay(b, _records(f)), tu.replay(b, _edit(_records(f), "affine", scale=0.8))),
            "not the replay with only the flip changed",
        ),
        (
            lambda f, b, s: (tu.replay(b, _records(f)), tu.replay(b, _edit(_records(f), "flip", axes=(0, 1)))),
            "not the replay with only the flip changed",
        ),
        (lambda f, b, s: (s["sample_0003"].image, s["sample_0003"]), "again must be a Volume"),
        (lambda f, b, s: (s["sample_0003"], "flipped"), "edited_again must be a Volume"),
    ],
)
def test_nb07_exercise_2_rejects_wrong_replays_and_edits(run_check, saved, answer, message):
    folder, base, samples = saved
    again, edited = answer(folder, base, samples)
    ok, out = run_check(nb07.check_exercise_2, again, edited, folder, base)
    assert not ok and message in out, out


# --- exercise 3: one seed per worker --------------------------------------------------------------------------


def test_nb07_exercise_3_accepts_a_seed_per_worker_and_shows_the_readers_angles(run_check):
    ok, out = run_check(nb07.check_exercise_3, nb07.angles_per_worker_seed)
    assert ok and "not reproducible across machines" in out and "angles(2): [4.11, 0.35" in out


def _hard_coded(n_workers, n_samples=8):
    return nb07.angles_per_worker_seed(n_workers, 8)  # the two lists of the exercise, whatever the sample count


def _lookup(n_workers, n_samples=8):
    known = {1: nb07.angles_per_worker_seed(1), 2: nb07.angles_per_worker_seed(2)}
    return known.get(n_workers, known[1])[:n_samples] + [0.0] * max(0, n_samples - 8)


def _one_stream(n_workers, n_samples=8):
    rng = np.random.default_rng(0)
    return [round(float(rng.uniform(-15, 15)), 2) for _ in range(n_samples)]


def _per_sample(n_workers, n_samples=8):
    return [round(float(tu.sample_rng(0, i).uniform(-15, 15)), 2) for i in range(n_samples)]


def _reseeded(n_workers, n_samples=8):
    return [round(float(np.random.default_rng(i % n_workers).uniform(-15, 15)), 2) for i in range(n_samples)]


def _blocks(n_workers, n_samples=8):
    out = []
    for worker, block in enumerate(np.array_split(np.arange(n_samples), n_workers)):
        rng = np.random.default_rng(worker)
        out += [round(float(rng.uniform(-15, 15)), 2) for _ in block]
    return out


def _by_worker(n_workers, n_samples=8):
    out = []
    for worker in range(n_workers):
        rng = np.random.default_rng(worker)
        out += [round(float(rng.uniform(-15, 15)), 2) for _ in range(worker, n_samples, n_workers)]
    return out


def _degrees_0_to_15(n_workers, n_samples=8):
    return [a / 2 + 7.5 for a in nb07.angles_per_worker_seed(n_workers, n_samples)]


@pytest.mark.parametrize(
    ("angles", "message"),
    [
        (_hard_coded, "angles(3, 10) returned 8 angles"),
        (_lookup, "angles(3, 10) differs from one generator per worker"),
        (_one_stream, "angles(2, 8) does not depend on n_workers"),
        (_per_sample, "angles(1, 8) differs from one generator per worker"),
        (_reseeded, "seeds a new generator for every sample"),
        (_blocks, "lists worker 0's draws, then worker 1's"),
        (_by_worker, "lists worker 0's draws, then worker 1's"),
        (_degrees_0_to_15, "differs from one generator per worker"),
        (lambda n_workers, n_samples=8: None, "must return a list of numbers; got None"),
        (lambda n_workers: [0.0] * 8, "raised TypeError"),
        ([4.11, -6.91], "must be a function of n_workers and n_samples"),
    ],
)
def test_nb07_exercise_3_rejects_wrong_or_hard_coded_functions(run_check, angles, message):
    ok, out = run_check(nb07.check_exercise_3, angles)
    assert not ok and message in out, out
    assert "angles(1): [4.11" not in out  # the expected angles are never printed


def test_nb07_exercise_3_lets_the_readers_own_not_implemented_error_through():
    def unfinished(n_workers, n_samples=8):
        raise NotImplementedError("Exercise 3: fill in the loop")

    with pytest.raises(NotImplementedError, match="Exercise 3"):
        nb07.check_exercise_3(unfinished)
