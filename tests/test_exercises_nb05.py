"""The exercise checks of notebook 05: refuse an unfilled answer, accept the solution, explain wrong answers.

A check never prints the expected value: every rejection is also tested for not leaking it.
"""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.exercises import nb05


@pytest.fixture(scope="module")
def ct():
    return tu.make_ct_phantom(shape=(48, 40, 16))


@pytest.fixture(scope="module")
def contrasts(ct):
    return {name: nb05.liver_muscle_contrast(ct, *lw) for name, lw in tu.CT_WINDOWS.items()}


@pytest.fixture(scope="module")
def separating(contrasts):
    return [name for name, value in contrasts.items() if value > 0.1]


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb05.check_exercise_1(..., ["brain"], v), "contrasts"),
        (lambda v: nb05.check_exercise_1({"brain": 0.2}, ..., v), "separating"),
        (lambda v: nb05.check_exercise_2(..., {}, v), "n_differ"),
        (lambda v: nb05.check_exercise_2(3, ..., v), "stats"),
        (lambda v: nb05.check_exercise_3(..., True, v, v.image > 0), "half_means"),
        (lambda v: nb05.check_exercise_3(lambda vol: (0, 0), ..., v, v.image > 0), "still_differ"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, head):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(head)


def test_the_hints_do_not_give_the_code_of_the_answer(head):
    for call in (
        lambda: nb05.check_exercise_1(..., [], head),
        lambda: nb05.check_exercise_2(..., {}, head),
    ):
        with pytest.raises(NotImplementedError) as caught:
            call()
        assert "label == 4" not in str(caught.value) and "count_nonzero" not in str(caught.value)


# --- exercise 1 ------------------------------------------------------------------------------------------------


def test_exercise_1_accepts_the_medians_and_names_the_narrow_windows(run_check, ct, contrasts, separating):
    ok, out = run_check(nb05.check_exercise_1, contrasts, separating[::-1], ct)
    assert ok and "['brain', 'liver', 'stroke']" in out


def _leaks(out: str, values) -> bool:
    return any(f"{value:.3f}" in out for value in values)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda c, ct: {name: -value for name, value in c.items()}, "sign is flipped"),
        (lambda c, ct: dict.fromkeys(c, 20.0), "in HU"),
        (lambda c, ct: {n: nb05.liver_muscle_contrast(ct, *lw, np.mean) for n, lw in tu.CT_WINDOWS.items()}, "means"),
        (lambda c, ct: {**c, "liver": c["liver"] + 0.05}, "liver: 0.186 is not the median"),
        (lambda c, ct: {k: v for k, v in c.items() if k != "bone"}, "no value for ['bone']"),
        (lambda c, ct: {**c, "brain": f"{c['brain']}"}, "must be a number; got '0."),
    ],
)
def test_exercise_1_rejects_wrong_contrasts_in_the_readers_terms(run_check, ct, contrasts, separating, wrong, message):
    answer = wrong(contrasts, ct)
    ok, out = run_check(nb05.check_exercise_1, answer, separating, ct)
    assert not ok and message in out, out
    assert "expected" not in out
    problems = out.split("Not yet:")[1]
    assert not _leaks(
        problems, [v for k, v in contrasts.items() if isinstance(answer.get(k), float) and answer[k] != v]
    )


@pytest.mark.parametrize(
    ("separating", "message"),
    [
        ("brain", "must be a list"),
        (["brain", "liver"], "misses a preset"),
        (["brain", "liver", "stroke", "subdural"], "0.1 or less"),
        (["Brain", "liver", "stroke"], "not presets"),
        ({"brain": 1}, "must be a list"),
    ],
)
def test_exercise_1_rejects_wrong_preset_lists_without_naming_the_missing_one(
    run_check, ct, contrasts, separating, message
):
    ok, out = run_check(nb05.check_exercise_1, contrasts, separating, ct)
    assert not ok and message in out, out
    if message in ("misses a preset", "0.1 or less"):
        assert "stroke" not in out.split("Not yet:")[1] and "subdural" not in out.split("Not yet:")[1]


# --- exercise 2 ------------------------------------------------------------------------------------------------


def _masks(volume):
    return {"nonzero": volume.image != 0, "label > 0": volume.label > 0}


def _stats(volume, image=None):
    image = volume.image if image is None else image
    return {name: (image[m].mean(), image[m].std()) for name, m in _masks(volume).items()}


def test_exercise_2_accepts_the_xor_count_and_the_masked_statistics(run_check, head):
    nonzero, labelled = _masks(head).values()
    ok, out = run_check(nb05.check_exercise_2, int(np.count_nonzero(nonzero ^ labelled)), _stats(head), head)
    assert ok, out
    ok, out = run_check(nb05.check_exercise_2, np.int64(np.count_nonzero(nonzero ^ labelled)), _stats(head), head)
    assert ok, out


@pytest.mark.parametrize(
    ("n", "stats", "message"),
    [
        (lambda m: np.count_nonzero(m[0] & m[1]), None, "(&)"),
        (lambda m: np.count_nonzero(m[0] | m[1]), None, "(|)"),
        (lambda m: np.count_nonzero(m[0] ^ m[1]) + 7, None, "disagree"),
        (lambda m: float(np.count_nonzero(m[0] ^ m[1])), None, "whole number"),
        (lambda m: str(np.count_nonzero(m[0] ^ m[1])), None, "whole number"),
        (None, lambda v: {"nonzero": (1, 2)}, "keys"),
        (None, lambda v: {k: (v.image.mean(), v.image.std()) for k in _masks(v)}, "whole image"),
        (None, lambda v: {k: (m, s**2) for k, (m, s) in _stats(v).items()}, "variance"),
        (None, lambda v: dict(zip(["label > 0", "nonzero"], _stats(v).values())), "swapped"),
        (None, lambda v: {k: (m + 1, s) for k, (m, s) in _stats(v).items()}, "mean is not"),
        (None, lambda v: {k: m for k, (m, s) in _stats(v).items()}, "pair (mean, std)"),
    ],
)
def test_exercise_2_rejects_wrong_counts_and_statistics(run_check, head, n, stats, message):
    nonzero, labelled = _masks(head).values()
    right_n = int(np.count_nonzero(nonzero ^ labelled))
    given_n = right_n if n is None else n((nonzero, labelled))
    given_stats = _stats(head) if stats is None else stats(head)
    ok, out = run_check(nb05.check_exercise_2, given_n, given_stats, head)
    assert not ok and message in out, out
    assert f"{right_n} " not in out or given_n == right_n  # the right count is never printed for a wrong one


# --- exercise 3 ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mri(head):
    return head.replace(image=np.where(head.image > 0, head.image, 0).astype(np.float32))


def test_exercise_3_runs_the_readers_function_on_the_shown_and_an_unseen_field(run_check, mri):
    brain = mri.image != 0
    seen = []

    def half_means(volume):
        seen.append(volume)
        return nb05.half_means_reference(volume, brain)

    ok, out = run_check(nb05.check_exercise_3, half_means, True, mri, brain)
    assert ok and "still differ" in out
    assert len(seen) == 3 and not np.array_equal(seen[1].image, seen[2].image)
    assert "have not seen" not in out.split("Correct:")[0]  # its values are not printed


def _wrong_half_means(kind, mri, brain):
    if kind == "raw":
        return lambda v: nb05._halves(v.image, brain)
    if kind == "swapped":
        return lambda v: nb05.half_means_reference(v, brain)[::-1]
    if kind == "unmasked":
        return lambda v: nb05._halves(tu.normalize_volume(v).image, np.ones(v.shape, bool))
    if kind == "hard-coded":
        shown = tu.random_bias_field(mri, strength=0.5, rng=nb05.SHOWN_FIELD_SEED)
        table = {id(mri): nb05.half_means_reference(mri, brain)}
        fixed = nb05.half_means_reference(shown, brain)
        return lambda v: table.get(id(v), fixed)
    if kind == "one number":
        return lambda v: float(tu.normalize_volume(v).image[brain].mean())
    if kind == "raises":
        return lambda v: v.missing
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("raw", "averages the raw intensities"),
        ("swapped", "halves swapped"),
        ("unmasked", "keep only the voxels inside brain"),
        ("hard-coded", "a bias field you have not seen"),
        ("one number", "must return two numbers"),
        ("raises", "raised AttributeError"),
    ],
)
def test_exercise_3_rejects_wrong_functions(run_check, mri, kind, message):
    brain = mri.image != 0
    ok, out = run_check(nb05.check_exercise_3, _wrong_half_means(kind, mri, brain), True, mri, brain)
    assert not ok and message in out, out


@pytest.mark.parametrize(("still_differ", "message"), [(False, "one pair of numbers"), ("yes", "True or False")])
def test_exercise_3_rejects_a_wrong_conclusion(run_check, mri, still_differ, message):
    brain = mri.image != 0
    ok, out = run_check(nb05.check_exercise_3, lambda v: nb05.half_means_reference(v, brain), still_differ, mri, brain)
    assert not ok and message in out, out


def test_exercise_3_an_unfilled_function_body_is_your_turn(mri):
    brain = mri.image != 0
    with pytest.raises(NotImplementedError, match="^Your turn: replace the ... inside half_means"):
        nb05.check_exercise_3(lambda v: ..., True, mri, brain)
