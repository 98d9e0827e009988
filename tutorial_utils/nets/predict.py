"""A trained network as the course's predictor: ``predict(batch)`` -> softmax probabilities."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .._checks import describe
from .unet import UNet3d


def predictor(net: UNet3d, *, device: str | torch.device = "cpu") -> Callable[[np.ndarray], np.ndarray]:
    """Wrap ``net`` as ``predict(batch)``: float32 ``(B, I, J, K)`` in, ``(B, C, I, J, K)`` probabilities out.

    The network runs in evaluation mode under ``torch.no_grad()`` on
    ``device``; a side that is not a multiple of ``net.divisor`` is padded
    with the batch's minimum (the background after normalization) and the
    padding is cut off again, so whole volumes of any shape work (for
    :func:`~tutorial_utils.predict_with_tta`). The softmax makes the output
    probabilities: finite, non-negative, summing to 1 per voxel, as
    :func:`~tutorial_utils.invert` expects.

    Examples
    --------
    >>> predict = predictor(UNet3d(n_classes=3, features=(4, 8)))
    >>> probabilities = predict(np.zeros((1, 6, 8, 5), np.float32))
    >>> probabilities.shape, bool(np.allclose(probabilities.sum(axis=1), 1, atol=1e-5))
    ((1, 3, 6, 8, 5), True)
    """
    if not isinstance(net, UNet3d):
        raise TypeError(f"net must be a tutorial_utils.nets.UNet3d; got {describe(net)}")
    device = torch.device(device)

    def predict(batch: np.ndarray) -> np.ndarray:
        batch = np.asarray(batch, dtype=np.float32)
        if batch.ndim != 4:
            raise ValueError(f"batch must be (B, I, J, K); got shape {batch.shape}")
        pad = [(0, 0)] + [(0, -n % net.divisor) for n in batch.shape[1:]]
        padded = np.pad(batch, pad, constant_values=float(batch.min())) if any(p for _, p in pad) else batch
        net.eval()
        with torch.no_grad():
            logits = net(torch.from_numpy(np.ascontiguousarray(padded))[:, None].to(device))
            probabilities = torch.softmax(logits, dim=1).cpu().numpy()
        i, j, k = batch.shape[1:]
        return np.ascontiguousarray(probabilities[:, :, :i, :j, :k])

    return predict
