"""Check functions for the exercises of notebook 10 (from a prediction back to the scan).

Each ``check_exercise_N`` prints what is right and what is wrong, and returns
True when the answer is right.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ..inference import dice_scores, invert, patch_starts
from ..volume import Volume


def _report(ok: bool, right: str, wrong: str) -> bool:
    print(("right: " + right) if ok else ("not yet: " + wrong))
    return ok


def count_patches(shape: tuple[int, int, int], patch: int, overlap: float) -> int:
    """How many patches :func:`~tutorial_utils.predict_sliding_window` predicts for ``shape``."""
    return len(list(itertools.product(*(patch_starts(n, patch, overlap) for n in shape))))


def check_exercise_1(answer: Any, shape: tuple[int, int, int]) -> bool:
    """Exercise 1: ``(patches at overlap 0.5, patches at overlap 0.25)`` for 64^3 patches over ``shape``."""
    expected = (count_patches(shape, 64, 0.5), count_patches(shape, 64, 0.25))
    try:
        given = tuple(int(a) for a in answer)
    except (TypeError, ValueError):
        given = ()
    return _report(
        given == expected,
        f"{expected[0]} patches at overlap 0.5 and {expected[1]} at 0.25: halving the overlap saves "
        f"{1 - expected[1] / expected[0]:.0%} of the predictions, and gives each voxel fewer votes.",
        f"expected two whole numbers; got {answer!r}. Per axis the starts are 0, step, 2 step, ... with "
        "step = int(64 * (1 - overlap)), the last moved back to n - 64 "
        "(tu.inference.patch_starts); the patches are every combination of the three axes' starts.",
    )


def check_exercise_2(answer: Any, original: Volume, preprocessed: Volume) -> bool:
    """Exercise 2: the boolean mask, on the original grid, of the voxels the preprocessed grid covers."""
    ones = preprocessed.replace(label=np.ones(preprocessed.shape, np.uint8))
    expected = invert(ones, preprocessed.history, original=original, intensity="keep").label.astype(bool)
    given = np.asarray(answer)
    if given.shape != expected.shape:
        return _report(False, "", f"expected a mask of the original's shape {expected.shape}; got shape {given.shape}.")
    given = given.astype(bool)
    wrong = int(np.count_nonzero(given != expected))
    lost = int(np.count_nonzero(~expected & (original.label > 0))) if original.label is not None else 0
    return _report(
        wrong == 0,
        f"{int(expected.sum()):,} of {expected.size:,} voxels are covered; {lost:,} labelled voxels lie outside, "
        "so no network could ever predict them: check the crop before blaming the model.",
        f"{wrong:,} voxels differ. Invert a label map of ones: what comes back as 0 was cropped away.",
    )


def check_exercise_3(answer: Any, mean: np.ndarray, original: Volume, preprocessed: Volume) -> bool:
    """Exercise 3: Dice ``{2: grey matter, 3: white matter}`` of the TTA mean brought back to the original scan."""
    labels = invert(mean, preprocessed.history, original=original, reference=preprocessed).argmax(axis=0)
    expected = dice_scores(original.label, labels.astype(np.uint8), (2, 3))  # type: ignore[arg-type]
    ok = (
        isinstance(answer, dict)
        and set(answer) == {2, 3}
        and all(abs(float(answer[k]) - expected[k]) < 1e-6 for k in expected)
    )
    return _report(
        ok,
        f"grey matter {expected[2]:.3f}, white matter {expected[3]:.3f} on the original 1 mm grid.",
        f"expected a dict {{2: dice, 3: dice}} close to {{2: {expected[2]:.3f}, 3: {expected[3]:.3f}}}; got "
        f"{answer!r}. Invert the probabilities (not labels), argmax over classes, then tu.dice_scores(..., (2, 3)).",
    )
