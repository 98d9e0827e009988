"""The exercise checks of notebook 09: refuse an unfilled answer, accept the solution, explain wrong answers.

The fingerprint here is built from a table (no Dask): ten cases of 128 x 128
slices with mixed spacings, like the notebook's sample dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tutorial_utils.dataset.fingerprint import DatasetFingerprint
from tutorial_utils.exercises import nb09


@pytest.fixture(scope="module")
def fingerprint():
    rng = np.random.default_rng(0)
    n = 10
    inplane, slices = rng.uniform(0.6, 0.9, n), rng.choice([0.8, 1.0, 1.5, 5.0], n)
    rows = pd.DataFrame(
        {
            "case": [f"case_{i:03d}" for i in range(n)],
            "status": "done",
            "shape_ras": [(128, 128, int(k)) for k in rng.integers(16, 48, n)],
            "spacing_ras": [(float(s), float(s), float(z)) for s, z in zip(inplane, slices)],
        }
    )
    return DatasetFingerprint(rows, {c: rng.normal(0, 300, 1000).astype(np.float32) for c in rows["case"]})


@pytest.fixture(scope="module")
def plan(fingerprint):
    plan = fingerprint.plan()
    assert "median spacing of each axis" in plan.notes[0]  # not anisotropic, as the notebook's data
    return plan


def _solution_1(fp, plan):
    shapes = np.array(fp.cases["shape_ras"].tolist())
    spacings = np.array(fp.cases["spacing_ras"].tolist())
    resampled = np.floor(shapes * spacings / np.array(plan.target_spacing) + 0.5)
    return list(fp.cases["case"][(resampled > np.array(plan.shape)).any(axis=1)])


def _target_spacing(spacings):
    return np.median(spacings, axis=0)


def _hours(n_cases, n_workers, seconds_per_case, mb_per_case, storage_mb_per_s):
    cases_per_second = min(n_workers / seconds_per_case, storage_mb_per_s / mb_per_case)
    return n_cases / cases_per_second / 3600


# --- unfilled answers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda fp, plan: nb09.check_exercise_1(..., fp, plan), r"replace the \.\.\. in `cropped = \.\.\.`"),
        (lambda fp, plan: nb09.check_exercise_2(..., fp, plan), r"replace the \.\.\. in `target_spacing = \.\.\.`"),
        (
            lambda fp, plan: nb09.check_exercise_2(lambda spacings: ..., fp, plan),
            r"replace the \.\.\. after `return` in `target_spacing`",
        ),
        (lambda fp, plan: nb09.check_exercise_3(...), r"replace the \.\.\. in `hours = \.\.\.`"),
        (lambda fp, plan: nb09.check_exercise_3(lambda *args: ...), r"replace the \.\.\. after `return` in `hours`"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_with_a_hint_that_is_not_the_answer(call, pattern, fingerprint, plan):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: {pattern}.*Hint: ") as raised:
        call(fingerprint, plan)
    for answer in ("median", "min(", "max(", "3600", "floor", "+ 0.5", "axis=0"):
        assert answer not in str(raised.value)


# --- exercise 1: the cases the crop cuts ----------------------------------------------------------------------


def test_nb09_exercise_1_accepts_the_cropped_cases(run_check, fingerprint, plan):
    cropped = _solution_1(fingerprint, plan)
    assert 0 < len(cropped) < len(fingerprint.cases)
    ok, out = run_check(nb09.check_exercise_1, cropped, fingerprint, plan)
    assert ok and f"{len(cropped)} cases" in out, out
    ok, out = run_check(nb09.check_exercise_1, pd.Series(cropped[::-1]), fingerprint, plan)  # any order, a Series too
    assert ok, out


def _resampled(fp, plan):
    return fp.shapes * fp.spacings / np.array(plan.target_spacing)


def _names(fp, rows):
    return list(fp.read["case"][rows])


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda fp, plan: _names(fp, (fp.shapes > np.array(plan.shape)).any(axis=1)), "before resampling"),
        (
            lambda fp, plan: _names(fp, (np.floor(_resampled(fp, plan) + 0.5) < np.array(plan.shape)).any(axis=1)),
            "get padded, not cropped",
        ),
        (
            lambda fp, plan: _names(fp, np.floor(_resampled(fp, plan) + 0.5)[:, 2] > plan.shape[2]),
            "not only z",
        ),
        (lambda fp, plan: _solution_1(fp, plan)[:-1], "you missed 1 that is"),
        (lambda fp, plan: _solution_1(fp, plan) + [_solution_1(fp, plan)[0]], "names a case twice"),
        (lambda fp, plan: _solution_1(fp, plan) + ["case_042"], "case_042 is not among the cases of the plan"),
        (lambda fp, plan: ",".join(_solution_1(fp, plan)), "must be a list of case names"),
        (lambda fp, plan: len(_solution_1(fp, plan)), "must be a list of case names"),
    ],
)
def test_nb09_exercise_1_rejects_typical_mistakes_without_naming_the_expected_cases(
    run_check, fingerprint, plan, answer, message
):
    given = answer(fingerprint, plan)
    ok, out = run_check(nb09.check_exercise_1, given, fingerprint, plan)
    assert not ok and message in out, out
    if isinstance(given, list):
        missing = set(_solution_1(fingerprint, plan)) - set(given)
        assert not any(name in out for name in missing), "a rejected answer must not reveal the expected cases"


def test_nb09_exercise_1_explains_truncation_and_an_exact_fit(run_check, fingerprint):
    # a plan whose shape some cases hit exactly, or exceed only by truncation's half voxel
    rows = fingerprint.cases.copy()
    rows["shape_ras"] = [(128, 128, 32), (128, 128, 33), (128, 128, 20)] + list(rows["shape_ras"][3:])
    rows["spacing_ras"] = [(0.8, 0.8, 2.0), (0.8, 0.8, 1.97), (0.8, 0.8, 2.0)] + list(rows["spacing_ras"][3:])
    fp = DatasetFingerprint(rows, fingerprint.samples)
    plan = type("Plan", (), {"target_spacing": (0.8, 0.8, 2.0), "shape": (128, 128, 32)})()
    exact = _resampled(fp, plan)
    truncated = _names(fp, (np.floor(exact) > np.array(plan.shape)).any(axis=1))
    at_least = _names(fp, (np.floor(exact + 0.5) >= np.array(plan.shape)).any(axis=1))
    for given, message in ((truncated, "round the resampled size"), (at_least, "fits plan.shape exactly")):
        assert given != nb09.cropped_cases(fp, plan)
        ok, out = run_check(nb09.check_exercise_1, given, fp, plan)
        assert not ok and message in out, out


# --- exercise 2: the target spacing as a function --------------------------------------------------------------


def test_the_unseen_spacing_tables_are_under_the_anisotropy_threshold_and_have_outliers():
    for table in nb09.unseen_spacings():
        median = np.median(table, axis=0)
        assert median.max() / median.min() < 3
        assert not np.allclose(table.mean(axis=0), median, atol=1e-3)


def test_nb09_exercise_2_accepts_the_median_per_axis(run_check, fingerprint, plan):
    ok, out = run_check(nb09.check_exercise_2, _target_spacing, fingerprint, plan)
    assert ok and "datasets the notebook does not show" in out and "the plan's target spacing" in out, out


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (lambda s: tuple(np.median(np.array([[0.7304, 0.7304, 2.0]]), axis=0)), "returned the same spacing"),
        (lambda s: (0.7304, 0.7304, 2.0), "returned the same spacing"),
        (lambda s: s.mean(axis=0), "takes the mean"),
        (lambda s: np.full(3, np.median(s)), "one median over all axes"),
        (lambda s: np.median(s, axis=1), "one per case"),
        (lambda s: np.median(s), "must return 3 numbers"),
        (lambda s: s.min(axis=0), "finest spacing"),
        (lambda s: s.max(axis=0), "coarsest spacing"),
        (lambda s: np.percentile(s, 10, axis=0), "10th percentile"),
        (lambda s: np.median(s, axis=0) * 2, "another spacing than the plan's rule"),
        (lambda s: None, "returned None"),
        (lambda s: s["spacing_ras"], "raised IndexError"),
        ((0.7304, 0.7304, 2.0), "must be a function of an array of spacings"),
    ],
)
def test_nb09_exercise_2_rejects_wrong_and_hard_coded_functions(run_check, fingerprint, plan, function, message):
    ok, out = run_check(nb09.check_exercise_2, function, fingerprint, plan)
    assert not ok and message in out, out
    assert "expected" not in out and "close to" not in out
    assert f"{plan.target_spacing[0]:.4f}" not in out and f"{plan.target_spacing[0]:.3f}" not in out


# --- exercise 3: hours on a cluster -----------------------------------------------------------------------------


def test_nb09_exercise_3_accepts_the_slower_of_compute_and_storage(run_check):
    ok, out = run_check(nb09.check_exercise_3, _hours)
    assert ok and "Your function, on the example: 1 worker(s) 1.67 h" in out and "past 15 workers" in out, out


def _hard_coded(n_cases, n_workers, seconds_per_case, mb_per_case, storage_mb_per_s):
    return {1: 1000 * 6 / 3600}.get(n_workers, 1000 * 200 / 500 / 3600)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (lambda n, w, s, mb, bw: _hours(n, w, s, mb, bw) * 3600, "returns seconds"),
        (lambda n, w, s, mb, bw: max(n * s / w, n * mb / bw) / 60, "returns minutes"),
        (lambda n, w, s, mb, bw: n * s / w / 3600, "ignores the storage"),
        (lambda n, w, s, mb, bw: n * mb / bw / 3600, "ignores the workers"),
        (lambda n, w, s, mb, bw: (n * s / w + n * mb / bw) / 3600, "adds compute time and storage time"),
        (lambda n, w, s, mb, bw: min(n * s / w, n * mb / bw) / 3600, "the faster of compute and storage"),
        (lambda n, w, s, mb, bw: max(n * s / w, n * mb / bw / w) / 3600, "the storage's whole bandwidth"),
        (_hard_coded, "hours(250, 4, 11.0, 80.0, 900.0) returned"),
        (lambda n, w, s, mb, bw: 2 * _hours(n, w, s, mb, bw), "not that run's duration"),
        (lambda n, w, s, mb, bw: None, "returned None"),
        (lambda n, w, s, mb, bw: "1.7 h", "must return a number of hours"),
        (lambda n, w, s: n * s / w / 3600, "raised TypeError"),
        (2.5, "must be a function of five numbers"),
    ],
)
def test_nb09_exercise_3_rejects_typical_formulas_and_hard_coded_answers(run_check, hours, message):
    ok, out = run_check(nb09.check_exercise_3, hours)
    assert not ok and message in out, out
    runs = [(1000, w, 6.0, 200.0, 500.0) for w in (1, 16, 64)] + list(nb09.UNSEEN_RUNS)
    assert "expected" not in out and not any(f"{_hours(*run):.4g}" in out for run in runs[3:])
