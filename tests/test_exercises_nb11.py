"""The checks of notebook 11's exercises accept the solutions and explain the typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.exercises import nb11


@pytest.fixture(scope="module")
def mni():
    return tu.load_sample("mni")


def verdict_of(capsys) -> str:
    out = capsys.readouterr().out
    assert "Correct:" in out or "Not yet:" in out, out
    return "Correct" if "Correct:" in out else out


# --- exercise 1: where the ghosts go ----------------------------------------------------------------


def solution_1(position, n, period):
    return sorted((position + k * n // period) % n for k in range(1, period))


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda p, n, t: [p + n // 2], "ghost"),  # always one ghost at N/2, no wrap
        (lambda p, n, t: sorted((p + k * n // t) % n for k in range(t)), "the point itself"),
        (lambda p, n, t: [p + k * n // t for k in range(1, t)], "wrap around"),
        (lambda p, n, t: sorted((p + k * t) % n for k in range(1, t)), "how far apart"),
        (lambda p, n, t: [float(p)], "whole voxel indices"),
        (lambda p, n, t: 1 / 0, "ZeroDivisionError"),
    ],
    ids=["one-ghost-at-half", "includes-the-point", "no-wrap", "period-apart", "floats", "raises"],
)
def test_exercise_1_rejects_typical_mistakes(capsys, wrong, message):
    assert nb11.check_exercise_1(wrong) is None
    out = capsys.readouterr().out
    assert "Not yet:" in out and message in out


def test_exercise_1_accepts_the_solution_and_its_truth_is_the_library(capsys):
    assert nb11.true_ghosts(1, 8, 2) == [5]
    assert nb11.true_ghosts(5, 12, 3) == [1, 9]
    nb11.check_exercise_1(solution_1)
    assert verdict_of(capsys) == "Correct"


def test_exercise_1_unfilled(capsys):
    with pytest.raises(NotImplementedError, match="^Your turn:"):
        nb11.check_exercise_1(...)
    with pytest.raises(NotImplementedError, match="^Your turn:"):
        nb11.check_exercise_1(lambda position, n, period: ...)


# --- exercise 2: the noise level from the background -------------------------------------------------


def test_exercise_2_accepts_the_rayleigh_mean_and_mean_square_estimates(mni, capsys):
    seed = 11
    noisy = nb11.noisy_scan(mni, seed)
    background = noisy.image[mni.label == 0].astype(np.float64)
    nb11.check_exercise_2(background.mean() / np.sqrt(np.pi / 2), seed)
    assert verdict_of(capsys) == "Correct"
    nb11.check_exercise_2(np.sqrt((background**2).mean() / 2), seed)
    assert verdict_of(capsys) == "Correct"


@pytest.mark.parametrize(
    ("estimate", "message"),
    [
        (lambda bg, img: bg.mean(), "background's mean"),
        (lambda bg, img: bg.std(), "standard deviation"),
        (lambda bg, img: img.std(), "too large"),
        (lambda bg, img: 0.4 * bg.mean(), "too small"),
    ],
    ids=["mean", "std", "whole-image-std", "half"],
)
def test_exercise_2_rejects_typical_mistakes(mni, capsys, estimate, message):
    seed = 11
    noisy = nb11.noisy_scan(mni, seed)
    nb11.check_exercise_2(float(estimate(noisy.image[mni.label == 0].astype(np.float64), noisy.image)), seed)
    out = capsys.readouterr().out
    assert "Not yet:" in out and message in out
    assert f"{nb11.hidden_std(seed):.3f}" not in out  # the answer is never printed


def test_exercise_2_refuses_non_numbers_and_unfilled(capsys):
    nb11.check_exercise_2("five", 11)
    assert "must be a number" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="^Your turn:"):
        nb11.check_exercise_2(..., 11)


# --- exercise 3: the energy in the centre of k-space -------------------------------------------------


def solution_3(volume, fraction):
    kspace = tu.to_kspace(volume.image)
    power = np.abs(kspace) ** 2
    box = np.ones(kspace.shape, bool)
    for axis, n in enumerate(kspace.shape):
        lines = np.abs(np.arange(n) - n // 2) <= int(fraction * n / 2)
        box &= lines.reshape([-1 if a == axis else 1 for a in range(3)])
    return power[box].sum() / power.sum(), kspace, box


def test_exercise_3_accepts_parseval_and_rejects_the_volume_share_and_magnitudes(mni, capsys):
    fraction = 0.37
    kept, kspace, box = solution_3(mni, fraction)
    nb11.check_exercise_3(float(kept), fraction, mni)
    assert verdict_of(capsys) == "Correct"
    for wrong, message in [
        (fraction**3, "volume"),
        (fraction, "volume"),
        (float(np.abs(kspace)[box].sum() / np.abs(kspace).sum()), "squared magnitude"),
        (1.5, "between 0 and 1"),
    ]:
        nb11.check_exercise_3(wrong, fraction, mni)
        out = capsys.readouterr().out
        assert "Not yet:" in out and message in out, (wrong, out)
    nb11.check_exercise_3("all", fraction, mni)
    assert "must be a number" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="^Your turn:"):
        nb11.check_exercise_3(..., fraction, mni)
