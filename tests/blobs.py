"""Small synthetic volumes the exercise tests share (imported by test modules: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import numpy as np

from tutorial_utils import Volume


def blob_volume(shape=(20, 18, 16), spacing=(1.0, 1.0, 1.0), seed=0) -> Volume:
    """A volume with an ellipsoid of labels 3 (core), 2, 1 in the middle, noise, and an off-centre world origin."""
    rng = np.random.default_rng(seed)
    affine = np.diag([*spacing, 1.0])
    affine[:3, 3] = [-7.0, -6.0, -5.0]
    i, j, k = np.indices(shape)
    centre = (np.array(shape) - 1) / 2
    radius = np.sqrt(((i - centre[0]) / 6) ** 2 + ((j - centre[1]) / 5) ** 2 + ((k - centre[2]) / 4) ** 2)
    label = np.select([radius < 0.5, radius < 0.8, radius < 1.0], [3, 2, 1], 0).astype(np.uint8)
    image = (label * 60 + rng.normal(0, 5, shape)).astype(np.float32)
    return Volume(image, affine, label)
