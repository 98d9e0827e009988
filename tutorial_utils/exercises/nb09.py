"""Check functions for the exercises of notebook 09 (a whole dataset).

Each ``check_exercise_N`` prints what is right and what is wrong, and returns
True when the answer is right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def _report(ok: bool, right: str, wrong: str) -> bool:
    print(("right: " + right) if ok else ("not yet: " + wrong))
    return ok


def cropped_cases(fingerprint: Any, plan: Any) -> list[str]:
    """The cases whose shape after resampling to ``plan.target_spacing`` exceeds ``plan.shape`` on some axis."""
    read = fingerprint.read
    resampled = np.floor(fingerprint.shapes * fingerprint.spacings / np.asarray(plan.target_spacing) + 0.5)
    too_big = (resampled > np.asarray(plan.shape)).any(axis=1)
    return sorted(read["case"][too_big])


def check_exercise_1(answer: Sequence[str], fingerprint: Any, plan: Any) -> bool:
    """Exercise 1: the names of the cases that the plan's crop-or-pad step will cut."""
    expected = cropped_cases(fingerprint, plan)
    given = sorted(str(a) for a in answer)
    missing = sorted(set(expected) - set(given))
    extra = sorted(set(given) - set(expected))
    return _report(
        not missing and not extra,
        f"{len(expected)} cases ({', '.join(expected)}) are larger than {plan.shape} after resampling; "
        "check that the centre crop keeps their foreground.",
        f"missing {missing}, not cropped {extra}. Resampled size per axis = shape_ras x spacing_ras / "
        "target_spacing, rounded; a case is cropped where that exceeds plan.shape.",
    )


def check_exercise_2(answer: Sequence[float], fingerprint: Any) -> bool:
    """Exercise 2: the target spacing computed by hand from ``fingerprint.cases``."""
    expected = np.asarray(fingerprint.plan().target_spacing)
    given = np.asarray(answer, dtype=np.float64).ravel()
    ok = given.shape == (3,) and np.allclose(given, expected, atol=1e-3)
    return _report(
        ok,
        f"{tuple(round(float(v), 4) for v in given)} mm, the plan's target spacing (median per axis, in RAS order).",
        f"expected 3 numbers close to {tuple(round(float(v), 4) for v in expected)}; got {given.tolist()}. "
        "Take the median (not the mean) of spacing_ras over the cases that were read, axis by axis.",
    )


#: (n_cases, n_workers, seconds_per_case, mb_per_case, storage_mb_per_s) used to check exercise 3.
EXERCISE_3_INPUTS = ((1000, 1, 6.0, 200.0, 500.0), (1000, 16, 6.0, 200.0, 500.0), (1000, 64, 6.0, 200.0, 500.0))


def _reference_hours(
    n_cases: int, n_workers: int, seconds_per_case: float, mb_per_case: float, storage_mb_per_s: float
) -> float:
    cases_per_second = min(n_workers / seconds_per_case, storage_mb_per_s / mb_per_case)
    return n_cases / cases_per_second / 3600


def check_exercise_3(hours: Callable[..., float]) -> bool:
    """Exercise 3: ``hours(n_cases, n_workers, seconds_per_case, mb_per_case, storage_mb_per_s)``."""
    ok = True
    for inputs in EXERCISE_3_INPUTS:
        expected = _reference_hours(*inputs)
        got = float(hours(*inputs))
        good = bool(np.isclose(got, expected, rtol=1e-3))
        ok &= good
        print(f"{inputs[1]:3d} workers: {got:7.3f} h (expected {expected:.3f} h) {'ok' if good else 'WRONG'}")
    return _report(
        ok,
        "compute scales with the workers until the shared storage is saturated: past about "
        f"{EXERCISE_3_INPUTS[0][2] * EXERCISE_3_INPUTS[0][4] / EXERCISE_3_INPUTS[0][3]:.0f} workers, more "
        "workers wait on the storage.",
        "the run takes as long as the slower of compute (cases x seconds / workers) and storage "
        "(cases x MB / storage MB per second).",
    )
