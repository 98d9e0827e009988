"""Checks for the exercises of notebook 03 (rotation, flip, shift).

Each ``check_exercise_N`` prints what is right and what is not, ending with
"Correct:" when the answer is right; an unfilled answer (``...``) raises
``NotImplementedError`` with a hint.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import describe
from ..records import replay
from ..spatial import random_affine, random_flip, rotate
from ..volume import Volume
from ._feedback import require, verdict


def check_exercise_1(once: Any, twice: Any, square: Any, body_threshold: float = -500.0) -> None:
    """Check one 90 degree rotation of ``square`` and two 45 degree steps.

    Parameters
    ----------
    once : (N, N, K) ndarray
        ``tu.rotate(square, 90, axes=(0, 1))``.
    twice : (N, N, K) ndarray
        ``square`` rotated by 45 degrees twice about the same axes.
    square : (N, N, K) ndarray
        The input, square in the rotated plane.
    body_threshold : float
        Voxels of ``once`` above it (HU) count as body for the RMS difference.

    """
    require(
        once if once is Ellipsis else twice,
        "once" if once is Ellipsis else "twice",
        "tu.rotate(array, angle, axes=...) turns axes[0] towards axes[1] (section 1); twice means two calls.",
    )
    square = np.asarray(square)
    problems, notes = [], []
    if not isinstance(once, np.ndarray) or once.shape != square.shape:
        problems.append(f"once must be an array of shape {square.shape} (rotate the square); got {describe(once)}.")
        return verdict(problems, "")
    exact = np.array_equal(once, np.rot90(square, 1, axes=(0, 1)))
    notes.append(f"once equals np.rot90(square, 1, axes=(0, 1)): {exact}")
    if not exact:
        if np.array_equal(once, np.rot90(square, -1, axes=(0, 1))):
            problems.append("once turned the other way: axes=(0, 1) turns axis 0 towards axis 1, like np.rot90.")
        else:
            problems.append("once is not an exact 90 degree rotation about axes (0, 1).")
    if not isinstance(twice, np.ndarray) or twice.shape != square.shape:
        problems.append(f"twice must be an array of shape {square.shape}; got {describe(twice)}.")
        return verdict(problems, "", notes)
    body = once > body_threshold
    rms = float(np.sqrt(np.mean((twice.astype(np.float32) - once)[body] ** 2)))
    notes.append(f"RMS difference of two 45 degree steps inside the body: {rms:.1f}")
    expected = rotate(rotate(square, 45, axes=(0, 1)), 45, axes=(0, 1))
    if np.array_equal(twice, once):
        problems.append("twice equals once: rotate by 45 degrees, then rotate that result by 45 degrees.")
    elif not np.allclose(twice, expected, atol=1e-2):
        problems.append("twice is not two tu.rotate(..., 45, axes=(0, 1)) calls in a row (order 1, default fill).")
    return verdict(
        problems,
        "a multiple of 90 degrees maps voxel centres onto voxel centres (an exact copy); "
        "two 45 degree steps interpolate twice and cut the corners in between.",
        notes,
    )


def check_exercise_2(augment: Any, volume: Any, seed: int = 5) -> None:
    """Check ``augment(volume, rng)``: a random flip then a random affine, driven by one generator.

    Parameters
    ----------
    augment : callable
        The reader's function ``augment(volume, rng=None) -> Volume``.
    volume : Volume
        The input to try it on (``mni2`` in the notebook).
    seed : int
        The seed used for the reproducibility check.

    """
    require(augment, "augment", "def augment(volume, rng=None): ...")
    if not callable(augment):
        return verdict([f"augment must be a function augment(volume, rng=None); got {describe(augment)}."], "")
    out = augment(volume, rng=seed)
    require(
        out,
        "rng",
        "np.random.default_rng turns a seed (or a Generator) into a Generator; pass that one object to both "
        "steps as rng=, and return the result of the second.",
    )
    if not isinstance(out, Volume):
        return verdict([f"augment must return the augmented Volume; got {describe(out)}."], "")
    names = [record.name for record in out.history[len(volume.history) :]]
    notes = [f"recorded steps: {names}"]
    problems = []
    if names != ["flip", "affine"]:
        problems.append(f"expected the steps ['flip', 'affine'] in that order; got {names}.")
    invented = sorted(set(np.unique(out.label).tolist()) - set(np.unique(volume.label).tolist()))
    notes.append(f"(a) label values invented: {invented or 'none'}")
    if invented:
        problems.append(f"the label gained values {invented}.")
    replayed = np.array_equal(replay(volume, out.history).image, out.image)
    notes.append(f"(b) replay gives the identical image: {replayed}")
    if not replayed:
        problems.append("replaying out.history does not give out: use the tu transforms, which record their draws.")
    reproducible = np.array_equal(augment(volume, rng=seed).image, out.image)
    notes.append(f"(c) the same seed gives the same output: {reproducible}")
    if not reproducible:
        problems.append("two calls with the same seed differ: pass rng to both steps (never the global np.random).")
    elif not problems:
        same_seed_twice = random_affine(random_flip(volume, rng=seed), rng=seed)
        if np.array_equal(same_seed_twice.image, out.image):
            problems.append(
                "each step got the seed itself, so both start the same random stream and their draws are tied: "
                "make one generator, rng = np.random.default_rng(rng), and pass it to both."
            )
    return verdict(problems, "one generator drives the whole chain, and every draw is recorded.", notes)


def check_exercise_3(matrix: Any, volume: Any, factor: float = 1.2) -> None:
    """Check the output -> input matrix that magnifies ``volume`` by ``factor`` about its centre, nothing else.

    The whole matrix is compared, so a rotation or a shear hidden off the
    diagonal is caught as well as a wrong diagonal or a moving centre.

    Parameters
    ----------
    matrix : (4, 4) array_like
        The reader's matrix (as ``tu.affine_matrix`` returns it).
    volume : Volume
        The volume it is for (``epi`` in the notebook).
    factor : float
        The magnification.

    Examples
    --------
    >>> from tutorial_utils import Volume, affine_matrix
    >>> v = Volume(np.zeros((5, 5, 5), np.float32), np.eye(4))
    >>> check_exercise_3(affine_matrix(v.shape, scale=1.2), v)
    Correct: the matrix maps output to input, so magnifying by 1.2 reads the input at 1 / 1.2 of the distance from the centre.
    """
    require(
        matrix, "m", "tu.affine_matrix(shape, scale=..., spacing=...) builds the output -> input matrix (section 1)."
    )
    m = np.asarray(matrix, dtype=float) if not isinstance(matrix, (str, bytes)) else np.empty(0)
    if m.shape != (4, 4):
        return verdict([f"m must be a 4 x 4 matrix; got {describe(matrix)}."], "")
    centre = np.append((np.asarray(volume.shape) - 1) / 2, 1.0)
    diagonal = np.diag(m)[:3]
    off_diagonal = m[:3, :3] - np.diag(diagonal)
    problems = []
    if not np.allclose(m[3], [0, 0, 0, 1]):
        problems.append("the last row of an affine matrix is (0, 0, 0, 1).")
    if not np.allclose(off_diagonal, 0.0, atol=1e-9):
        problems.append(
            "the matrix has non-zero entries off the diagonal of its 3 x 3 part: those rotate or shear the volume. "
            "A pure magnification scales each axis and nothing else."
        )
    if np.allclose(diagonal, factor):
        problems.append(
            f"{factor} on the diagonal reads the input {factor} times farther out: it shrinks the anatomy "
            "(the blog's mistake). The matrix maps output -> input."
        )
    elif not np.allclose(diagonal, 1 / factor):
        problems.append(f"the diagonal is not 1 / {factor} on every axis (the matrix maps output -> input).")
    if not np.allclose(m @ centre, centre):
        problems.append(
            "the centre voxel (n - 1) / 2 does not map to itself: the translation column must keep the centre in "
            "place; without one the scaling happens about voxel (0, 0, 0)."
        )
    return verdict(
        problems,
        f"the matrix maps output to input, so magnifying by {factor} reads the input at 1 / {factor} "
        "of the distance from the centre.",
    )
