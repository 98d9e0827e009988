"""Label maps and probabilities: one-hot encoding and the Dice overlap of two label maps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._checks import check_label_array, describe

__all__ = ["dice_scores", "one_hot"]


def one_hot(label: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """``(C, I, J, K)`` float32 probabilities that are 1 for a voxel's label and 0 elsewhere.

    A label map carried as one-hot probabilities can be resampled linearly
    and turned back into labels with ``argmax(axis=0)``: smoother and closer
    to the truth than nearest-neighbour resampling of the labels.

    Examples
    --------
    >>> one_hot(np.array([0, 2, 1], np.uint8).reshape(1, 1, 3))[:, 0, 0].tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    label = check_label_array(label)
    if label.size and label.min() < 0:
        raise ValueError(f"label must hold labels >= 0; got the value {int(label.min())}")
    largest = int(label.max()) if label.size else 0
    n = largest + 1 if n_classes is None else n_classes
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= largest:
        raise ValueError(f"n_classes must be an int above the largest label {largest}; got {describe(n_classes)}")
    out = np.zeros((int(n), *label.shape), np.float32)
    for c in range(int(n)):
        out[c][label == c] = 1.0
    return out


def dice_scores(truth: np.ndarray, candidate: np.ndarray, labels: Sequence[int] | None = None) -> dict[int, float]:
    """Dice overlap ``2 |A & B| / (|A| + |B|)`` of each label in two label maps of one shape.

    Parameters
    ----------
    truth, candidate : (I, J, K) integer ndarray
    labels : sequence of int, optional
        Default: every label > 0 found in either map. A label found in
        neither scores 1.0 (nothing to miss).

    Examples
    --------
    >>> a = np.array([0, 1, 1, 2], np.uint8).reshape(1, 1, 4)
    >>> dice_scores(a, np.array([0, 1, 2, 2], np.uint8).reshape(1, 1, 4))
    {1: 0.6666666666666666, 2: 0.6666666666666666}
    """
    truth = check_label_array(truth, "truth")
    candidate = check_label_array(candidate, "candidate")
    if truth.shape != candidate.shape:
        raise ValueError(f"truth and candidate must have one shape; got {truth.shape} and {candidate.shape}")
    if labels is None:
        labels = sorted(int(v) for v in np.union1d(np.unique(truth), np.unique(candidate)) if v > 0)
    scores = {}
    for value in labels:
        a, b = truth == value, candidate == value
        both = int(np.count_nonzero(a)) + int(np.count_nonzero(b))
        scores[int(value)] = 1.0 if both == 0 else 2.0 * int(np.count_nonzero(a & b)) / both
    return scores
