"""Inference topic: from a prediction back to the scan.

* :mod:`.inverse`: :func:`invert` maps a prediction made on the preprocessed
  grid back onto the original scan (one resampling for the whole history,
  exact copies where the steps are exact); :mod:`.steps` is its table of how
  each recorded step is undone.
* :mod:`.tta`: :func:`predict_with_tta`, test-time augmentation (flips, as
  nnU-Net mirrors) with a disagreement map.
* :mod:`.sliding_window`: :func:`predict_sliding_window`, patch-based
  inference with Gaussian importance weights.
* :mod:`.predictors`: :class:`IntensityModel`, a small deterministic stand-in
  for a trained network (it is not one) so the course runs offline.
* :mod:`.checks`: what every prediction must be at the door of these
  functions (finite per-class probabilities, at least two classes: logits and
  a single sigmoid channel are refused with the remedy).

The predictor convention: ``predict(batch)`` takes float32 ``(B, I, J, K)``
and returns ``(B, C, I, J, K)`` per-class probabilities.
"""

from .inverse import invert, transformed_grid
from .labels import dice_scores, one_hot
from .predictors import IntensityModel
from .sliding_window import gaussian_importance, patch_starts, predict_sliding_window
from .tta import flip_transforms, predict_with_tta
