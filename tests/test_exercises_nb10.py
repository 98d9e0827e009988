"""The exercise checks of notebook 10: refuse an unfilled answer, accept the solution, explain wrong answers."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.exercises import nb10

SHAPE = (120, 144, 120)


@pytest.fixture(scope="module")
def scans():
    mni = tu.load_sample("mni")
    small = tu.Volume(mni.image[::2, ::2, ::2], mni.affine @ np.diag([2.0, 2.0, 2.0, 1.0]), mni.label[::2, ::2, ::2])
    preprocessed = tu.Compose(
        [partial(tu.resample_to_spacing, spacing=3.0), partial(tu.crop_or_pad_volume, shape=(56, 60, 48))]
    )(small)
    return small, preprocessed


@pytest.fixture(scope="module")
def tta(scans):
    small, preprocessed = scans
    model = tu.IntensityModel.fit(preprocessed, smoothing=1.0)
    mean, _ = tu.predict_with_tta(preprocessed, model, tu.flip_transforms((0,)))
    return mean


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda s, p, m: nb10.check_exercise_1(..., SHAPE), "n_patches"),
        (lambda s, p, m: nb10.check_exercise_2(..., s, p), "covered"),
        (lambda s, p, m: nb10.check_exercise_3(..., m, s, p), "tta_dice"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, scans, tta):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(*scans, tta)


def test_exercise_1_an_unfilled_function_body_is_your_turn():
    with pytest.raises(NotImplementedError, match=r"^Your turn: replace the \.\.\. inside n_patches"):
        nb10.check_exercise_1(lambda shape, patch, overlap: ..., SHAPE)


# --- exercise 1 ------------------------------------------------------------------------------------------------


def _starts(n, patch, overlap):
    step = int(patch * (1 - overlap))
    starts = list(range(0, n - patch, step)) + [n - patch]
    return sorted(set(starts))


def _n_patches(shape, patch, overlap):
    return int(np.prod([len(_starts(n, patch, overlap)) for n in shape]))


def test_exercise_1_the_rule_of_the_exercise_is_what_predict_sliding_window_does():
    assert nb10.count_patches(SHAPE, 64, 0.5) == 3 * 4 * 3  # 120: starts 0, 32, 56; 144: 0, 32, 64, 80
    for case in [(SHAPE, 64, 0.5), (SHAPE, 64, 0.25), *nb10.unseen_cases()]:
        assert _n_patches(*case) == nb10.count_patches(*case), case


def test_exercise_1_accepts_a_function_that_follows_the_rule(run_check):
    ok, out = run_check(nb10.check_exercise_1, _n_patches, SHAPE)
    assert ok and "your n_patches((120, 144, 120), 64, 0.5) = 36, at overlap 0.25: 27" in out, out
    ok, out = run_check(nb10.check_exercise_1, lambda *case: np.int64(_n_patches(*case)), SHAPE)
    assert ok, out


def _floor(shape, patch, overlap):
    return int(np.prod([(n - patch) // int(patch * (1 - overlap)) + 1 for n in shape]))


@pytest.mark.parametrize(
    ("n_patches", "message"),
    [
        (lambda shape, patch, overlap: "36" if overlap == 0.5 else "27", "must return an int; got '36'"),
        (lambda shape, patch, overlap: 36 if overlap == 0.5 else 27.9, "returned 27.9: a number of patches is a whole"),
        (lambda shape, patch, overlap: 36 if overlap == 0.5 else 27, "is not the number of patches"),  # memorised
        (lambda shape, patch, overlap: 30 if overlap == 0.5 else 20, "(120, 144, 120), 64, 0.5) = 30 is not"),
        (_floor, "misses the last patch"),
        (lambda shape, patch, overlap: sum(len(_starts(n, patch, overlap)) for n in shape), "multiply"),
        (lambda shape, patch, overlap: _n_patches(shape, patch, 1 - overlap), "step = patch * overlap"),
        (lambda shape, patch, overlap: [_n_patches(shape, patch, overlap)], "must return an int"),
        (lambda shape, patch, overlap: shape.size, "raised AttributeError"),
    ],
)
def test_exercise_1_rejects_wrong_counts_and_never_prints_the_right_one(run_check, n_patches, message):
    ok, out = run_check(nb10.check_exercise_1, n_patches, SHAPE)
    assert not ok and message in out, out
    for case in nb10.unseen_cases():
        right = nb10.count_patches(*case)
        for line in out.splitlines():
            if f"n_patches({case[0]}, {case[1]}, {case[2]})" in line:
                assert f"= {right} " not in line and f"got {right}" not in line


# --- exercise 2 ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def covered(scans):
    small, preprocessed = scans
    ones = preprocessed.replace(label=np.ones(preprocessed.shape, np.uint8))
    return tu.invert(ones, preprocessed.history, original=small, intensity="keep").label > 0


def test_exercise_2_accepts_the_footprint_of_the_preprocessed_grid(run_check, scans, covered):
    small, preprocessed = scans
    assert 0 < covered.sum() < covered.size and (small.label[~covered] > 0).any()
    ok, out = run_check(nb10.check_exercise_2, covered, small, preprocessed)
    assert ok and "labelled voxels lie outside" in out, out
    ok, out = run_check(nb10.check_exercise_2, covered.astype(np.uint8), small, preprocessed)
    assert ok, out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda c, s: np.ones_like(c), "marks every voxel"),
        (lambda c, s: ~c, "the opposite"),
        (lambda c, s: s.label > 0, "labelled anatomy"),
        (lambda c, s: s.image != 0, "image is non-zero"),
        (lambda c, s: c[1:], "must have the scan's shape"),
        (lambda c, s: c * 0.5, "True/False"),
        (lambda c, s: np.roll(c, 3, axis=0), "disagrees with the preprocessed grid's footprint"),
    ],
)
def test_exercise_2_rejects_wrong_masks_in_the_readers_terms(run_check, scans, covered, answer, message):
    small, preprocessed = scans
    ok, out = run_check(nb10.check_exercise_2, answer(covered, small), small, preprocessed)
    assert not ok and message in out, out
    assert f"{int(covered.sum()):,}" not in out.split("Not yet:")[-1]


# --- exercise 3 ------------------------------------------------------------------------------------------------


def _dice(labels, reference):
    return tu.dice_scores(reference, labels.astype(np.uint8), (2, 3))


def test_exercise_3_accepts_the_dice_of_the_inverted_probabilities(run_check, scans, tta):
    small, preprocessed = scans
    back = tu.invert(tta, preprocessed.history, original=small, reference=preprocessed)
    dice = _dice(back.argmax(axis=0), small.label)
    ok, out = run_check(nb10.check_exercise_3, dice, tta, small, preprocessed)
    assert ok and f"your Dice: grey matter {dice[2]:.3f}" in out, out


def _wrong_dice(kind, small, preprocessed, mean):
    right = _dice(
        tu.invert(mean, preprocessed.history, original=small, reference=preprocessed).argmax(axis=0), small.label
    )
    if kind == "preprocessed grid":
        return _dice(mean.argmax(axis=0), preprocessed.label)
    if kind == "labels inverted":
        labels = preprocessed.replace(label=mean.argmax(axis=0).astype(np.uint8))
        return _dice(tu.invert(labels, preprocessed.history, original=small).label, small.label)
    if kind == "swapped":
        return {2: right[3], 3: right[2]}
    if kind == "rounded":
        return {k: round(v, 2) for k, v in right.items()}
    if kind == "list":
        return [right[2], right[3]]
    if kind == "string keys":
        return {"2": right[2], "3": right[3]}
    if kind == "string values":
        return {k: f"{v:.3f}" for k, v in right.items()}
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("preprocessed grid", "Dice on the preprocessed grid"),
        ("labels inverted", "inverts labels"),
        ("swapped", "swapped"),
        ("rounded", "not the Dice of the TTA mean"),
        ("list", "must be a dict"),
        ("string keys", "keys must be the label values"),
        ("string values", "values must be numbers"),
    ],
)
def test_exercise_3_rejects_wrong_dice_in_the_readers_terms(run_check, scans, tta, kind, message):
    small, preprocessed = scans
    ok, out = run_check(nb10.check_exercise_3, _wrong_dice(kind, small, preprocessed, tta), tta, small, preprocessed)
    assert not ok and message in out, out
    right = _dice(
        tu.invert(tta, preprocessed.history, original=small, reference=preprocessed).argmax(axis=0), small.label
    )
    if kind not in ("swapped", "list", "string values"):  # those echo the reader's own numbers
        assert f"{right[2]:.3f}" not in out
