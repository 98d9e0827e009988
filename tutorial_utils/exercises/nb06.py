"""Checks for the exercises of notebook 06 (elastic deformation).

Each ``check_exercise_N`` takes the reader's answer and the data it is about,
prints notes about the reader's own values, then ``Correct:`` or ``Not yet:``
with one line per problem (:func:`~._feedback.verdict`), and returns None. It
never prints the expected value; where the reader writes a function, the check
also calls it on inputs the notebook does not show. An unfilled answer
(``...``) raises ``NotImplementedError`` with a hint.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import describe
from ..elastic import FoldingWarning, displacement_stats, gaussian_displacement_field, random_displacement_field
from ..records import replay
from ..volume import Volume
from ._feedback import is_unfilled, require, verdict

#: Mean length of a 3D vector of independent normal components, in units of their std (sqrt(8 / pi)).
MEAN_LENGTH_PER_STD = 1.6
#: The target of exercise 1 (mean displacement in voxels, sigma in voxels) and pairs the notebook does not show.
EXERCISE_1_TARGET = (2.0, 20.0)
EXERCISE_1_UNSEEN = ((0.5, 8.0), (3.0, 35.0), (1.25, 12.5))
#: The settings of exercise 2.
EXERCISE_2_DISPLACEMENTS = (10, 20, 30, 40)
EXERCISE_2_CONTROL_POINTS = 12
#: Seed of the image exercise 3 deforms without showing it.
EXERCISE_3_UNSEEN_SEED = 2006


def alpha_for_mean(mean: float, sigma: float, ndim: int = 3) -> float:
    """The ``alpha`` whose Gaussian field should have mean length ``mean`` voxels, by the notebook's formula.

    ``std(u) = alpha * sqrt(1/3) / (2 sqrt(pi) sigma)^(ndim/2)`` per component
    and a mean length of about 1.6 standard deviations.

    Examples
    --------
    >>> round(alpha_for_mean(2.0, 20.0))
    1292
    """
    return float(mean / (MEAN_LENGTH_PER_STD * np.sqrt(1 / 3) / (2 * np.sqrt(np.pi) * sigma) ** (ndim / 2)))


def _alpha_problem(alpha: float, mean: float, sigma: float) -> str | None:
    """What is wrong with the reader's ``alpha_for(mean, sigma)``, in the reader's terms (None when right)."""
    expected = alpha_for_mean(mean, sigma)
    if np.isclose(alpha, expected, rtol=0.01):
        return None
    call = f"alpha_for({mean:g}, {sigma:g})"
    if np.isclose(alpha, expected / MEAN_LENGTH_PER_STD, rtol=0.01):
        return f"{call} gives a *std* of {mean:g} voxels per component; the mean length is 1.6 std."
    if np.isclose(alpha, alpha_for_mean(mean, sigma, ndim=2), rtol=0.01):
        return f"{call} uses the 2D exponent (1); in 3D the Gaussian averages (2 sqrt(pi) sigma)^3 voxels: 1.5."
    if np.isclose(alpha, expected * np.sqrt(1 / 3), rtol=0.01) or np.isclose(
        alpha, expected / np.sqrt(1 / 3), rtol=0.01
    ):
        return f"{call}: check the factor sqrt(1/3), the std of uniform noise in [-1, 1]."
    return f"{call} = {alpha:.4g} does not solve the formula of section 2 for alpha."


def check_exercise_1(alpha_for: Any, measured_mean: Any, shape: Any) -> None:
    """Check ``alpha_for(target_mean, sigma)`` on the notebook's target and unseen ones, and the measured mean.

    Parameters
    ----------
    alpha_for : callable
        ``alpha_for(target_mean, sigma) -> alpha``: the formula of section 2
        solved for ``alpha`` (mean length about 1.6 std per component).
    measured_mean : float
        ``"mean_displacement"`` of ``tu.displacement_stats`` on
        ``tu.gaussian_displacement_field(shape, alpha_for(2, 20), 20, rng=0)``.
    shape : tuple of 3 ints
        The grid the field was measured on (``mni.shape``).

    Examples
    --------
    >>> a = alpha_for_mean(2.0, 20.0)
    >>> m = displacement_stats(gaussian_displacement_field((24, 24, 24), a, 20.0, rng=0))["mean_displacement"]
    >>> check_exercise_1(alpha_for_mean, m, (24, 24, 24))  # doctest: +ELLIPSIS
    your alpha_for(2, 20) = 1292; your measured mean ... voxels (target 2)
    Correct: ...
    """
    require(alpha_for, "alpha_for", "write the formula of section 2 for the mean length and solve it for alpha.")
    require(measured_mean, "measured_mean", "tu.displacement_stats measures a field; read its mean displacement.")
    if not callable(alpha_for):
        return verdict([f"alpha_for must be a function of (target_mean, sigma); got {describe(alpha_for)}."], "")
    target, sigma = EXERCISE_1_TARGET
    problems, notes = [], []
    alphas: dict[tuple[float, float], float] = {}
    for mean, sig in (EXERCISE_1_TARGET, *EXERCISE_1_UNSEEN):
        try:
            value = alpha_for(mean, sig)
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            problems.append(f"alpha_for({mean:g}, {sig:g}) raised {type(error).__name__}: {error}")
            continue
        if is_unfilled(value):
            raise NotImplementedError(
                "Your turn: replace the ... inside alpha_for and run the cell again. Hint: the mean length is "
                "1.6 times the std of section 2's formula; solve for alpha."
            )
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            problems.append(f"alpha_for({mean:g}, {sig:g}) must return a number; got {describe(value)}.")
            continue
        alphas[(mean, sig)] = float(value)
        problem = _alpha_problem(float(value), mean, sig)
        if problem and (mean, sig) != EXERCISE_1_TARGET and np.isclose(value, alphas.get(EXERCISE_1_TARGET, np.nan)):
            problem = f"alpha_for({mean:g}, {sig:g}) returns the same alpha as for ({target:g}, {sigma:g}): compute it."
        if problem:
            problems.append(problem)
    if isinstance(measured_mean, (bool, np.bool_)) or not isinstance(measured_mean, numbers.Real):
        problems.append(f"measured_mean must be a number of voxels; got {describe(measured_mean)}.")
    elif EXERCISE_1_TARGET in alphas and alphas[EXERCISE_1_TARGET] > 0:
        alpha = alphas[EXERCISE_1_TARGET]
        field = gaussian_displacement_field(tuple(shape), alpha, sigma, rng=0)
        stats = displacement_stats(field)
        notes.append(
            f"your alpha_for({target:g}, {sigma:g}) = {alpha:.0f}; your measured mean {float(measured_mean):.2f} "
            f"voxels (target {target:g})"
        )
        if not np.isclose(float(measured_mean), stats["mean_displacement"], atol=0.02):
            if np.isclose(float(measured_mean), stats["max_displacement"], atol=0.02):
                problems.append("measured_mean is the largest displacement; the exercise asks for the mean.")
            else:
                problems.append(
                    f"measured_mean is not the mean displacement of the field drawn with your alpha, sigma={sigma:g} "
                    "and rng=0 on mni.shape."
                )
    return verdict(
        problems,
        "the formula holds away from the border; near the faces the Gaussian also averages the zeros outside the "
        'volume (mode="constant"), so the field is weaker there and the mean over the whole volume falls short '
        "of the target.",
        notes,
    )


def min_jacobians_reference(
    volume: Any,
    displacements: tuple[int, ...] = EXERCISE_2_DISPLACEMENTS,
    num_control_points: int = EXERCISE_2_CONTROL_POINTS,
    key: str = "min_jacobian",
) -> dict[int, float]:
    """``key`` of the field (seed 1) for each ``max_displacement`` (mm): by default its smallest Jacobian determinant.

    Examples
    --------
    >>> v = Volume(np.zeros((24, 24, 24), np.float32), np.eye(4))
    >>> sorted(min_jacobians_reference(v, (1, 2)))
    [1, 2]
    """
    result = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FoldingWarning)
        for max_mm in displacements:
            field = random_displacement_field(
                volume.shape,
                num_control_points=num_control_points,
                max_displacement=float(max_mm),
                spacing=volume.spacing,
                rng=1,
            )
            result[max_mm] = float(displacement_stats(field, volume.spacing)[key])
    return result


def _jacobian_problem(max_mm: int, given: float, expected: float, volume: Any) -> str | None:
    """What is wrong with the reader's smallest determinant at ``max_mm`` (None when right)."""
    if abs(given - expected) < 0.01:
        return None
    at = f"min_jacobians[{max_mm}]"
    default = min_jacobians_reference(volume, (max_mm,), num_control_points=7)[max_mm]
    if abs(given - default) < 0.01:
        return f"{at} comes from 7 control points (the default); the exercise uses 12."
    mean_mm = min_jacobians_reference(volume, (max_mm,), key="mean_displacement_mm")[max_mm]
    if abs(given - mean_mm) < 0.01:
        return f"{at} is the mean displacement; the exercise asks for the smallest Jacobian determinant."
    return f"{at} is not the smallest Jacobian determinant of that field (12 control points, its spacing, rng=1)."


def check_exercise_2(min_jacobians: Any, largest: Any, volume: Any) -> None:
    """Check the smallest Jacobian per ``max_displacement`` and the largest setting that does not fold.

    Parameters
    ----------
    min_jacobians : dict of int to float
        ``max_displacement`` (10, 20, 30, 40 mm) -> smallest Jacobian determinant of the field
        (12 control points, seed 1).
    largest : int
        The largest of the four settings whose field does not fold.
    volume : Volume
        The volume whose shape and spacing the fields were drawn for (``mni``).

    Examples
    --------
    >>> v = Volume(np.zeros((40, 40, 40), np.float32), np.diag([5.0, 5.0, 5.0, 1.0]))  # 200 mm, like a head
    >>> ref = min_jacobians_reference(v)
    >>> check_exercise_2(ref, max(mm for mm, j in ref.items() if j > 0), v)  # doctest: +ELLIPSIS
    your min_jacobians: 10 mm ...
    Correct: ...
    """
    require(
        min_jacobians,
        "min_jacobians",
        "draw each field with tu.random_displacement_field (mind num_control_points, spacing and rng) and measure "
        "it with tu.displacement_stats.",
    )
    require(largest, "largest", "a field folds where its smallest Jacobian determinant is 0 or below.")
    if not isinstance(min_jacobians, Mapping):
        return verdict([f"min_jacobians must be a dict max_displacement -> number; got {describe(min_jacobians)}."], "")
    expected = min_jacobians_reference(volume)
    problems: list[str] = []
    given: dict[int, float] = {}
    for max_mm in expected:
        value = min_jacobians.get(max_mm, min_jacobians.get(float(max_mm)))
        if value is None:
            keys = sorted(map(repr, min_jacobians))
            problems.append(f"min_jacobians has no entry {max_mm} (the number, in mm); its keys are {keys}.")
        elif isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            problems.append(f"min_jacobians[{max_mm}] must be a number; got {describe(value)}.")
        else:
            given[max_mm] = float(value)
            problem = _jacobian_problem(max_mm, float(value), expected[max_mm], volume)
            if problem:
                problems.append(problem)
    notes = ["your min_jacobians: " + ", ".join(f"{mm} mm {value:.2f}" for mm, value in given.items())]
    right = max((mm for mm, value in expected.items() if value > 0), default=None)
    if isinstance(largest, (bool, np.bool_)) or not isinstance(largest, numbers.Real) or largest not in expected:
        problems.append(f"largest must be one of the four settings {list(expected)}; got {describe(largest)}.")
    elif expected[int(largest)] <= 0:
        problems.append(f"largest: at {largest} mm the field folds (its smallest determinant is 0 or below).")
    elif largest != right:
        problems.append(f"largest: a setting above {largest} mm does not fold either.")
    return verdict(
        problems,
        f"up to {right} mm the field compresses tissue but never folds; beyond it the determinant drops to 0 and "
        "below, and tu.random_elastic would raise a FoldingWarning. More control points fold at a smaller "
        "max_displacement: the same displacement over a shorter distance.",
        notes,
    )


def _unseen_volume(mni: Volume) -> Volume:
    """A volume on ``mni``'s grid that the notebook never shows: random intensities, a random label map."""
    rng = np.random.default_rng(EXERCISE_3_UNSEEN_SEED)
    image = rng.random(mni.shape, dtype=np.float32) * 100
    label = (image > 50).astype(np.uint8) + (image > 90).astype(np.uint8)
    return Volume(image, mni.affine, label)


def _deform_problem(result: Any, expected: Volume, where: str, *, scale: float = 1.0) -> str | None:
    """What is wrong with ``deform_like_augmented``'s output on one input (None when right)."""
    if not isinstance(result, Volume):
        return f"deform_like_augmented({where}) must return a Volume; got {describe(result)}."
    if result.shape != expected.shape:
        return f"deform_like_augmented({where}) returned shape {result.shape}; an elastic deformation keeps the shape."
    image_ok = bool(np.allclose(result.image, scale * expected.image, atol=1e-4 * max(scale, 1.0)))
    label_ok = result.label is not None and bool(np.array_equal(result.label, expected.label))
    if image_ok and label_ok:
        return None
    if image_ok:
        return f"deform_like_augmented({where}): the image is deformed but the label is not moved with it."
    return (
        f"deform_like_augmented({where}) is not the deformation recorded in augmented.history applied to its "
        "input (same field, from the recorded seed)."
    )


def check_exercise_3(deform_like_augmented: Any, mni: Any, augmented: Any) -> None:
    """Check ``deform_like_augmented(volume)`` on ``mni`` with doubled intensities and on an unseen volume.

    Parameters
    ----------
    deform_like_augmented : callable
        ``Volume -> Volume``: the deformation ``augmented`` received, applied
        to another volume on the same grid.
    mni : Volume
        The volume ``augmented`` was drawn from.
    augmented : Volume
        ``tu.random_elastic(mni, ...)``, whose history holds the field's seed.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> v = Volume(np.ones((12, 12, 12), np.float32), np.eye(4), np.ones((12, 12, 12), np.uint8))
    >>> a = tu.random_elastic(v, max_displacement=2.0, rng=0)
    >>> check_exercise_3(lambda volume: tu.replay(volume, a.history), v, a)  # doctest: +ELLIPSIS
    doubled intensities: your image is exactly twice augmented.image: True; label identical: True
    Correct: ...
    """
    require(deform_like_augmented, "deform_like_augmented", "a Volume's history can be applied to another volume.")
    if not callable(deform_like_augmented):
        return verdict(
            [f"deform_like_augmented must be a function of a Volume; got {describe(deform_like_augmented)}."], ""
        )
    unseen = _unseen_volume(mni)
    cases = {
        "doubled intensities": (mni.replace(image=mni.image * 2), augmented, 2.0),
        "a volume you have not seen": (unseen, replay(unseen, augmented.history), 1.0),
    }
    problems, notes = [], []
    for where, (volume, expected, scale) in cases.items():
        try:
            result = deform_like_augmented(volume)
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            problems.append(f"deform_like_augmented({where}) raised {type(error).__name__}: {error}")
            continue
        if is_unfilled(result):
            raise NotImplementedError(
                "Your turn: replace the ... inside deform_like_augmented and run the cell again. Hint: what does "
                "augmented.history hold, and which function re-applies it?"
            )
        problem = _deform_problem(result, expected, where, scale=scale)
        if scale == 2.0 and isinstance(result, Volume) and result.shape == augmented.shape:
            twice = bool(np.allclose(result.image, 2 * augmented.image, atol=2e-4))
            same = result.label is not None and bool(np.array_equal(result.label, augmented.label))
            notes.append(f"{where}: your image is exactly twice augmented.image: {twice}; label identical: {same}")
        if problem:
            problems.append(problem)
    return verdict(
        problems,
        "the recorded seed rebuilds the same field for any volume on this grid (a second MRI sequence, a label "
        "map). And the doubled image comes out exactly doubled: linear interpolation is a weighted sum of "
        "neighbours, so scaling the input scales the output.",
        notes,
    )
