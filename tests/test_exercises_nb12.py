"""The exercise checks of notebook 12: refuse an unfilled answer, accept the solution, explain the typical mistakes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import ndimage

import tutorial_utils as tu
from tutorial_utils import capstone
from tutorial_utils.exercises import nb12


@pytest.fixture(scope="module")
def scan():
    return capstone.to_classes(tu.make_heldout_scan(3, scale=0.15))


@pytest.fixture(scope="module")
def summary():
    rows = []
    for setting, dice, sd in (("a", 0.4, 0.05), ("b", 0.7, 0.05), ("c", 0.78, 0.04)):
        for name in ("lung", "liver"):
            for site in ("same", "other"):
                rows.append(
                    {"setting": setting, "site": site, "name": name, "dice_mean": dice, "dice_std": sd,
                     "hd95_mm_mean": 30 * (1 - dice), "hd95_mm_std": 2.0}
                )  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda s, t: nb12.check_exercise_1(..., s), "liver_ml"),
        (lambda s, t: nb12.check_exercise_2(...), "hd95"),
        (lambda s, t: nb12.check_exercise_3(..., t), "exceeds"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name, scan, summary):
    with pytest.raises(NotImplementedError, match=rf"^Your turn: replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(scan, summary)


def test_exercise_1_accepts_the_volume_from_the_affine_and_explains_units(run_check, scan):
    voxels = np.count_nonzero(scan.label == 2)
    voxel_mm3 = abs(np.linalg.det(scan.affine[:3, :3]))
    ok, out = run_check(nb12.check_exercise_1, voxels * voxel_mm3 / 1000, scan)
    assert ok, out
    assert str(round(voxels * voxel_mm3 / 1000, 1)) not in out  # never the expected value
    for answer, words in [
        (voxels, "number of voxels"),
        (voxels * voxel_mm3, "in mm^3"),
        (voxels * np.prod(scan.spacing[:2]) / 1000, "slice spacing is missing"),
        (-voxels * voxel_mm3 / 1000, "positive"),
        (np.count_nonzero(scan.label == 1) * voxel_mm3 / 1000, "does not match the liver"),
        ("12 mL", "must be a number"),
    ]:
        ok, out = run_check(nb12.check_exercise_1, answer, scan)
        assert not ok and words in out, (answer, out)


def test_exercise_2_runs_the_readers_function_on_unseen_masks(run_check):
    def solution(a, b, spacing):
        surface_a, surface_b = a & ~ndimage.binary_erosion(a), b & ~ndimage.binary_erosion(b)
        to_b = ndimage.distance_transform_edt(~surface_b, sampling=spacing)[surface_a]
        to_a = ndimage.distance_transform_edt(~surface_a, sampling=spacing)[surface_b]
        return float(max(np.percentile(to_b, 95), np.percentile(to_a, 95)))

    ok, out = run_check(nb12.check_exercise_2, solution)
    assert ok and "case 3" in out, out

    def in_voxels(a, b, spacing):
        return solution(a, b, (1.0, 1.0, 1.0))

    def maximum(a, b, spacing):
        surface_a, surface_b = a & ~ndimage.binary_erosion(a), b & ~ndimage.binary_erosion(b)
        to_b = ndimage.distance_transform_edt(~surface_b, sampling=spacing)[surface_a]
        to_a = ndimage.distance_transform_edt(~surface_a, sampling=spacing)[surface_b]
        return float(max(to_b.max(), to_a.max()))

    def masks_not_surfaces(a, b, spacing):
        to_b = ndimage.distance_transform_edt(~b, sampling=spacing)[a]
        to_a = ndimage.distance_transform_edt(~a, sampling=spacing)[b]
        return float(max(np.percentile(to_b, 95), np.percentile(to_a, 95)))

    def broken(a, b, spacing):
        raise KeyError("spacing")

    for function, words in [
        (in_voxels, "in voxels"),
        (maximum, "maximum (HD100)"),
        (masks_not_surfaces, "not the 95th-percentile Hausdorff distance"),
        (broken, "raised KeyError"),
        ("hd95", "must be a function"),
    ]:
        ok, out = run_check(nb12.check_exercise_2, function)
        assert not ok and words in out, (function, out)


def test_exercise_3_checks_every_comparison_of_the_table(run_check, summary):
    ok, out = run_check(nb12.check_exercise_3, nb12.reference_exceeds, summary)
    assert ok, out

    def reversed_sign(summary, site, name, first, second, metric):
        delta, more = nb12.reference_exceeds(summary, site, name, first, second, metric)
        return -delta, more

    def no_spread(summary, site, name, first, second, metric):
        delta, _ = nb12.reference_exceeds(summary, site, name, first, second, metric)
        return delta, delta != 0

    def one_sd_only(summary, site, name, first, second, metric):
        rows = summary.set_index(["site", "name", "setting"])
        delta, _ = nb12.reference_exceeds(summary, site, name, first, second, metric)
        return delta, bool(abs(delta) > rows.loc[(site, name, first), f"{metric}_std"])

    def returns_a_number(summary, site, name, first, second, metric):
        return 0.3

    for function, words in [
        (reversed_sign, "sign is reversed"),
        (no_spread, "verdict is off"),
        (one_sd_only, "verdict is off"),
        (returns_a_number, "must return (difference, True/False)"),
        (3, "must be a function"),
    ]:
        ok, out = run_check(nb12.check_exercise_3, function, summary)
        assert not ok and words in out, (function, out)
