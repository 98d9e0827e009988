"""Check functions for the exercises of notebook 11 (MRI artifacts from k-space).

Each ``check_exercise_N`` prints notes and a verdict (``Correct:`` or
``Not yet:`` with what is wrong) and returns None; an unfilled answer raises
``NotImplementedError``. The truths come from the library's physics
(:func:`~tutorial_utils.ghosting`, :func:`~tutorial_utils.gibbs`) or from a
noise level hidden behind a seed, never from a constant the reader could type.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from ..mri.artifact_ops import ghosting, gibbs
from ..mri.transforms import rician_noise_volume
from ..volume import Volume
from ._feedback import is_unfilled, require, verdict

#: (position, n, period) the reader's ghost function is tried on: not the notebook's example.
EXERCISE_1_CASES = ((5, 12, 3), (0, 8, 2), (17, 20, 4), (3, 30, 5), (29, 30, 2))
#: Range of the hidden noise level of exercise 2 (image units; the MNI template spans 0-255).
EXERCISE_2_STD = (3.0, 12.0)
#: Relative error accepted for the estimated noise level (the background holds about a million voxels).
EXERCISE_2_TOLERANCE = 0.02


def true_ghosts(position: int, n: int, period: int) -> list[int]:
    """Where :func:`~tutorial_utils.ghosting` puts the copies of a point (the point itself excluded)."""
    line = np.zeros((1, n, 1), np.float32)
    line[0, position, 0] = 1.0
    out = ghosting(line, intensity=1.0, period=period, axis=1).ravel()
    return sorted(int(i) for i in np.flatnonzero(out > 1e-3) if i != position)


def _as_positions(answer: Any) -> list[int] | None:
    try:
        values = list(answer)
    except TypeError:
        return None
    if not all(isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool) for v in values):
        return None
    return sorted(int(v) for v in values)


def check_exercise_1(ghost_positions: Callable[[int, int, int], Any]) -> None:
    """Exercise 1: ``ghost_positions(position, n, period)``, the voxels of a point's ghosts along the phase axis.

    The function is called on cases the notebook does not show, and its
    answers are compared with where :func:`~tutorial_utils.ghosting` really
    puts the copies.
    """
    require(ghost_positions, "ghost_positions", "a ghost is the whole image shifted along the phase axis")
    if not callable(ghost_positions):
        verdict(["ghost_positions must be a function of (position, n, period)."], "")
        return
    try:
        unfilled = is_unfilled(ghost_positions(2, 8, 2))
    except Exception:  # reported case by case below
        unfilled = False
    if unfilled:
        raise NotImplementedError(
            "Your turn: replace the ... in `return ...` with the list of the ghosts' positions and run the cell "
            "again. Hint: a ghost is the whole image shifted along the phase axis"
        )
    problems: list[str] = []
    for position, n, period in EXERCISE_1_CASES:
        case = f"a point at {position} on an axis of {n} voxels, period {period}"
        try:
            given = _as_positions(ghost_positions(position, n, period))
        except Exception as error:  # the reader's code: report it in the reader's terms
            problems.append(f"for {case} your function raised {type(error).__name__}: {error}")
            continue
        if given is None:
            problems.append(f"for {case} it returned something other than a list of whole voxel indices.")
            continue
        truth = true_ghosts(position, n, period)
        if given == truth:
            continue
        if position in given:
            problems.append(f"for {case} your list holds the point itself: list only its copies.")
        elif len(given) != len(truth):
            problems.append(
                f"for {case} you gave {len(given)} ghost(s): how many copies does a period of {period} make?"
            )
        elif any(not 0 <= g < n for g in given):
            problems.append(f"for {case} a position lies outside 0..{n - 1}: ghosts wrap around the field of view.")
        else:
            problems.append(
                f"for {case} the ghosting output has no copy at {sorted(set(given) - set(truth))}: "
                "how far apart are the copies, in voxels, for an axis of n voxels?"
            )
    verdict(
        problems,
        "every other line (period 2) puts one ghost half a field of view away, period p puts p - 1 ghosts "
        "n / p voxels apart, wrapping around: what the k-space modulation's period becomes in the image.",
        [f"tried {len(EXERCISE_1_CASES)} cases"],
    )


def hidden_std(seed: int) -> float:
    """The noise level of :func:`noisy_scan` for ``seed`` (what exercise 2 asks for)."""
    return float(np.random.default_rng(seed).uniform(*EXERCISE_2_STD))


def noisy_scan(volume: Volume, seed: int) -> Volume:
    """``volume`` with Rician noise of a level the reader must estimate (exercise 2)."""
    return rician_noise_volume(volume, std=hidden_std(seed), seed=seed)


def check_exercise_2(sigma: Any, seed: int) -> None:
    """Exercise 2: the noise level ``sigma`` of ``noisy_scan(mni, seed)``, estimated from its background."""
    require(sigma, "sigma", "on a zero background the magnitude is Rayleigh-distributed; its mean is tied to sigma")
    if isinstance(sigma, (bool, np.bool_)) or not isinstance(sigma, (numbers.Real, np.floating, np.ndarray)):
        verdict([f"sigma must be a number; got {type(sigma).__name__}."], "")
        return
    value = float(np.asarray(sigma).ravel()[0]) if np.size(sigma) == 1 else float("nan")
    if not np.isfinite(value):
        verdict(["sigma must be one finite number (the noise std in image units)."], "")
        return
    truth = hidden_std(seed)
    ratio = value / truth
    problems = []
    if abs(ratio - 1) > EXERCISE_2_TOLERANCE:
        if abs(ratio - np.sqrt(np.pi / 2)) < 0.03:
            problems.append(
                "that is the background's mean itself: a magnitude cannot be negative, so noise on a zero "
                "background has a mean above sigma (section 2.6 gives the factor)."
            )
        elif abs(ratio - np.sqrt(2 - np.pi / 2)) < 0.05:
            problems.append(
                "that is the background's standard deviation: the spread of a Rayleigh distribution is not sigma; "
                "use its mean (or its mean square) and the factor that ties it to sigma."
            )
        else:
            direction = "too large" if ratio > 1 else "too small"
            problems.append(
                f"your estimate is {direction} by more than {EXERCISE_2_TOLERANCE:.0%}: use only the background "
                "(label 0), where the clean image is 0."
            )
    verdict(
        problems,
        "on a zero background the magnitude of complex Gaussian noise is Rayleigh-distributed with mean "
        "sigma * sqrt(pi / 2), so sigma = mean / sqrt(pi / 2): the background tells you the scanner's noise.",
        [f"your sigma: {value:.3f} (image units)"],
    )


def kept_energy(image: np.ndarray, fraction: float) -> float:
    """The fraction of ``image``'s energy (sum of squares) that :func:`~tutorial_utils.gibbs` keeps."""
    out = gibbs(image, fraction=fraction).astype(np.float64)
    return float((out**2).sum() / (image.astype(np.float64) ** 2).sum())


def check_exercise_3(kept: Any, fraction: float, volume: Volume) -> None:
    """Exercise 3: the share of ``volume``'s energy in the central ``fraction`` of k-space (every axis)."""
    require(kept, "kept", "Parseval: the energy of the image is the sum of |K|**2 over k-space")
    if isinstance(kept, (bool, np.bool_)) or not isinstance(kept, (numbers.Real, np.floating)):
        verdict([f"kept must be a number between 0 and 1; got {type(kept).__name__}."], "")
        return
    value = float(kept)
    truth = kept_energy(volume.image, fraction)
    problems = []
    if not 0 <= value <= 1:
        problems.append("kept is a share of the energy: a number between 0 and 1.")
    elif abs(value - truth) > 0.002:
        if abs(value - fraction**3) < 0.01 or abs(value - fraction) < 0.01:
            problems.append(
                "that is the share of k-space's volume (or of one axis), not of its energy: the energy sits "
                "mostly near the centre."
            )
        else:
            problems.append(
                "sum |K|**2 (the squared magnitude) over the kept box (lines within fraction * n / 2 of the "
                "centre n // 2 on every axis) and divide by the sum over all of k-space."
            )
    verdict(
        problems,
        f"a box of {fraction**3:.0%} of k-space holds {truth:.2%} of the energy: the signal is concentrated at low "
        "frequencies, which is why cutting k-space blurs and rings but keeps the anatomy.",
        [f"your share: {value:.4f}"],
    )


__all__ = [
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "hidden_std",
    "kept_energy",
    "noisy_scan",
    "true_ghosts",
]
