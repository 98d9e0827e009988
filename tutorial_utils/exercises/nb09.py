"""Checks for the exercises of notebook 09 (a whole dataset).

Each ``check_exercise_N`` takes the reader's answer and the data it is about,
prints what is wrong in the reader's terms or "Correct:", and returns None.
None of them prints the value it expects. Exercises 2 and 3 ask for a
function, which the check calls on datasets and runs the notebook never
shows, so a function that returns the notebook's numbers is not accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import describe
from ._feedback import require, verdict

#: Exercise 3: (n_cases, seconds_per_case, mb_per_case, storage_mb_per_s) of the exercise's example, and its workers.
EXAMPLE_RUN, EXAMPLE_WORKERS = (1000, 6.0, 200.0, 500.0), (1, 16, 64)
#: Exercise 3: runs the notebook never shows, (n_cases, n_workers, seconds_per_case, mb_per_case, storage_mb_per_s).
UNSEEN_RUNS = (
    (250, 4, 11.0, 80.0, 900.0),
    (4000, 96, 2.5, 350.0, 1200.0),
    (730, 12, 40.0, 30.0, 120.0),
    (1800, 300, 9.0, 150.0, 2000.0),
    (600, 8, 2.0, 300.0, 100.0),
)


def _unfilled_function(name: str, hint: str) -> NotImplementedError:
    return NotImplementedError(
        f"Your turn: replace the ... after `return` in `{name}` with your answer and run the cell again. Hint: {hint}"
    )


# --- exercise 1 -------------------------------------------------------------------------------------------------


def _resampled(fingerprint: Any, plan: Any) -> np.ndarray:
    return fingerprint.shapes * fingerprint.spacings / np.asarray(plan.target_spacing, dtype=float)


def _names(fingerprint: Any, rows: np.ndarray) -> list[str]:
    return sorted(str(name) for name in fingerprint.read["case"][rows])


def cropped_cases(fingerprint: Any, plan: Any) -> list[str]:
    """The cases whose shape after resampling to ``plan.target_spacing`` exceeds ``plan.shape`` on some axis.

    Parameters
    ----------
    fingerprint : DatasetFingerprint
        Its read cases' ``shape_ras`` and ``spacing_ras``.
    plan : PreprocessingPlan
        Its ``target_spacing`` and ``shape``.

    Returns
    -------
    list of str
        Case names, sorted.
    """
    resampled = np.floor(_resampled(fingerprint, plan) + 0.5)
    return _names(fingerprint, (resampled > np.asarray(plan.shape)).any(axis=1))


def _crop_mistakes(fingerprint: Any, plan: Any) -> list[tuple[list[str], str]]:
    """The lists that typical mistakes give, each with what to say about it."""
    exact, shape = _resampled(fingerprint, plan), np.asarray(plan.shape)
    rounded = np.floor(exact + 0.5)
    return [
        (_names(fingerprint, (np.floor(exact) > shape).any(axis=1)), "round the resampled size, do not truncate it."),
        (_names(fingerprint, (rounded >= shape).any(axis=1)), "a case that fits plan.shape exactly is not cropped."),
        (
            _names(fingerprint, (fingerprint.shapes > shape).any(axis=1)),
            "you compared the shapes before resampling: convert each to the target spacing first.",
        ),
        (_names(fingerprint, (rounded < shape).any(axis=1)), "those are the cases that get padded, not cropped."),
        (_names(fingerprint, rounded[:, 2] > shape[2]), "a case is cropped when any axis is too large, not only z."),
    ]


def check_exercise_1(cropped: Any, fingerprint: Any, plan: Any) -> None:
    """Exercise 1: the names of the cases that the plan's crop-or-pad step will cut.

    Parameters
    ----------
    cropped : list of str
        The reader's case names.
    fingerprint : DatasetFingerprint
        The fingerprint the plan was made from (``fp_clean``).
    plan : PreprocessingPlan
        The plan (``fp_clean.plan()``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tutorial_utils.dataset.fingerprint import DatasetFingerprint
    >>> rows = pd.DataFrame({"case": ["a", "b", "c"], "status": "done", "shape_ras": [(64, 64, 20), (64, 64, 40),
    ...     (64, 64, 30)], "spacing_ras": [(0.8, 0.8, 2.0)] * 3})
    >>> fp = DatasetFingerprint(rows, {c: np.zeros(10, np.float32) for c in rows["case"]})
    >>> check_exercise_1(["b"], fp, fp.plan())
    Correct: 1 case (b) is larger than (64, 64, 32) after resampling: check that the centre crop keeps the foreground.
    """
    require(cropped, "cropped", "fp_clean.cases has one row per case; numpy compares whole columns at once.")
    if (
        isinstance(cropped, str)
        or not isinstance(cropped, (Sequence, set, frozenset))
        and not hasattr(cropped, "tolist")
    ):
        return verdict([f"cropped must be a list of case names such as 'case_003'; got {describe(cropped)}."], "")
    given = sorted(str(name) for name in (cropped.tolist() if hasattr(cropped, "tolist") else cropped))
    known = set(str(name) for name in fingerprint.read["case"])
    unknown = sorted(set(given) - known)
    if unknown:
        return verdict(
            [
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among the cases of the plan: it was "
                "made from fp_clean, without the cases stored without the intercept."
            ],
            "",
        )
    expected = cropped_cases(fingerprint, plan)
    problems = []
    if len(set(given)) != len(given):
        problems.append("your list names a case twice.")
    elif given != expected:
        for mistake, message in _crop_mistakes(fingerprint, plan):
            if given == mistake:
                problems.append(message)
                break
        else:
            extra, missing = len(set(given) - set(expected)), len(set(expected) - set(given))
            problems.append(
                f"{extra} of your cases {'is' if extra == 1 else 'are'} not cropped, and you missed {missing} that "
                f"{'is' if missing == 1 else 'are'}: resampled size per axis = shape_ras × spacing_ras / target "
                "spacing, rounded; a case is cropped where that exceeds plan.shape on any axis."
            )
    return verdict(
        problems,
        f"{len(expected)} case{'s' if len(expected) != 1 else ''} ({', '.join(expected)}) "
        f"{'are' if len(expected) != 1 else 'is'} larger than {tuple(plan.shape)} after resampling: check that the "
        "centre crop keeps the foreground.",
    )


# --- exercise 2 -------------------------------------------------------------------------------------------------


def unseen_spacings() -> list[np.ndarray]:
    """Three ``(n_cases, 3)`` spacing tables the notebook never shows, each under nnU-Net's anisotropy threshold.

    In-plane spacings 0.55-1.0 mm (x and y differ a little), slices 0.8-1.5 mm
    and one or two 5 mm outliers, so the median and the mean disagree.

    Examples
    --------
    >>> [table.shape for table in unseen_spacings()]
    [(7, 3), (10, 3), (13, 3)]
    """
    rng = np.random.default_rng(909)
    tables = []
    for n_cases, outliers in ((7, 1), (10, 2), (13, 2)):
        x = rng.uniform(0.55, 1.0, n_cases)
        z = rng.choice([0.8, 1.0, 1.25, 1.5], n_cases)
        z[rng.choice(n_cases, outliers, replace=False)] = 5.0
        tables.append(np.round(np.stack([x, x * rng.uniform(0.9, 1.1, n_cases), z], axis=1), 4))
    return tables


def _spacing_problem(given: np.ndarray, spacings: np.ndarray) -> str:
    """What the reader's ``target_spacing(spacings)`` did instead of the median per axis."""
    if given.shape == (len(spacings),) and len(spacings) != 3:
        return f"target_spacing returned {len(spacings)} numbers, one per case: take the median over the cases of each axis."
    if given.shape != (3,):
        return f"target_spacing must return 3 numbers (x, y, z in mm); it returned an array of shape {given.shape}."
    for other, message in (
        (
            spacings.mean(axis=0),
            "your function takes the mean: one thick-slice scan pulls it towards a spacing no scan has.",
        ),
        (
            np.full(3, np.median(spacings)),
            "your function takes one median over all axes: take the median of each axis.",
        ),
        (spacings.min(axis=0), "your function takes the finest spacing of each axis, not the typical one."),
        (spacings.max(axis=0), "your function takes the coarsest spacing of each axis, not the typical one."),
        (
            np.percentile(spacings, 10, axis=0),
            "the 10th percentile is nnU-Net's rule for a strongly anisotropic axis only.",
        ),
    ):
        if np.allclose(given, other, atol=1e-3):
            return message
    return "target_spacing gives another spacing than the plan's rule: the typical spacing of each axis over the cases."


def check_exercise_2(target_spacing: Any, fingerprint: Any, plan: Any) -> None:
    """Exercise 2: ``target_spacing(spacings)``, the plan's rule, on ``fp_clean`` and on datasets never shown.

    Parameters
    ----------
    target_spacing : callable
        ``target_spacing(spacings) -> 3 numbers``: ``spacings`` is an
        ``(n_cases, 3)`` array of spacings in RAS order (mm).
    fingerprint : DatasetFingerprint
        ``fp_clean``: the function must reproduce ``plan.target_spacing`` from its spacings.
    plan : PreprocessingPlan
        ``fp_clean.plan()``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tutorial_utils.dataset.fingerprint import DatasetFingerprint
    >>> rows = pd.DataFrame({"case": ["a", "b", "c"], "status": "done", "shape_ras": [(64, 64, 20)] * 3,
    ...     "spacing_ras": [(0.8, 0.8, 2.0), (0.7, 0.7, 1.0), (0.9, 0.9, 5.0)]})
    >>> fp = DatasetFingerprint(rows, {c: np.zeros(10, np.float32) for c in rows["case"]})
    >>> check_exercise_2(lambda spacings: np.median(spacings, axis=0), fp, fp.plan())  # doctest: +ELLIPSIS
    Tried target_spacing on fp_clean's spacings and on 3 datasets the notebook does not show.
    On fp_clean it gives the plan's target spacing.
    Correct: ...
    """
    require(target_spacing, "target_spacing", "define a function of an (n_cases, 3) array of spacings.")
    if not callable(target_spacing):
        return verdict(
            [f"target_spacing must be a function of an array of spacings; got {describe(target_spacing)}."], ""
        )
    tables = [fingerprint.spacings, *unseen_spacings()]
    answers = []
    for table in tables:
        try:
            result = target_spacing(table.copy())
        except NotImplementedError:
            raise
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            return verdict([f"target_spacing(spacings) raised {type(error).__name__}: {error}"], "")
        if result is Ellipsis:
            raise _unfilled_function("target_spacing", "numpy's statistics take an axis argument.")
        if result is None:
            return verdict(["target_spacing returned None: end it with return."], "")
        try:
            answers.append(np.asarray(result, dtype=float).reshape(-1) if np.ndim(result) else np.asarray([result]))
        except (TypeError, ValueError):
            return verdict([f"target_spacing must return 3 numbers; got {describe(result)}."], "")
    problems = []
    if all(a.shape == (3,) for a in answers) and all(np.allclose(a, answers[0]) for a in answers[1:]):
        problems.append(
            "target_spacing returned the same spacing for datasets with different spacings: compute it from the "
            "spacings it receives."
        )
    else:
        for answer, table in zip(answers, tables):
            if answer.shape != (3,) or not np.allclose(answer, np.median(table, axis=0), atol=1e-3):
                problems.append(_spacing_problem(answer, table))
                break
    return verdict(
        problems,
        "the median is what a typical scan has: one 5 mm scan among 1 mm scans does not move it, while the mean "
        "would move the target towards a spacing no scan has.",
        [
            f"Tried target_spacing on fp_clean's spacings and on {len(tables) - 1} datasets the notebook does not show.",
            "On fp_clean it gives the plan's target spacing."
            if np.allclose(answers[0], plan.target_spacing, atol=1e-3)
            else "The plan differs on this dataset: its coarse axis is anisotropic enough for nnU-Net's 10th "
            "percentile rule.",
        ]
        if not problems
        else [],
    )


# --- exercise 3 -------------------------------------------------------------------------------------------------


def reference_hours(
    n_cases: int, n_workers: int, seconds_per_case: float, mb_per_case: float, storage_mb_per_s: float
) -> float:
    """Duration in hours: the slower of compute (workers / seconds per case) and storage (bandwidth / MB per case).

    Examples
    --------
    >>> round(reference_hours(100, 1, 36.0, 1.0, 1000.0), 3)
    1.0
    """
    cases_per_second = min(n_workers / seconds_per_case, storage_mb_per_s / mb_per_case)
    return n_cases / cases_per_second / 3600


def _hours_mistakes(n: int, w: int, s: float, mb: float, bw: float) -> list[tuple[float, str]]:
    compute, storage = n * s / w / 3600, n * mb / bw / 3600
    right = max(compute, storage)
    return [
        (right * 3600, "your function returns seconds: return hours."),
        (right * 60, "your function returns minutes: return hours."),
        (compute, "your function ignores the storage: past some number of workers the shared storage sets the pace."),
        (storage, "your function ignores the workers: with few workers, computing sets the pace."),
        (
            compute + storage,
            "your function adds compute time and storage time: workers read and write while others compute, so "
            "only the slower of the two sets the pace.",
        ),
        (
            min(compute, storage),
            "in your function the faster of compute and storage sets the pace; the slower one does.",
        ),
        (
            max(compute, storage / w),
            "your function gives every worker the storage's whole bandwidth: the workers share it.",
        ),
    ]


def check_exercise_3(hours: Any) -> None:
    """Exercise 3: ``hours(n_cases, n_workers, seconds_per_case, mb_per_case, storage_mb_per_s)``.

    Called on the exercise's example and on runs the notebook never shows.

    Examples
    --------
    >>> check_exercise_3(reference_hours)  # doctest: +ELLIPSIS
    Your function, on the example: 1 worker(s) ... h, 16 worker(s) ... h, 64 worker(s) ... h
    Correct: ...
    """
    require(hours, "hours", "define a function of the five numbers.")
    if not callable(hours):
        return verdict([f"hours must be a function of five numbers; got {describe(hours)}."], "")
    n_cases, seconds, mb, bandwidth = EXAMPLE_RUN
    runs = [(n_cases, w, seconds, mb, bandwidth) for w in EXAMPLE_WORKERS] + list(UNSEEN_RUNS)
    got = []
    for run in runs:
        try:
            result = hours(*run)
        except NotImplementedError:
            raise
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            return verdict([f"hours{run} raised {type(error).__name__}: {error}"], "")
        if result is Ellipsis:
            raise _unfilled_function(
                "hours", "how many cases per second can the workers process, and the storage deliver?"
            )
        if result is None:
            return verdict(["hours returned None: end it with return."], "")
        try:
            got.append(float(result))
        except (TypeError, ValueError):
            return verdict([f"hours must return a number of hours; got {describe(result)}."], "")
    problems = []
    wrong = [(run, value) for run, value in zip(runs, got) if not np.isclose(value, reference_hours(*run), rtol=1e-3)]
    if wrong:
        mistakes = [_hours_mistakes(*run) for run in runs]
        for position, (_, message) in enumerate(mistakes[0]):
            if all(np.isclose(value, m[position][0], rtol=1e-3) for value, m in zip(got, mistakes)):
                problems.append(message)
                break
        else:
            run, value = wrong[0]
            problems.append(
                f"hours{run} returned {value:.4g}, which is not that run's duration: how many cases per second can the "
                "workers process, and how many can the storage deliver?"
            )
    example = ", ".join(f"{w} worker(s) {value:.3g} h" for w, value in zip(EXAMPLE_WORKERS, got))
    return verdict(
        problems,
        "compute scales with the workers until the shared storage is saturated: past "
        f"{seconds * bandwidth / mb:.0f} workers in the example, more workers wait on the storage.",
        [f"Your function, on the example: {example}"] if not problems else [],
    )
