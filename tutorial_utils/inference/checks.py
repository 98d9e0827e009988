"""Checks at the door: a prediction must be per-class probabilities before it is blended, averaged or mapped back.

Every inference function (:func:`~tutorial_utils.inference.inverse.invert`,
:func:`~tutorial_utils.inference.sliding_window.predict_sliding_window`,
:func:`~tutorial_utils.inference.tta.predict_with_tta`) refuses, with a
``ValueError`` that says where and what to do:

* a NaN or infinite value (it would spread through interpolation and
  blending): the message gives how many and the first one's class and voxel;
* a map that is not a probability map, that is a value below 0 or class sums
  off 1 by more than :data:`PROBABILITY_TOLERANCE` (logits, sigmoid outputs
  per class, unnormalised scores): interpolating and clipping those would
  silently flip the argmax;
* a single channel (a sigmoid foreground probability): class 0 is the
  background everywhere in this package (the fill of voxels a crop dropped,
  the argmax), so one channel is refused with the remedy, stacking the
  background ``1 - p`` in front of it, rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["PROBABILITY_TOLERANCE", "check_probabilities"]

#: How far a class sum may be from 1 (and a value below 0): float16 or bfloat16 softmax outputs stay within it.
PROBABILITY_TOLERANCE = 1e-2

#: ``(item, voxel) -> text`` locating a voxel of batch item ``item`` for a message.
Locate = Callable[[int, tuple[int, ...]], str]


def _voxel_text(item: int, voxel: tuple[int, ...]) -> str:
    return f"voxel {voxel}"


def check_probabilities(batch: np.ndarray, name: str, locate: Locate = _voxel_text, *, remedy: str = "") -> None:
    """Raise ``ValueError`` unless ``batch`` holds per-class probabilities.

    Parameters
    ----------
    batch : (B, C, I, J, K) float ndarray
        ``B`` maps of ``C`` classes each (pass ``prediction[np.newaxis]`` for one map).
    name : str
        What ``batch`` is, for the message (``"prediction"``, ``"predict's output for batch 2 of 5"``).
    locate : callable, optional
        ``locate(item, (i, j, k))`` describes a voxel in the message (default: ``"voxel (i, j, k)"``).
    remedy : str
        How a single channel is turned into two, in the caller's terms.

    Raises
    ------
    ValueError
        One channel; a NaN or infinite value (how many, the first one's class
        and voxel); a value below ``-PROBABILITY_TOLERANCE`` or a class sum
        off 1 by more than :data:`PROBABILITY_TOLERANCE` (the worst voxel, and
        "pass softmax probabilities, not logits").

    Examples
    --------
    >>> p = np.full((1, 2, 1, 1, 2), 0.5, np.float32)
    >>> check_probabilities(p, "prediction")
    >>> p[0, 1, 0, 0, 1] = np.nan
    >>> check_probabilities(p, "prediction")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: prediction holds 1 NaN or infinite value; the first is class 1 at voxel (0, 0, 1). ...
    """
    if batch.shape[1] == 1:
        raise ValueError(
            f"{name} has a single channel; per-class probabilities need at least two, class 0 being the "
            f"background (a single sigmoid channel p is the foreground's probability): pass both "
            f"{remedy or 'np.concatenate([1 - p, p], axis=class axis)'}"
        )
    finite = np.isfinite(batch)
    if not finite.all():
        bad = ~finite
        first = np.unravel_index(int(np.argmax(bad)), batch.shape)
        count = int(np.count_nonzero(bad))
        voxel = tuple(int(v) for v in first[2:])
        raise ValueError(
            f"{name} holds {count} NaN or infinite value{'s' if count > 1 else ''}; the first is class "
            f"{int(first[1])} at {locate(int(first[0]), voxel)}. A prediction must be finite probabilities: "
            "check the network's input and output (np.isfinite) before passing it"
        )
    low = batch.min(axis=1)
    sums = batch.sum(axis=1, dtype=np.float32)
    off = np.abs(sums - np.float32(1.0))
    if float(low.min()) >= -PROBABILITY_TOLERANCE and float(off.max()) <= PROBABILITY_TOLERANCE:
        return
    if float(low.min()) < -PROBABILITY_TOLERANCE:
        where = np.unravel_index(int(np.argmin(low)), low.shape)
        classes = batch[(where[0], slice(None), *where[1:])]
        found = f"a negative value, {float(classes.min()):.4g} for class {int(np.argmin(classes))}"
    else:
        where = np.unravel_index(int(np.argmax(off)), off.shape)
        found = f"classes that sum to {float(sums[where]):.4g}"
    voxel = tuple(int(v) for v in where[1:])
    raise ValueError(
        f"{name} is not a probability map: it holds {found} at {locate(int(where[0]), voxel)} (values must be "
        f">= 0 and the classes of each voxel sum to 1, within {PROBABILITY_TOLERANCE:g}); pass softmax "
        "probabilities, not logits (e.g. torch.softmax(logits, dim=1)); a sigmoid per class is not a "
        "probability map either"
    )
