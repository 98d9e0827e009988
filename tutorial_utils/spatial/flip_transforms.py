"""Mirror a :class:`~tutorial_utils.Volume`, swapping left and right label values on a left-right flip.

A flip is exact (no interpolation) and keeps the affine: the anatomy itself
is mirrored in world space. Anatomy is not symmetric (the heart sits left,
the liver right, the right lung has three lobes and the left two), and a
label map may be *lateralised*: "left kidney" = 1 and "right kidney" = 2, or
one label per hemisphere. After a left-right flip the structure labelled 1
lies on the right, so its label must become 2: ``swap_labels={1: 2, 2: 1}``
does that, exactly, and only when the flipped axes include the volume's
left-right axis (read from the affine).

nnU-Net mirrors along all three axes during training and averages the
predictions of mirrored inputs at test time (``mirror_axes = (0, 1, 2)`` in
``nnunetv2/training/nnUNetTrainer/nnUNetTrainer.py``). Its mirroring does
not swap label values, so for left/right classes it offers trainers that
mirror less (``nnUNetTrainerNoMirroring``, ``nnUNetTrainer_onlyMirror01``
in ``nnunetv2/training/nnUNetTrainer/variants/data_augmentation/``).

* :func:`flip_volume`: the recorded step (``"flip"``).
* :func:`random_flip`: draws the axes, then calls :func:`flip_volume`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Union

import numpy as np

from .._checks import RngLike, as_rng, as_triple, check_probability, describe
from ..records import random_transform, volume_transform
from ..volume import Volume, check_volume
from .affine_ops import check_flip_axes, flip

__all__ = ["flip_volume", "random_flip"]

#: ``{from: to}`` or the same as ``((from, to), ...)`` pairs (what a record stores).
SwapLabels = Union[Mapping[int, int], Sequence[Sequence[int]], None]  # noqa: UP007 (a runtime alias)

_SWAP_HELP = "a mapping such as {1: 2, 2: 1} or its (from, to) pairs ((1, 2), (2, 1))"


def _label_value(value: Any) -> int:
    """An int label value; record keys come back from JSON as strings such as ``"1"``."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"swap_labels must map int label values to int label values ({_SWAP_HELP}); got {value!r}")
    return int(value)


def check_swap_labels(swap_labels: SwapLabels) -> tuple[tuple[int, int], ...]:
    """``swap_labels`` as sorted ``(from, to)`` pairs forming a permutation, or ``()`` for None.

    A permutation (every ``to`` is also a ``from``) keeps the set of label
    values: no label is merged into another, none appears.

    Examples
    --------
    >>> check_swap_labels({2: 1, 1: 2})
    ((1, 2), (2, 1))
    >>> check_swap_labels([(3, 4), (4, 3)])
    ((3, 4), (4, 3))
    """
    if swap_labels is None:
        return ()
    if isinstance(swap_labels, Mapping):
        items = list(swap_labels.items())
    elif isinstance(swap_labels, (Sequence, np.ndarray)) and not isinstance(swap_labels, (str, bytes)):
        items = list(swap_labels)
        if not all(isinstance(i, (Sequence, np.ndarray)) and not isinstance(i, str) and len(i) == 2 for i in items):
            raise TypeError(f"swap_labels must be {_SWAP_HELP}; got {describe(swap_labels)}")
    else:
        raise TypeError(f"swap_labels must be {_SWAP_HELP}, or None; got {describe(swap_labels)}")
    pairs = tuple(sorted((_label_value(a), _label_value(b)) for a, b in items))
    sources = [a for a, _ in pairs]
    if len(set(sources)) != len(sources):
        raise ValueError(f"swap_labels gives one label value two targets; got {describe(swap_labels)}")
    if set(sources) != {b for _, b in pairs}:
        raise ValueError(
            f"swap_labels must swap both ways (every target also mapped, e.g. {{1: 2, 2: 1}}) so no label "
            f"value is lost or merged; got {describe(swap_labels)}"
        )
    return pairs


def _left_right_axis(volume: Volume) -> int:
    """The array axis closest to the patient's left-right direction."""
    return next(axis for axis, code in enumerate(volume.axcodes) if code in "LR")


def _swapped(label: np.ndarray, pairs: tuple[tuple[int, int], ...]) -> np.ndarray:
    out = label.copy()
    for source, target in pairs:
        out[label == source] = target
    return out


@volume_transform("flip")
def flip_volume(volume: Volume, axes: int | Sequence[int], *, swap_labels: SwapLabels = None) -> Volume:
    """Mirror image and label along the same ``axes``; the affine is kept.

    Keeping the affine means the anatomy itself is mirrored in world space: a
    left-right flip puts the left hemisphere where the right one was, a
    plausible "other subject" only where the anatomy is close to symmetric
    (a brain, not a chest: the heart would sit on the right). Changing the
    affine as well would describe the same anatomy in another voxel order,
    not augment it.

    Parameters
    ----------
    volume : Volume
    axes : int or sequence of int
        Axes to mirror; an empty sequence returns the volume unchanged. Which
        axis is left-right depends on the orientation: see ``volume.axcodes``.
    swap_labels : mapping of int to int, or (from, to) pairs, optional
        Lateralised label values to exchange when the flip mirrors left and
        right, e.g. ``{1: 2, 2: 1}`` for left and right kidney. It must be a
        permutation (swap both ways). Applied exactly, and only when
        ``axes`` include the left-right axis (the axis whose
        ``volume.axcodes`` letter is L or R); a front-back or head-foot flip
        keeps the label values.

    Returns
    -------
    Volume
        With ``swap_labels``, the record's ``measured`` says whether labels
        were swapped (``{"labels_swapped": True}``).

    Examples
    --------
    >>> vol = Volume(np.arange(8.0).reshape(2, 2, 2), np.eye(4))
    >>> flip_volume(vol, axes=0).image[:, 0, 0]
    array([4., 0.], dtype=float32)
    >>> kidneys = Volume(np.zeros((2, 1, 1)), np.eye(4), np.array([1, 2]).reshape(2, 1, 1))
    >>> flip_volume(kidneys, axes=0, swap_labels={1: 2, 2: 1}).label.ravel()  # left stays 1, right 2
    array([1, 2])
    """
    axes = check_flip_axes(axes)
    pairs = check_swap_labels(swap_labels)
    swap = bool(pairs) and volume.label is not None and _left_right_axis(volume) in axes
    measured = {"labels_swapped": swap} if swap_labels is not None else {}
    if not axes:
        return volume, measured
    label = None if volume.label is None else flip(volume.label, axes)
    if swap:
        label = _swapped(label, pairs)
    return volume.replace(image=flip(volume.image, axes), label=label), measured


@random_transform
def random_flip(
    volume: Volume,
    *,
    p: float | Sequence[float] = (0.5, 0.0, 0.0),
    swap_labels: SwapLabels = None,
    rng: RngLike = None,
) -> Volume:
    """Mirror image and label along randomly chosen axes (always the same axes for both).

    Parameters
    ----------
    volume : Volume
    p : float or (3,) sequence of float
        Chance of a flip along each axis, in [0, 1]. The default flips only
        axis 0, which is left-right in the RAS/LAS samples of this course
        (check ``volume.axcodes`` for yours); flipping head-foot or
        front-back gives anatomy no scanner produces.
    swap_labels : mapping of int to int, or (from, to) pairs, optional
        Lateralised label values to exchange when a left-right flip is drawn
        (see :func:`flip_volume`); recorded as ``(from, to)`` pairs.
    rng : numpy.random.Generator, int or None

    Returns
    -------
    Volume
        ``history`` ends with ``flip`` and the flipped ``axes``.

    Examples
    --------
    >>> vol = Volume(np.zeros((2, 2, 2)), np.eye(4))
    >>> random_flip(vol, p=1.0, rng=0).history[-1].params
    {'axes': (0, 1, 2), 'swap_labels': None}
    """
    check_volume(volume)
    chances = [check_probability(chance, "p") for chance in as_triple(p, "p")]
    pairs = check_swap_labels(swap_labels) if swap_labels is not None else None
    draws = as_rng(rng).random(3)
    axes = tuple(axis for axis in range(3) if draws[axis] < chances[axis])
    return flip_volume(volume, axes=axes, swap_labels=pairs)
