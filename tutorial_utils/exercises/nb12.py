"""Checks for the exercises of notebook 12 (the capstone: a model, end to end).

Each ``check_exercise_N`` takes the reader's answer and the data it is about,
prints what is right and what is not, and ends with "Correct:" when the
answer is right. An unfilled answer (``...``) raises ``NotImplementedError``
with a hint. None of them needs PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import describe
from ..evaluation import hausdorff_distance
from ..volume import Volume
from ._feedback import require, verdict

#: The relative tolerance of a volume in mL (rounding in the reader's arithmetic).
VOLUME_RTOL = 1e-6


def check_exercise_1(liver_ml: Any, scan: Volume, liver: int = 2) -> None:
    """Check the reference liver volume of ``scan`` in mL, computed from its affine.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> scan = tu.make_heldout_scan(3, scale=0.1)  # tissue labels: the liver is 4 here
    >>> voxel_mm3 = abs(np.linalg.det(scan.affine[:3, :3]))
    >>> check_exercise_1(np.count_nonzero(scan.label == 4) * voxel_mm3 / 1000, scan, liver=4)  # doctest: +ELLIPSIS
    Correct: ...
    """
    require(liver_ml, "liver_ml", "count the liver's voxels, then use the affine: what volume does one voxel hold?")
    try:
        given = float(liver_ml)
    except (TypeError, ValueError):
        return verdict([f"liver_ml must be a number of millilitres; got {describe(liver_ml)}."], "")
    voxels = int(np.count_nonzero(scan.label == liver))
    voxel_mm3 = abs(float(np.linalg.det(scan.affine[:3, :3])))
    expected = voxels * voxel_mm3 / 1000.0
    problems = []
    if np.isclose(given, expected, rtol=VOLUME_RTOL):
        pass
    elif np.isclose(given, voxels):
        problems.append("that is a number of voxels: multiply it by the volume of one voxel in mm^3 first.")
    elif np.isclose(given, expected * 1000.0, rtol=VOLUME_RTOL):
        problems.append("that is in mm^3: one millilitre is 1000 mm^3 (a cube of 10 mm).")
    elif np.isclose(given, voxels * float(np.prod(scan.spacing[:2])) / 1000.0, rtol=VOLUME_RTOL):
        problems.append("the slice spacing is missing: a voxel's volume is the product of all three spacings.")
    elif given < 0:
        problems.append(
            "a volume is positive: take the absolute value of the determinant (a flipped axis makes it negative)."
        )
    else:
        problems.append(
            f"the number does not match the liver (label {liver}) of this scan: count its voxels and multiply by "
            "the volume of one voxel, |det(affine[:3, :3])|, in mL."
        )
    return verdict(
        problems,
        f"{voxels:,} voxels of {voxel_mm3:.2f} mm^3. The same count on the preprocessed grid (other voxels) would give "
        "another number of voxels but about the same mL: millilitres belong to the patient, voxels to the grid.",
    )


def reference_hd95(a: np.ndarray, b: np.ndarray, spacing: tuple[float, float, float]) -> float:
    """The answer of exercise 2: :func:`~tutorial_utils.evaluation.hausdorff_distance` at 95."""
    return hausdorff_distance(a, b, spacing, percentile=95.0)


def _test_masks() -> list[tuple[np.ndarray, np.ndarray, tuple[float, float, float]]]:
    """Mask pairs the reader has not seen: shifted boxes with a stray voxel, nested boxes, anisotropic spacings."""
    cases = []
    rng = np.random.default_rng(12)
    for shift, spacing in (((0, 0, 1), (0.8, 0.8, 4.0)), ((2, 0, 0), (1.5, 0.5, 1.0)), ((1, 1, 0), (0.7, 0.9, 2.5))):
        a = np.zeros((18, 16, 12), bool)
        a[4:12, 3:11, 3:8] = True
        b = np.roll(a, shift, axis=(0, 1, 2))
        b[int(rng.integers(0, 3)), 15, 11] = True  # one stray voxel far away: HD95 ignores it, the maximum does not
        cases.append((a, b, spacing))
    outer, inner = np.zeros((18, 16, 12), bool), np.zeros((18, 16, 12), bool)
    outer[2:16, 2:14, 2:10] = True
    inner[6:11, 5:9, 4:7] = True  # nested: the masks overlap, their surfaces do not
    cases.append((outer, inner, (0.8, 0.8, 4.0)))
    return cases


def check_exercise_2(hd95: Any) -> None:
    """Check the reader's ``hd95(a, b, spacing)`` on masks it has not seen, against the package's.

    Examples
    --------
    >>> check_exercise_2(reference_hd95)  # doctest: +ELLIPSIS
    case 1: ...
    Correct: ...
    """
    require(
        hd95,
        "hd95",
        "surface voxels = mask & ~binary_erosion(mask); distance_transform_edt(~surface, sampling=spacing) gives "
        "each voxel's distance to the nearest surface voxel.",
    )
    if not callable(hd95):
        return verdict([f"hd95 must be a function hd95(a, b, spacing); got {describe(hd95)}."], "")
    problems, notes = [], []
    for number, (a, b, spacing) in enumerate(_test_masks(), start=1):
        expected = reference_hd95(a, b, spacing)
        try:
            given = float(hd95(a.copy(), b.copy(), spacing))
        except NotImplementedError:
            raise
        except Exception as error:  # the reader's function failed: say how
            return verdict([f"hd95 raised {type(error).__name__} on case {number}: {error}"], "")
        notes.append(f"case {number}: spacing {spacing} mm, your HD95 {given:.3f} mm")
        if np.isclose(given, expected, atol=1e-6):
            continue
        if np.isclose(given, reference_hd95(a, b, (1.0, 1.0, 1.0)), atol=1e-6):
            problems.append(f"case {number}: that is in voxels: pass sampling=spacing to the distance transform.")
        elif np.isclose(given, hausdorff_distance(a, b, spacing, percentile=100.0), atol=1e-6):
            problems.append(f"case {number}: that is the maximum (HD100): take the 95th percentile of each direction.")
        else:
            problems.append(
                f"case {number}: not the 95th-percentile Hausdorff distance. Distances from the surface of a to the "
                "surface of b and back, the 95th percentile of each, the larger of the two."
            )
    return verdict(
        problems,
        "surfaces, distance transforms in mm, a percentile per direction and the larger of the two: MONAI's "
        "definition, and the stray voxel in each case moves the maximum but not the 95th percentile.",
        notes,
    )


def reference_exceeds(summary: Any, site: str, name: str, first: str, second: str, metric: str) -> tuple[float, bool]:
    """The answer of exercise 3: ``(mean of second - mean of first, |difference| > sd_first + sd_second)``."""
    rows = summary.set_index(["site", "name", "setting"])
    one, two = rows.loc[(site, name, first)], rows.loc[(site, name, second)]
    delta = float(two[f"{metric}_mean"] - one[f"{metric}_mean"])
    return delta, bool(abs(delta) > one[f"{metric}_std"] + two[f"{metric}_std"])


def check_exercise_3(exceeds: Any, summary: Any) -> None:
    """Check the reader's ``exceeds(summary, site, name, first, second, metric)`` on every comparison of the table.

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"site": ["other"] * 2, "name": ["liver"] * 2, "setting": ["a", "b"],
    ...                         "dice_mean": [0.5, 0.8], "dice_std": [0.05, 0.05]})
    >>> check_exercise_3(reference_exceeds, summary)  # doctest: +ELLIPSIS
    other, liver, dice: (b) - (a) = +0.300, exceeds the spread: True
    Correct: ...
    """
    require(
        exceeds,
        "exceeds",
        "pick the two rows with summary.set_index(['site', 'name', 'setting']).loc[...]; compare the difference of "
        "the means with the two standard deviations.",
    )
    if not callable(exceeds):
        return verdict([f"exceeds must be a function; got {describe(exceeds)}."], "")
    metrics = [
        c[: -len("_mean")] for c in summary.columns if c.endswith("_mean") and f"{c[:-5]}_std" in summary.columns
    ]
    settings = sorted(summary["setting"].unique())
    problems, notes = [], []
    for site in summary["site"].unique():
        for name in summary["name"].unique():
            for first, second in zip(settings, settings[1:]):
                for metric in metrics:
                    delta, more = reference_exceeds(summary, site, name, first, second, metric)
                    try:
                        given = exceeds(summary, site, name, first, second, metric)
                        given_delta, given_more = float(given[0]), bool(given[1])
                    except NotImplementedError:
                        raise
                    except Exception as error:  # the reader's function failed or returned something else
                        return verdict(
                            [f"exceeds(...) must return (difference, True/False); on {site}, {name}, {metric} it gave "
                             f"{type(error).__name__}: {error}"],
                            "",
                        )  # fmt: skip
                    if len(notes) < 3:
                        notes.append(
                            f"{site}, {name}, {metric}: ({second}) - ({first}) = {given_delta:+.3f}, "
                            f"exceeds the spread: {given_more}"
                        )
                    if np.isclose(given_delta, -delta) and delta != 0:
                        problems.append(f"{site}, {name}, {metric}: the sign is reversed: ({second}) minus ({first}).")
                    elif not np.isclose(given_delta, delta):
                        problems.append(f"{site}, {name}, {metric}: the difference is not that of the two means.")
                    elif given_more != more:
                        problems.append(
                            f"{site}, {name}, {metric}: the verdict is off: compare |difference| with the sum of "
                            "the two standard deviations."
                        )
    return verdict(
        problems[:6],
        "a difference smaller than the seed-to-seed spread is one that another three seeds could reverse; report "
        "it as 'no measurable difference', not as a win.",
        notes,
    )
