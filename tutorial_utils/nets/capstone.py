"""The capstone's three settings, as pipelines, and the evaluation of a network on a scan's own grid.

What is compared (``tools/capstone.py`` runs it, notebook 12 explains it):

* ``"a"`` **raw arrays resized**: each scan's array as stored, resized to
  one shape (:func:`~tutorial_utils.resize_volume`) and z-scored per scan, as
  blog code does; orientation and voxel size are ignored.
* ``"b"`` **the plan**: the dataset plan's preprocessing (reorient to RAS,
  resample to the target spacing, CT normalization with the dataset's HU
  statistics, crop or pad).
* ``"c"`` **plan + augmentation**: (b), then the course's augmentation on
  every sample: one random affine (rotation, scaling), noise, an intensity
  scale and shift, a gamma change. Not a left-right flip: after reorienting,
  the liver is on the patient's right in every scan, and a mirrored patient
  is one that no RAS scan shows.

Every setting trains on random patches (a third of them centred on
foreground, nnU-Net's oversampling share). The network predicts whole scans
patch by patch (:func:`~tutorial_utils.predict_sliding_window`); the
prediction goes back to the scan's own grid with :func:`~tutorial_utils.invert`
and is scored there (:func:`~tutorial_utils.segmentation_metrics`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from ..crop import center_crop_volume, random_crop
from ..evaluation import segmentation_metrics
from ..inference import invert, predict_sliding_window, predict_with_tta
from ..intensity import normalize_volume, random_gamma, random_intensity_scale_shift, random_noise
from ..pipeline import Compose, RandomApply
from ..spatial import random_affine, resize_volume
from ..volume import Volume
from .predict import predictor
from .unet import UNet3d

if TYPE_CHECKING:
    import pandas as pd

    from ..dataset import PreprocessingPlan

#: The segmented classes and their names (0 is the background).
CLASSES = {1: "lung", 2: "liver"}
#: Phantom tissue label -> class (``tu.CT_PHANTOM_LABELS``: 3 lung, 4 liver; every other tissue is background).
TISSUE_TO_CLASS = {3: 1, 4: 2}
SETTINGS = {
    "a": "raw arrays resized to one shape",
    "b": "plan: reorient, resample, CT normalization",
    "c": "plan + augmentation",
}
#: Training patch (voxels); every side a multiple of 4 for a 3-stage U-Net.
PATCH = (64, 64, 32)
#: nnU-Net's foreground oversampling share.
FOREGROUND_P = 0.33


def to_classes(volume: Volume) -> Volume:
    """The volume with its tissue labels turned into the capstone's classes (lung 1, liver 2, else 0)."""
    table = np.zeros(256, np.uint8)
    for tissue, value in TISSUE_TO_CLASS.items():
        table[tissue] = value
    if volume.label is None:
        raise ValueError("volume must carry a label map")
    return volume.replace(label=table[volume.label])


def naive_preprocessing(shape: tuple[int, int, int]) -> Compose:
    """Setting (a): resize the stored array to ``shape`` and z-score it over all voxels; no reorientation."""
    return Compose([partial(resize_volume, shape=shape), partial(normalize_volume, method="zscore", mask=None)])


def inference_preprocessing(plan: PreprocessingPlan) -> Compose:
    """The plan's pipeline without its crop-or-pad: the sliding window covers the whole resampled scan."""
    steps = plan.pipeline().transforms
    return Compose([step for step in steps if getattr(step, "func", step).__name__ != "crop_or_pad_volume"])


def patch_sampler(patch: tuple[int, int, int] = PATCH) -> Compose:
    """Settings (a) and (b): a random patch, a third of them centred on foreground."""
    return Compose([partial(random_crop, size=patch, foreground_p=FOREGROUND_P)])


def augmentation(patch: tuple[int, int, int] = PATCH) -> Compose:
    """Setting (c): a larger patch, one affine resampling, the centre patch, then intensity changes.

    The affine acts on a patch 1.25 times larger, then the centre is kept, so
    rotated corners never show padding (as nnU-Net does with its larger
    initial patch). Intensities are in the plan's normalized units (1 unit is
    the dataset's foreground standard deviation, about 340 HU here).
    """
    larger = tuple(int(round(n * 1.25)) for n in patch)
    return Compose(
        [
            partial(random_crop, size=larger, foreground_p=FOREGROUND_P),
            partial(random_affine, degrees=15.0, scale_range=(0.85, 1.15), translation_range=0.0),
            partial(center_crop_volume, size=patch),
            partial(random_intensity_scale_shift, scale_range=(0.9, 1.1), shift_range=(-0.1, 0.1)),
            RandomApply(partial(random_noise, std_range=(0.0, 0.15)), p=0.5),
            RandomApply(random_gamma, p=0.3),
        ]
    )


def predict_scan(
    net: UNet3d,
    scan: Volume,
    preprocess: Any,
    *,
    patch: tuple[int, int, int] = PATCH,
    tta: bool = False,
    device: str = "cpu",
) -> np.ndarray:
    """Per-class probabilities on the scan's own grid: preprocess, sliding window (and mirroring TTA), invert.

    Returns
    -------
    (C, I, J, K) float32 ndarray
        Probabilities on ``scan``'s grid; ``argmax(axis=0)`` gives the labels.
    """
    prepared = preprocess(Volume(scan.image, scan.affine, scan.label, scan.history))
    predict = predictor(net, device=device)
    if tta:

        def windowed(batch: np.ndarray) -> np.ndarray:
            return np.stack([predict_sliding_window(image, predict, patch) for image in batch])

        probabilities, _ = predict_with_tta(prepared, windowed)
    else:
        probabilities = predict_sliding_window(prepared, predict, patch)
    return invert(probabilities, prepared.history, original=scan, reference=prepared)


def evaluate(net: UNet3d, scan: Volume, preprocess: Any, **options: Any) -> pd.DataFrame:
    """:func:`segmentation_metrics` of the network's prediction on ``scan`` (labels already :func:`to_classes`)."""
    labels = predict_scan(net, scan, preprocess, **options).argmax(axis=0).astype(np.uint8)
    return segmentation_metrics(labels, scan, classes=CLASSES)
