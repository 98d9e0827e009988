"""The exercise checks of notebook 07: refuse an unfilled answer, accept the solution, explain wrong answers."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.exercises import nb07


@pytest.mark.parametrize(
    ("call", "name"),
    [
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


def test_nb07_exercise_1_accepts_the_pipeline_and_counts(run_check, head):
    volume = tu.pad_volume(head, (60, 60, 60))
    outs = [nb07.reference_patches()(volume, rng=tu.sample_rng(1, index=i)) for i in range(20)]
    skipped = sum(any(r.name == "skipped" for r in out.history) for out in outs)
    grey = sum(bool((out.label == 2).any()) for out in outs)
    ok, out = run_check(nb07.check_exercise_1, nb07.reference_patches(), skipped, grey, volume)
    assert ok, out
    wrong_order = tu.Compose(
        [
            tu.random_flip,
            partial(tu.random_crop, size=48, foreground_p=0.5),
            tu.RandomApply(tu.random_gamma, p=0.3),
            partial(tu.normalize_volume, mask="label"),
        ]
    )
    ok, out = run_check(nb07.check_exercise_1, wrong_order, skipped + 1, grey, volume)
    assert not ok and "differ from the expected ones" in out and "n_skipped should be" in out
    ok, out = run_check(nb07.check_exercise_1, partial(tu.random_crop, size=32), skipped, grey, volume)
    assert not ok and "48 x 48 x 48" in out


def test_nb07_exercise_2_compares_the_replay_with_the_saved_files(run_check, head, tmp_path):
    head = head.replace(label=np.where(np.indices(head.shape)[0] < 8, 0, head.label).astype(np.uint8))  # not symmetric
    sample = tu.random_flip(head, p=1.0, rng=0)
    paths = tu.save_volume(sample, tmp_path, "sample_0003")
    records = tu.records_from_json(paths["history"].read_text())
    again = tu.replay(head, records)
    edited = tu.replay(head, [tu.TransformRecord("flip", {"axes": ()})])
    ok, out = run_check(nb07.check_exercise_2, again, edited, tmp_path)
    assert ok, out
    ok, out = run_check(nb07.check_exercise_2, head, again, tmp_path)
    assert not ok and "differs from the saved files" in out and "same label as again" not in out
    ok, out = run_check(nb07.check_exercise_2, again, again, tmp_path)
    assert not ok and "same label as again" in out


def test_nb07_exercise_3_accepts_a_seed_per_worker_and_explains_a_seed_per_sample(run_check):
    ok, out = run_check(nb07.check_exercise_3, nb07.angles_per_worker_seed)
    assert ok and "not reproducible across machines" in out

    def per_sample(n_workers):
        return [round(float(tu.sample_rng(0, i).uniform(-15, 15)), 2) for i in range(8)]

    ok, out = run_check(nb07.check_exercise_3, per_sample)
    assert not ok and "seeds np.random.default_rng(w) once" in out

    def unfinished(n_workers):
        raise NotImplementedError("Exercise 3: fill in the loop")

    with pytest.raises(NotImplementedError, match="Exercise 3"):
        nb07.check_exercise_3(unfinished)
