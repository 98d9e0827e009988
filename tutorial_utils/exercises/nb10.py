"""Checks for the exercises of notebook 10 (from a prediction back to the scan).

Each ``check_exercise_N`` takes the reader's answer and the data it is about,
prints notes about the reader's own values, then ``Correct:`` or ``Not yet:``
with one line per problem (:func:`~._feedback.verdict`), and returns None. It
never prints the expected value; the patch count of exercise 1 is a function
the check calls on shapes the notebook does not show. An unfilled answer
(``...``) raises ``NotImplementedError`` with a hint.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import describe
from ..inference import dice_scores, invert, patch_starts
from ..volume import Volume
from ._feedback import is_unfilled, require, verdict

#: Seed of the shapes, patches and overlaps exercise 1 tries and the notebook does not show.
UNSEEN_SEED = 2010
#: Classes whose Dice exercise 3 asks for (grey and white matter).
CLASSES = (2, 3)


def count_patches(shape: tuple[int, int, int], patch: int, overlap: float) -> int:
    """How many cubic patches of side ``patch`` :func:`~tutorial_utils.predict_sliding_window` predicts for ``shape``.

    Examples
    --------
    >>> count_patches((120, 144, 120), 64, 0.5), count_patches((120, 144, 120), 64, 0.25)
    (36, 27)
    """
    return len(list(itertools.product(*(patch_starts(n, patch, overlap) for n in shape))))


def unseen_cases(n: int = 6) -> list[tuple[tuple[int, int, int], int, float]]:
    """``n`` (shape, patch, overlap) cases, each axis at least one patch long, one axis exactly one patch.

    Examples
    --------
    >>> [len(shape) for shape, patch, overlap in unseen_cases(3)]
    [3, 3, 3]
    """
    rng = np.random.default_rng(UNSEEN_SEED)
    cases = []
    for index in range(n):
        patch = int(rng.choice([32, 48, 96]))
        shape = [int(patch + rng.integers(0, 2 * patch)) for _ in range(3)]
        shape[index % 3] = patch if index < 3 else shape[index % 3]
        cases.append(((shape[0], shape[1], shape[2]), patch, float(rng.choice([0.25, 0.5, 0.6]))))
    return cases


def _floor_count(shape: tuple[int, ...], patch: int, overlap: float) -> int:
    step = max(1, int(patch * (1 - overlap)))
    return int(np.prod([(n - patch) // step + 1 for n in shape]))


def _count_problem(given: Any, shape: tuple[int, int, int], patch: int, overlap: float) -> str | None:
    """What is wrong with the reader's count for one case, in the reader's terms (None when right)."""
    call = f"n_patches({shape}, {patch}, {overlap})"
    if isinstance(given, (bool, np.bool_)) or not isinstance(given, numbers.Integral):
        if isinstance(given, numbers.Real) and not isinstance(given, (bool, np.bool_)):
            return f"{call} returned {given!r}: a number of patches is a whole number (an int)."
        return f"{call} must return an int; got {describe(given)}."
    expected = count_patches(shape, patch, overlap)
    if int(given) == expected:
        return None
    per_axis = [len(patch_starts(n, patch, overlap)) for n in shape]
    if int(given) == sum(per_axis):
        return f"{call} = {int(given)} adds the per-axis counts; every combination of starts is a patch: multiply."
    if int(given) == _floor_count(shape, patch, overlap):
        return (
            f"{call} = {int(given)} misses the last patch of an axis whose steps do not end at n - patch: it is "
            "moved back there."
        )
    swapped = count_patches(shape, patch, 1 - overlap) if 0 < overlap < 1 else None
    if swapped is not None and int(given) == swapped and swapped != expected:
        return f"{call} = {int(given)} uses step = patch * overlap; the patches share the fraction overlap."
    return f"{call} = {int(given)} is not the number of patches tu.predict_sliding_window predicts."


def check_exercise_1(n_patches: Any, shape: tuple[int, int, int]) -> None:
    """Check ``n_patches(shape, patch, overlap)`` on the notebook's volume and on unseen shapes.

    Parameters
    ----------
    n_patches : callable
        ``(shape, patch, overlap) -> int``: cubic patches of side ``patch``
        that :func:`~tutorial_utils.predict_sliding_window` predicts.
    shape : tuple of 3 ints
        The preprocessed volume's shape.

    Examples
    --------
    >>> check_exercise_1(count_patches, (120, 144, 120))  # doctest: +ELLIPSIS
    your n_patches((120, 144, 120), 64, 0.5) = 36, at overlap 0.25: 27
    Correct: ...
    """
    require(n_patches, "n_patches", "write a function of (shape, patch, overlap) that returns an int.")
    if not callable(n_patches):
        return verdict([f"n_patches must be a function of (shape, patch, overlap); got {describe(n_patches)}."], "")
    shape = (int(shape[0]), int(shape[1]), int(shape[2]))
    cases = [(shape, 64, 0.5), (shape, 64, 0.25), *unseen_cases()]
    problems, given = [], {}
    for case in cases:
        try:
            result = n_patches(*case)
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            problems.append(f"n_patches{case} raised {type(error).__name__}: {error}")
            continue
        if is_unfilled(result):
            raise NotImplementedError(
                "Your turn: replace the ... inside n_patches and run the cell again. Hint: count the starts along "
                "one axis first (the rule is in the exercise), then combine the three axes."
            )
        given[case] = result
        problem = _count_problem(result, *case)
        if problem:
            problems.append(problem)
    notes = []
    half, quarter = given.get(cases[0]), given.get(cases[1])
    if half is not None and quarter is not None:
        notes.append(f"your n_patches({shape}, 64, 0.5) = {half!r}, at overlap 0.25: {quarter!r}")
    right = count_patches(*cases[0]), count_patches(*cases[1])
    return verdict(
        problems,
        f"{right[0]} patches at overlap 0.5 and {right[1]} at 0.25 on this volume: the smaller overlap saves "
        f"{1 - right[1] / right[0]:.0%} of the predictions, and gives each voxel fewer predictions to average.",
        notes,
    )


def _as_mask(answer: Any) -> np.ndarray | None:
    """``answer`` as a boolean array when it holds only True/False (or 0/1), else None."""
    array = np.asarray(answer)
    if array.dtype == bool:
        return array
    if np.issubdtype(array.dtype, np.number) and np.isin(array, (0, 1)).all():
        return array.astype(bool)
    return None


def check_exercise_2(covered: Any, original: Volume, preprocessed: Volume) -> None:
    """Check the boolean mask, on the original grid, of the voxels the preprocessed grid covers.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> scan = Volume(np.ones((10, 10, 10), np.float32), np.eye(4), np.ones((10, 10, 10), np.uint8))
    >>> pre = tu.crop_or_pad_volume(scan, (6, 10, 10))
    >>> mask = np.zeros(scan.shape, bool); mask[2:8] = True
    >>> check_exercise_2(mask, scan, pre)  # doctest: +ELLIPSIS
    your mask: 600 of 1,000 voxels covered
    Correct: ...
    """
    require(covered, "covered", "send something you know is everywhere 1 back through the history.")
    ones = preprocessed.replace(label=np.ones(preprocessed.shape, np.uint8))
    expected = invert(ones, preprocessed.history, original=original, intensity="keep").label.astype(bool)
    shape = np.shape(covered)
    if shape != expected.shape:
        return verdict([f"covered must have the scan's shape {expected.shape}; got shape {shape}."], "")
    mask = _as_mask(covered)
    if mask is None:
        return verdict([f"covered must hold True/False for every voxel; got {describe(np.asarray(covered))}."], "")
    notes = [f"your mask: {int(mask.sum()):,} of {mask.size:,} voxels covered"]
    problems = []
    if not np.array_equal(mask, expected):
        if mask.all():
            problems.append("covered marks every voxel: the crop-or-pad cut part of the scan away.")
        elif np.array_equal(mask, ~expected):
            problems.append("covered is True where the scan was cut away: the opposite of what is asked.")
        elif original.label is not None and np.array_equal(mask, original.label > 0):
            problems.append("covered is the labelled anatomy; the question is which voxels the grid reaches.")
        elif np.array_equal(mask, np.asarray(original.image) != 0):
            problems.append("covered marks where the image is non-zero; the question is which voxels the grid reaches.")
        else:
            wrong = int(np.count_nonzero(mask != expected))
            problems.append(f"covered disagrees with the preprocessed grid's footprint on {wrong:,} voxels.")
    lost = int(np.count_nonzero(~expected & (original.label > 0))) if original.label is not None else 0
    return verdict(
        problems,
        f"{lost:,} labelled voxels lie outside, so no network could ever predict them: check the crop before "
        "blaming the model.",
        notes,
    )


def _dice_back(labels_on_scan: np.ndarray, original: Volume) -> dict[int, float]:
    return dice_scores(original.label, labels_on_scan.astype(np.uint8), CLASSES)  # type: ignore[arg-type]


def check_exercise_3(tta_dice: Any, mean: np.ndarray, original: Volume, preprocessed: Volume) -> None:
    """Check the Dice ``{2: grey matter, 3: white matter}`` of the TTA mean brought back to the original scan.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> scan = Volume(np.ones((6, 6, 6), np.float32), np.eye(4), np.indices((6, 6, 6))[0].astype(np.uint8) % 4)
    >>> pre = tu.flip_volume(scan, axes=0)
    >>> mean = tu.one_hot(pre.label).astype(np.float32)
    >>> check_exercise_3({2: 1.0, 3: 1.0}, mean, scan, pre)  # doctest: +ELLIPSIS
    your Dice: grey matter 1.000, white matter 1.000
    Correct: ...
    """
    require(tta_dice, "tta_dice", "bring the probabilities back to the scan first, then turn them into labels.")
    if not isinstance(tta_dice, Mapping):
        return verdict([f"tta_dice must be a dict {{2: grey Dice, 3: white Dice}}; got {describe(tta_dice)}."], "")
    if set(tta_dice) != set(CLASSES):
        return verdict(
            [f"tta_dice's keys must be the label values 2 and 3 (numbers); got {sorted(map(repr, tta_dice))}."], ""
        )
    values = {k: tta_dice[k] for k in CLASSES}
    bad = {k: v for k, v in values.items() if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real)}
    if bad:
        return verdict([f"tta_dice's values must be numbers; got {describe(bad)}."], "")
    given = {k: float(v) for k, v in values.items()}
    notes = [f"your Dice: grey matter {given[2]:.3f}, white matter {given[3]:.3f}"]
    probabilities = invert(mean, preprocessed.history, original=original, reference=preprocessed)
    expected = _dice_back(probabilities.argmax(axis=0), original)

    def same(candidate: Mapping[int, float]) -> bool:
        return all(abs(given[k] - candidate[k]) < 1e-6 for k in CLASSES)

    problems = []
    if not same(expected):
        on_grid = dice_scores(preprocessed.label, mean.argmax(axis=0).astype(np.uint8), CLASSES)
        labels_back = invert(
            preprocessed.replace(label=mean.argmax(axis=0).astype(np.uint8)), preprocessed.history, original=original
        ).label
        if preprocessed.label is not None and same(on_grid):
            problems.append("that is the Dice on the preprocessed grid; the question is on the scan's grid.")
        elif same(_dice_back(labels_back, original)):
            problems.append("that inverts labels (argmax first, then nearest neighbour); invert the probabilities.")
        elif same({2: expected[3], 3: expected[2]}):
            problems.append("grey and white matter are swapped: label 2 is grey matter, label 3 white matter.")
        else:
            problems.append("that is not the Dice of the TTA mean brought back to the scan and turned into labels.")
    return verdict(
        problems,
        "that is the TTA mean measured where it matters, on the original 1 mm grid; compare it with the single "
        "prediction brought back in section 2.",
        notes,
    )
