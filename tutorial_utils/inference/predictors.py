"""A predictor that runs everywhere: :class:`IntensityModel`, a stand-in for a trained network.

The course has no trained network offline and downloads none. The
inference code (:func:`~tutorial_utils.inference.invert.invert`, test-time
augmentation, sliding windows) only needs *something* that follows the
predictor convention::

    predict(batch)   # float32 (B, I, J, K) -> (B, C, I, J, K) per-class probabilities

:class:`IntensityModel` is such a thing and **not a neural network**: a
Gaussian classifier of smoothed intensities, "fitted" to one labelled scan
(the mean, spread and share of each label's intensities). It is deterministic,
fast, and shares the two properties the inference code cares about with a
real convolutional network: its output for a voxel depends on a neighbourhood
(the smoothing), so patch borders matter; and, with ``lean``, it looks a
little to one side, as a network's learned filters do, so a mirrored copy
gets a slightly different prediction (without ``lean`` it is
flip-equivariant).
A trained PyTorch model plugs into the same place::

    predict = lambda batch: torch.softmax(net(torch.from_numpy(batch)), 1).numpy()
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import ndimage

from .._checks import as_triple, check_label_array, describe
from ..volume import Volume, check_volume
from .checks import Locate, check_probabilities

__all__ = ["IntensityModel", "call_predictor"]

Predictor = Callable[[np.ndarray], Any]


def call_predictor(
    predict: Predictor,
    batch: np.ndarray,
    *,
    where: str = "the batch",
    n_classes: int | None = None,
    locate: Locate | None = None,
) -> np.ndarray:
    """``predict(batch)`` checked against the convention: float32 ``(B, C, I, J, K)`` probabilities back.

    Accepts anything ``numpy.asarray`` converts (a CPU torch tensor too).

    Parameters
    ----------
    predict : callable
    batch : (B, I, J, K) float32 ndarray
    where : str
        Which call this is, for the messages (``"batch 3 of 8 (patches 9 to 12)"``).
    n_classes : int, optional
        The class count of the earlier calls: a predictor that changes it is refused.
    locate : callable, optional
        ``locate(item, (i, j, k))`` describes a voxel of the batch in the messages.

    Raises
    ------
    ValueError
        A shape other than ``(B, C, I, J, K)`` with ``B`` and ``(I, J, K)``
        of the batch and ``C`` of the earlier calls (the message names
        ``predict``, the batch and the expected shape), or values that are
        not probabilities (see :func:`~tutorial_utils.inference.checks.check_probabilities`).
    TypeError
        ``predict`` is not callable, or returns anything but floats.
    """
    if not callable(predict):
        raise TypeError(f"predict must be a callable batch -> probabilities; got {describe(predict)}")
    out = np.asarray(predict(batch))
    classes = "C" if n_classes is None else str(n_classes)
    expected = f"({batch.shape[0]}, {classes}, {', '.join(str(n) for n in batch.shape[1:])})"
    if n_classes is not None:
        expected += f" ({n_classes} classes, as predict returned for the earlier batches)"
    if (
        out.ndim != 5
        or out.shape[0] != batch.shape[0]
        or out.shape[2:] != batch.shape[1:]
        or (n_classes is not None and out.shape[1] != n_classes)
    ):
        raise ValueError(
            f"predict returned shape {out.shape} for {where}, an input of shape {batch.shape}; expected (B, C, I, J, K) "
            f"probabilities of shape {expected}"
        )
    if not np.issubdtype(out.dtype, np.floating):
        raise TypeError(
            f"predict returned {describe(out)} for {where}, an input of shape {batch.shape}; expected float probabilities "
            f"of shape {expected}"
        )
    out = out.astype(np.float32, copy=False)
    check_probabilities(
        out,
        f"predict's output for {where}",
        locate or (lambda item, voxel: f"item {item}, voxel {voxel}"),
        remedy="np.concatenate([1 - p, p], axis=1) inside predict",
    )
    return out


#: Logits below the largest by more than this are clamped: exp() stays a normal float32
#: (denormals are up to 100x slower on CPUs without flush-to-zero, and differ by < 1e-34).
_LOGIT_FLOOR = -80.0


def _softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    logits -= logits.max(axis=axis, keepdims=True)
    np.maximum(logits, np.float32(_LOGIT_FLOOR), out=logits)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=axis, keepdims=True)
    return logits


class IntensityModel:
    """Deterministic stand-in for a segmentation network: NOT a neural network.

    Each voxel's intensity is smoothed with a Gaussian of ``smoothing``
    voxels (inside the batch item it is given, edges extended, as a network
    sees only its input patch) and read ``lean`` voxels away from the voxel
    (linear interpolation), then scored against one Gaussian per class;
    the probabilities are the softmax of
    ``-(x - mean_c)**2 / (2 * std_c**2) - log(std_c) + log(share_c)``.

    Parameters
    ----------
    means, stds, shares : sequence of float, one per class
        Class 0 is the background. ``stds > 0``, ``shares > 0``.
    smoothing : float
        Gaussian sigma in voxels (0 and no lean: each voxel alone, a pointwise predictor).
    lean : (3,) sequence of float
        Where the model looks, in voxels from the voxel it predicts. Not
        zero: the model is not flip-equivariant, like a trained network.

    Examples
    --------
    >>> model = IntensityModel(means=(0.0, 1.0), stds=(0.5, 0.5), shares=(0.5, 0.5), smoothing=0.0)
    >>> probabilities = model(np.array([0.0, 0.5, 1.0], np.float32).reshape(1, 1, 1, 3))
    >>> probabilities.shape, probabilities[0, 1, 0, 0].round(2).tolist()
    ((1, 2, 1, 1, 3), [0.12, 0.5, 0.88])
    """

    def __init__(
        self,
        means: Sequence[float],
        stds: Sequence[float],
        shares: Sequence[float],
        *,
        smoothing: float = 1.0,
        lean: float | Sequence[float] = 0.0,
    ) -> None:
        self.means = self._vector(means, "means")
        self.stds = self._vector(stds, "stds", positive=True)
        self.shares = self._vector(shares, "shares", positive=True)
        if not len(self.means) == len(self.stds) == len(self.shares) >= 2:
            raise ValueError(
                f"means, stds and shares must have one entry per class (at least 2); got lengths "
                f"{len(self.means)}, {len(self.stds)}, {len(self.shares)}"
            )
        if isinstance(smoothing, bool) or not isinstance(smoothing, numbers.Real) or not 0 <= smoothing < 50:
            raise ValueError(f"smoothing must be a number of voxels in [0, 50); got {describe(smoothing)}")
        self.smoothing = float(smoothing)
        self.lean = as_triple(lean, "lean")
        if max(abs(v) for v in self.lean) > 10:
            raise ValueError(f"lean must stay within 10 voxels on every axis; got {describe(lean)}")

    @staticmethod
    def _vector(values: Any, name: str, positive: bool = False) -> np.ndarray:
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 1 or not np.isfinite(arr).all() or (positive and (arr <= 0).any()):
            raise ValueError(
                f"{name} must be a sequence of finite numbers{' > 0' if positive else ''}; got {describe(values)}"
            )
        return arr

    @classmethod
    def fit(cls, volume: Volume, *, smoothing: float = 1.0, lean: float | Sequence[float] = 0.0) -> IntensityModel:
        """Class means, spreads and shares from a labelled ``volume`` (labels 0 to the largest present).

        Examples
        --------
        >>> vol = Volume(np.array([0.0, 0.2, 1.0, 1.2]).reshape(1, 1, 4), np.eye(4),
        ...              np.array([0, 0, 1, 1], np.uint8).reshape(1, 1, 4))
        >>> IntensityModel.fit(vol).means.round(2).tolist()
        [0.1, 1.1]
        """
        check_volume(volume)
        if volume.label is None:
            raise ValueError("volume must have a label map to fit the model to; this one has none")
        label = check_label_array(volume.label)
        counts = np.bincount(label.ravel().astype(np.int64), minlength=2)
        if (counts == 0).any():
            raise ValueError(
                f"every label from 0 to {len(counts) - 1} must occur to fit the model; counts {counts.tolist()}"
            )
        image = volume.image.astype(np.float64)
        flat = label.ravel()
        sums = np.bincount(flat, weights=image.ravel(), minlength=len(counts))
        squares = np.bincount(flat, weights=image.ravel() ** 2, minlength=len(counts))
        means = sums / counts
        stds = np.sqrt(np.maximum(squares / counts - means**2, 0.0))
        floor = 1e-3 * (float(image.max() - image.min()) or 1.0)
        return cls(means, np.maximum(stds, floor), counts / counts.sum(), smoothing=smoothing, lean=lean)

    @property
    def n_classes(self) -> int:
        """How many classes (channels) the model predicts."""
        return len(self.means)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities ``(B, C, I, J, K)`` float32 for a float32 ``(B, I, J, K)`` batch."""
        batch = np.asarray(batch, dtype=np.float32)
        if batch.ndim != 4:
            raise ValueError(f"batch must have shape (B, I, J, K); got {describe(batch)}")
        logits = np.empty((batch.shape[0], self.n_classes, *batch.shape[1:]), np.float32)
        offsets = np.log(self.shares) - np.log(self.stds)
        for b, item in enumerate(batch):
            smooth = ndimage.gaussian_filter(item, self.smoothing, mode="nearest") if self.smoothing else item
            if any(self.lean):
                smooth = ndimage.shift(smooth, [-v for v in self.lean], order=1, mode="nearest")
            for c in range(self.n_classes):
                z = (smooth - np.float32(self.means[c])) / np.float32(self.stds[c])
                logits[b, c] = np.float32(offsets[c]) - np.float32(0.5) * z * z
        return _softmax(logits, axis=1)

    def __repr__(self) -> str:
        lean = "" if not any(self.lean) else f", lean={self.lean}"
        return f"IntensityModel({self.n_classes} classes, smoothing={self.smoothing:g} voxels{lean}; not a network)"
