"""Checks for the exercises of notebook 06 (elastic deformation).

Each ``check_exercise_N`` takes the reader's answer and the data it is about
and prints what is right and what is not, ending with "Correct:" when the
answer is right. An unfilled answer (``...``) raises ``NotImplementedError``
with a hint.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import describe
from ..elastic import FoldingWarning, displacement_stats, gaussian_displacement_field, random_displacement_field
from ._feedback import require, verdict

#: Mean length of a 3D vector of independent normal components, in units of their std (sqrt(8 / pi)).
MEAN_LENGTH_PER_STD = 1.6
#: The settings of exercise 2.
EXERCISE_2_DISPLACEMENTS = (10, 20, 30, 40)
EXERCISE_2_CONTROL_POINTS = 12


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


def check_exercise_1(alpha: Any, measured_mean: Any, shape: Any, sigma: float = 20.0, target: float = 2.0) -> None:
    """Check ``alpha`` from the formula and the mean displacement measured with it (``rng=0``).

    Parameters
    ----------
    alpha : float
        The reader's ``alpha`` for a mean displacement of ``target`` voxels.
    measured_mean : float
        ``tu.displacement_stats(tu.gaussian_displacement_field(shape, alpha, sigma, rng=0))["mean_displacement"]``.
    shape : tuple of 3 ints
        The grid the field was measured on (``mni.shape``).

    Examples
    --------
    >>> a = alpha_for_mean(2.0, 4.0)
    >>> m = displacement_stats(gaussian_displacement_field((24, 24, 24), a, 4.0, rng=0))["mean_displacement"]
    >>> check_exercise_1(a, m, (24, 24, 24), sigma=4.0)  # doctest: +ELLIPSIS
    alpha = 116: measured mean ... voxels (target 2)
    Correct: ...
    """
    require(alpha, "alpha", "solve the formula for alpha: alpha = 2 / (1.6 * sqrt(1/3) / (2 sqrt(pi) sigma)^1.5).")
    require(
        measured_mean,
        "measured_mean",
        "tu.displacement_stats(tu.gaussian_displacement_field(mni.shape, alpha, 20, rng=0))['mean_displacement'].",
    )
    expected_alpha = alpha_for_mean(target, sigma)
    try:
        given_alpha, given_mean = float(alpha), float(measured_mean)
    except (TypeError, ValueError):
        return verdict(
            [f"alpha and measured_mean must be numbers; got {describe(alpha)}, {describe(measured_mean)}."], ""
        )
    problems = []
    if not np.isclose(given_alpha, expected_alpha, rtol=0.01):
        if np.isclose(given_alpha, expected_alpha / MEAN_LENGTH_PER_STD, rtol=0.01):
            problems.append("that alpha gives a *std* of 2 voxels per component; the mean length is 1.6 std.")
        elif np.isclose(given_alpha, alpha_for_mean(target, sigma, ndim=2), rtol=0.01):
            problems.append(
                "that uses the 2D exponent (1); in 3D the Gaussian averages (2 sqrt(pi) sigma)^3 voxels: 1.5."
            )
        else:
            problems.append(f"alpha should be about {expected_alpha:.0f}: solve the formula for alpha.")
    field = gaussian_displacement_field(tuple(shape), given_alpha, sigma, rng=0)
    expected_mean = displacement_stats(field)["mean_displacement"]
    notes = [f"alpha = {given_alpha:.0f}: measured mean {expected_mean:.2f} voxels (target {target:g})"]
    if not np.isclose(given_mean, expected_mean, atol=0.02):
        problems.append(
            f"measured_mean should be {expected_mean:.2f} for this alpha (rng=0): the 'mean_displacement' of "
            "tu.displacement_stats on the field."
        )
    return verdict(
        problems,
        "the formula holds away from the border; near the faces the Gaussian also averages the zeros outside the "
        'volume (mode="constant"), so the field is weaker there and the mean over the whole volume falls short '
        "of the target.",
        notes,
    )


def min_jacobians_reference(volume: Any, displacements: tuple[int, ...] = EXERCISE_2_DISPLACEMENTS) -> dict[int, float]:
    """Smallest Jacobian determinant of the 12-control-point field (seed 1) for each ``max_displacement`` (mm).

    Examples
    --------
    >>> from tutorial_utils import Volume
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
                num_control_points=EXERCISE_2_CONTROL_POINTS,
                max_displacement=float(max_mm),
                spacing=volume.spacing,
                rng=1,
            )
            result[max_mm] = float(displacement_stats(field, volume.spacing)["min_jacobian"])
    return result


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
    >>> from tutorial_utils import Volume
    >>> v = Volume(np.zeros((40, 40, 40), np.float32), np.diag([5.0, 5.0, 5.0, 1.0]))  # 200 mm, like a head
    >>> ref = min_jacobians_reference(v)
    >>> check_exercise_2(ref, max(mm for mm, j in ref.items() if j > 0), v)  # doctest: +ELLIPSIS
    10 mm: min Jacobian ...
    Correct: ...
    """
    require(
        min_jacobians,
        "min_jacobians",
        "for each max_mm, f = tu.random_displacement_field(mni.shape, num_control_points=12, "
        "max_displacement=max_mm, spacing=mni.spacing, rng=1); tu.displacement_stats(f, mni.spacing)['min_jacobian'].",
    )
    require(largest, "largest", "the largest max_displacement whose smallest Jacobian determinant is above 0.")
    if not isinstance(min_jacobians, Mapping):
        return verdict([f"min_jacobians must be a dict max_displacement -> number; got {describe(min_jacobians)}."], "")
    expected = min_jacobians_reference(volume)
    problems, notes = [], []
    for max_mm, value in expected.items():
        given = min_jacobians.get(max_mm, min_jacobians.get(float(max_mm)))
        notes.append(f"{max_mm} mm: min Jacobian {value:.2f}" + (" (folds)" if value <= 0 else ""))
        try:
            ok = given is not None and abs(float(given) - value) < 0.01
        except (TypeError, ValueError):
            ok = False
        if not ok:
            problems.append(
                f"min_jacobians[{max_mm}] should be {value:.2f}: 12 control points, spacing=mni.spacing, rng=1."
            )
    right = max((mm for mm, value in expected.items() if value > 0), default=None)
    if largest != right:
        problems.append(
            f"largest should be {right}: the last setting whose smallest determinant stays above 0 (<= 0 folds)."
        )
    return verdict(
        problems,
        f"up to {right} mm the field compresses tissue but never folds; beyond it the determinant drops to 0 and "
        "below, and tu.random_elastic would raise a FoldingWarning. More control points fold at a smaller "
        "max_displacement: the same displacement over a shorter distance.",
        notes,
    )


def check_exercise_3(again: Any, augmented: Any) -> None:
    """Check that replaying ``augmented.history`` on the brighter image gave twice the image and the same label.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> a = Volume(np.ones((4, 4, 4), np.float32), np.eye(4), np.ones((4, 4, 4), np.uint8))
    >>> check_exercise_3(a.replace(image=2 * a.image), a)  # doctest: +ELLIPSIS
    image exactly twice augmented.image: True; label identical: True
    Correct: ...
    """
    require(again, "again", "tu.replay(brighter, augmented.history): the record holds the field's seed.")
    image, label = getattr(again, "image", None), getattr(again, "label", None)
    if image is None:
        return verdict([f"again must be the Volume tu.replay returns; got {describe(again)}."], "")
    twice = np.shape(image) == augmented.image.shape and bool(np.allclose(image, 2 * augmented.image, atol=1e-4))
    same_label = label is not None and bool(np.array_equal(label, augmented.label))
    problems = []
    if not twice:
        problems.append("again.image is not twice augmented.image: replay augmented.history on brighter, not mni.")
    if not same_label:
        problems.append("again.label differs from augmented.label: replay the same history on the same grid.")
    return verdict(
        problems,
        "linear interpolation is a weighted sum of neighbours, so scaling the input scales the output; the field "
        "comes from the recorded seed, not from the image.",
        [f"image exactly twice augmented.image: {twice}; label identical: {same_label}"],
    )
