"""A trained network on a scan: preprocess, predict patch by patch (with mirroring TTA), invert, score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import RngLike
from ..capstone import CLASSES, PATCH
from ..evaluation import segmentation_metrics
from ..inference import invert, predict_sliding_window, predict_with_tta
from ..volume import Volume
from .predict import predictor
from .unet import UNet3d

if TYPE_CHECKING:
    import pandas as pd


def predict_scan(
    net: UNet3d,
    scan: Volume,
    preprocess: Any,
    *,
    patch: tuple[int, int, int] = PATCH,
    tta: Sequence[Any] = (),
    rng: RngLike = None,
    device: str = "cpu",
) -> np.ndarray:
    """Per-class probabilities on the scan's own grid: preprocess, sliding window (and TTA), invert.

    Parameters
    ----------
    net : UNet3d
    scan : Volume
        The scan as loaded (any orientation and spacing).
    preprocess : transform
        The deterministic preprocessing, e.g. ``capstone.inference_preprocessing(plan)``.
    patch : (3,) int
        The sliding window's patch (the training patch).
    tta : sequence of transforms
        Test-time augmentation: invertible transforms the network met in
        training (:func:`~tutorial_utils.predict_with_tta`); each copy is
        predicted patch by patch and brought back. Mirroring
        (``tu.flip_transforms()``) only helps a network trained with mirrored
        samples, as nnU-Net's is.
    rng : Generator, int or None
        For random TTA transforms.
    device : str
        Where the network runs.

    Returns
    -------
    (C, I, J, K) float32 ndarray
        Probabilities on ``scan``'s grid; ``argmax(axis=0)`` gives the labels.
    """
    prepared = preprocess(Volume(scan.image, scan.affine, scan.label, scan.history))
    predict = predictor(net, device=device)

    def windowed(batch: np.ndarray) -> np.ndarray:
        return np.stack([predict_sliding_window(image, predict, patch) for image in batch])

    if tta:
        probabilities, _ = predict_with_tta(prepared, windowed, list(tta), rng=rng)
    else:
        probabilities = windowed(prepared.image[np.newaxis])[0]
    return invert(probabilities, prepared.history, original=scan, reference=prepared)


def evaluate(net: UNet3d, scan: Volume, preprocess: Any, **options: Any) -> pd.DataFrame:
    """:func:`segmentation_metrics` of the network's prediction on ``scan`` (labels already ``capstone.to_classes``)."""
    labels = predict_scan(net, scan, preprocess, **options).argmax(axis=0).astype(np.uint8)
    return segmentation_metrics(labels, scan, classes=CLASSES)
