"""Patch-based inference: :func:`predict_sliding_window`.

A 3D network takes inputs of a fixed, modest size (its training patch), and a
whole scan rarely fits in its memory. Sliding-window inference tiles the scan
with overlapping patches, predicts each, and blends the overlaps:

* every voxel is covered; patches lie inside the volume, the last one on each
  axis flush with the far edge (MONAI's tiling: starts ``0, s, 2s, ...`` with
  ``s = int(patch * (1 - overlap))``, the last start moved back to
  ``n - patch``); a patch larger than an axis is centred on it and padded
  with the image's minimum, and only the part inside the volume is used;
* the overlaps are blended with **Gaussian importance weights** (sigma 1/8
  of the patch, clamped at 1e-3 as MONAI does): a network's predictions are
  worst near its input's borders, where it sees the least context, so the
  centre of each patch counts most. ``weighting="uniform"`` gives every
  patch voxel the same weight, and shows seams where patches meet.

The blend is a running weighted mean in float32 (weights summed into one
``(I, J, K)`` map, each patch moving the mean towards its prediction by
``weight / summed weight``): no full-size array is copied per patch, and a
predictor that looks at each voxel alone gets exactly its whole-volume
prediction back, whatever the patches.
"""

from __future__ import annotations

import functools
import itertools
import numbers

import numpy as np

from .._checks import as_float32_image, as_triple, describe
from ..volume import Volume
from .predictors import Predictor, call_predictor

__all__ = ["gaussian_importance", "patch_starts", "predict_sliding_window"]

#: sigma of the Gaussian weights as a fraction of the patch size (nnU-Net's and MONAI's 1/8).
SIGMA_SCALE = 0.125
#: Smallest weight, relative to the centre's (MONAI's clamp): patch corners still count a little.
MIN_WEIGHT = 1e-3


def patch_starts(n: int, patch: int, overlap: float) -> list[int]:
    """Starts of the patches along one axis of ``n`` voxels (MONAI's ``dense_patch_slices`` scheme).

    Examples
    --------
    >>> patch_starts(10, 4, 0.5), patch_starts(10, 4, 0.0), patch_starts(3, 4, 0.5)
    ([0, 2, 4, 6], [0, 4, 6], [0])
    """
    if patch >= n:
        return [-((patch - n) // 2)]
    step = max(1, int(patch * (1.0 - overlap)))
    starts = [0]
    while starts[-1] < n - patch:
        starts.append(min(starts[-1] + step, n - patch))
    return starts


def gaussian_importance(patch_shape: tuple[int, int, int]) -> np.ndarray:
    """Gaussian weights over a patch, 1 at the centre, sigma ``patch / 8``, at least :data:`MIN_WEIGHT`.

    Computed in float32 as ``monai.data.utils.compute_importance_map`` does.

    Examples
    --------
    >>> w = gaussian_importance((5, 5, 5))
    >>> w.shape, float(w[2, 2, 2]), bool(w[0, 0, 0] < w[1, 2, 2])
    ((5, 5, 5), 1.0, True)
    """
    shape = as_triple(patch_shape, "patch_shape", positive=True, integer=True, allow_zero=False)
    weights = np.ones((1, 1, 1), np.float32)
    for axis, n in enumerate(shape):
        x = np.arange(-(n - 1) / 2.0, (n - 1) / 2.0 + 1, dtype=np.float32)
        sigma = np.float32(n * SIGMA_SCALE)
        profile = np.exp(x**2 / (np.float32(-2.0) * sigma**2)).astype(np.float32)
        weights = weights * profile.reshape([-1 if a == axis else 1 for a in range(3)])
    return np.maximum(weights, max(float(weights.min()), MIN_WEIGHT), dtype=np.float32)


def _check_overlap(overlap: object) -> float:
    if isinstance(overlap, bool) or not isinstance(overlap, numbers.Real) or not 0.0 <= float(overlap) < 1.0:
        raise ValueError(f"overlap must be a number in [0, 1) (0.5: patches overlap by half); got {describe(overlap)}")
    return float(overlap)


def _check_batch_size(batch_size: object) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1; got {describe(batch_size)}")
    return int(batch_size)


def _boxes(start: tuple[int, ...], patch: tuple[int, ...], shape: tuple[int, ...]) -> tuple[tuple, tuple]:
    """The part of a patch inside the volume: (slices in the volume, slices in the patch)."""
    inside, within = [], []
    for a, p, n in zip(start, patch, shape):
        low, high = max(a, 0), min(a + p, n)
        inside.append(slice(low, high))
        within.append(slice(low - a, high - a))
    return tuple(inside), tuple(within)


def _locate(chunk: list[tuple[int, ...]], item: int, voxel: tuple[int, ...]) -> str:
    """A voxel of patch ``item`` of a batch, in the patch and in the volume."""
    start = chunk[item]
    return f"voxel {voxel} of the patch starting at {start} (voxel {tuple(a + v for a, v in zip(start, voxel))} of the volume)"


def predict_sliding_window(
    volume: Volume | np.ndarray,
    predict: Predictor,
    patch_shape: int | tuple[int, int, int],
    *,
    overlap: float = 0.5,
    weighting: str = "gaussian",
    batch_size: int = 4,
) -> np.ndarray:
    """Predict a whole volume patch by patch, blending overlaps with Gaussian weights.

    Parameters
    ----------
    volume : Volume or (I, J, K) array_like
        The (preprocessed) image; a Volume's ``image`` is used.
    predict : callable
        ``predict(batch)``: float32 ``(B, *patch_shape)`` -> ``(B, C, *patch_shape)``
        probabilities (see :mod:`~tutorial_utils.inference.predictors`).
    patch_shape : int or (3,) tuple of int
        The network's input size; may exceed the volume on some axes.
    overlap : float in [0, 1)
        Fraction of a patch shared with the next one (0.5: nnU-Net's step of half a patch).
    weighting : {"gaussian", "uniform"}
        Importance of each patch voxel in the blend.
    batch_size : int
        Patches per ``predict`` call (memory against call overhead).

    Returns
    -------
    (C, I, J, K) ndarray of float32
        Blended probabilities on the volume's grid.

    Raises
    ------
    ValueError
        ``predict`` returns another shape than ``(B, C, *patch_shape)``, a
        class count other than its first batch's, NaN or infinite values
        (the message gives the patch and the voxel), or anything but
        probabilities (logits, a single sigmoid channel; see
        :func:`~tutorial_utils.inference.checks.check_probabilities`).
    TypeError
        ``predict`` returns anything but floats.

    Examples
    --------
    >>> from tutorial_utils.inference import IntensityModel
    >>> model = IntensityModel((0.0, 1.0), (0.3, 0.3), (0.5, 0.5), smoothing=0.0)
    >>> image = np.linspace(0, 1, 10 * 9 * 8, dtype=np.float32).reshape(10, 9, 8)
    >>> tiled = predict_sliding_window(image, model, (4, 4, 16), overlap=0.25)
    >>> tiled.shape, bool(np.array_equal(tiled, model(image[None])[0]))
    ((2, 10, 9, 8), True)
    """
    image = volume.image if isinstance(volume, Volume) else as_float32_image(volume, "volume")
    patch = as_triple(patch_shape, "patch_shape", positive=True, integer=True, allow_zero=False)
    overlap = _check_overlap(overlap)
    if weighting not in ("gaussian", "uniform"):
        raise ValueError(f"weighting must be 'gaussian' or 'uniform'; got {weighting!r}")
    batch_size = _check_batch_size(batch_size)
    weights = gaussian_importance(patch) if weighting == "gaussian" else np.ones(patch, np.float32)
    starts = list(itertools.product(*(patch_starts(n, p, overlap) for n, p in zip(image.shape, patch))))
    background = np.float32(image.min())
    total = np.zeros(image.shape, np.float32)
    out: np.ndarray | None = None
    n_batches = -(-len(starts) // batch_size)
    for first in range(0, len(starts), batch_size):
        chunk = starts[first : first + batch_size]
        batch = np.empty((len(chunk), *patch), np.float32)
        boxes = [_boxes(start, patch, image.shape) for start in chunk]
        for item, (inside, within) in zip(batch, boxes):
            if any(w.stop - w.start < p for w, p in zip(within, patch)):
                item[...] = background
            item[within] = image[inside]
        probabilities = call_predictor(
            predict,
            batch,
            where=f"batch {first // batch_size + 1} of {n_batches} (patches {first} to {first + len(chunk) - 1})",
            n_classes=None if out is None else out.shape[0],
            locate=functools.partial(_locate, chunk),
        )
        if out is None:
            out = np.zeros((probabilities.shape[1], *image.shape), np.float32)
        for predicted, (inside, within) in zip(probabilities, boxes):
            weight = weights[within]
            total[inside] += weight
            share = weight / total[inside]
            region = out[(slice(None), *inside)]
            region += share * (predicted[(slice(None), *within)] - region)
    return out  # type: ignore[return-value]  # every volume has at least one patch
