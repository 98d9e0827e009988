"""Test-time augmentation: :func:`predict_with_tta`.

Predict on the scan and on augmented copies of it (mirrored along some axes,
as nnU-Net does by default, or rotated and scaled), bring every prediction
back onto the scan's grid with :func:`~tutorial_utils.inference.inverse.invert`
and average the probabilities. The average is usually a little better than
one prediction; where the copies disagree, the model is unsure, and the
disagreement map shows where.

Flips are exact (a permutation of voxels), so the mirrored predictions come
back without interpolation; affine copies are interpolated once on the way
back (linearly: probabilities stay in [0, 1]).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence

import numpy as np

from .._checks import RngLike, as_rng, check_axis, describe
from ..pipeline import Compose
from ..spatial import flip_volume
from ..volume import Volume, check_volume
from .inverse import invert
from .predictors import Predictor, call_predictor

__all__ = ["flip_transforms", "predict_with_tta"]

Transform = Callable[..., Volume]


def flip_transforms(axes: Sequence[int] = (0, 1, 2)) -> list[Transform]:
    """One flip for every non-empty subset of ``axes``: nnU-Net's test-time mirroring (7 for three axes).

    Examples
    --------
    >>> [t.keywords["axes"] for t in flip_transforms((0, 1))]
    [(0,), (1,), (0, 1)]
    """
    if isinstance(axes, (str, bytes)) or not isinstance(axes, Sequence) or not axes:
        raise TypeError(f"axes must be a non-empty sequence of axes such as (0, 1, 2); got {describe(axes)}")
    checked = sorted({check_axis(a, "axes") for a in axes})
    subsets = itertools.chain.from_iterable(itertools.combinations(checked, k) for k in range(1, len(checked) + 1))
    return [functools.partial(flip_volume, axes=subset) for subset in subsets]


def predict_with_tta(
    volume: Volume,
    predict: Predictor,
    transforms: Sequence[Transform] | None = None,
    *,
    rng: RngLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Average the predictions of the volume and its augmented copies, each brought back to the volume's grid.

    Parameters
    ----------
    volume : Volume
        The (preprocessed) scan the network expects.
    predict : callable
        ``predict(batch)``: float32 ``(B, I, J, K)`` -> ``(B, C, I, J, K)``
        probabilities; called once per copy with ``B = 1``.
    transforms : sequence of transforms, optional
        Each ``t(volume, *, rng=None) -> Volume`` made of invertible recorded
        steps (flips, ``random_affine``, ...; not elastic). Default
        :func:`flip_transforms`: the 7 mirrorings of three axes. The
        unchanged volume is always predicted too.
    rng : Generator, int or None
        For random transforms; the same seed gives the same result.

    Returns
    -------
    mean : (C, I, J, K) ndarray of float32
        Mean probabilities over the ``len(transforms) + 1`` predictions.
    disagreement : (I, J, K) ndarray of float32
        Variance of the class probabilities across the predictions, averaged
        over the classes: 0 where all copies agree, at most 0.25.

    Raises
    ------
    ValueError
        ``predict`` returns another shape than ``(1, C, I, J, K)``, another
        class count for a copy than for the unchanged volume, NaN or infinite
        values, or anything but probabilities (logits, a single sigmoid
        channel): the message names the copy and its steps (see
        :func:`~tutorial_utils.inference.checks.check_probabilities`).

    Examples
    --------
    >>> from tutorial_utils.inference import IntensityModel
    >>> model = IntensityModel((0.0, 1.0), (0.3, 0.3), (0.5, 0.5), smoothing=1.0)
    >>> scan = Volume(np.linspace(0, 1, 6 * 5 * 4).reshape(6, 5, 4), np.eye(4))
    >>> mean, disagreement = predict_with_tta(scan, model)
    >>> mean.shape, float(disagreement.max())   # the model is flip-equivariant: nothing to disagree on
    ((2, 6, 5, 4), 0.0)
    """
    check_volume(volume)
    if transforms is None:
        transforms = flip_transforms()
    if isinstance(transforms, (str, bytes)) or not isinstance(transforms, Sequence):
        raise TypeError(f"transforms must be a list of transforms t(volume, *, rng); got {describe(transforms)}")
    generator = as_rng(rng)
    mean = call_predictor(predict, volume.image[np.newaxis], where="the unchanged volume")[0].copy()
    spread = np.zeros_like(mean)
    for count, transform in enumerate(transforms, start=2):
        copy = Compose([transform])(volume, rng=generator)
        where = f"copy {count - 1} of {len(transforms)} ({', '.join(r.name for r in copy.history)})"
        predicted = call_predictor(predict, copy.image[np.newaxis], where=where, n_classes=mean.shape[0])[0]
        predicted = invert(predicted, copy.history, original=volume)
        delta = predicted - mean
        mean += delta / np.float32(count)
        spread += delta * (predicted - mean)
    spread /= np.float32(len(transforms) + 1)
    return mean, spread.mean(axis=0, dtype=np.float32)
