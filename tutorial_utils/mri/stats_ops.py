"""What an artifact does to the numbers a segmentation network sees.

A network trained on z-scored MRI learns, among much else, where each
tissue's intensities lie and how far apart two tissues are compared with
their spread. :func:`tissue_statistics` measures exactly that, so a notebook
can put each artifact's effect in one table: tissue means and spreads after
z-scoring inside the brain, the contrast-to-noise ratio between two tissues,
and what happened to the background.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import as_float32_image, check_label_array, describe


def tissue_statistics(image: Any, label: Any, classes: Mapping[str, int]) -> dict[str, float]:
    """Tissue statistics after z-scoring ``image`` inside the labelled voxels (``label > 0``).

    Parameters
    ----------
    image : (I, J, K) array_like
    label : (I, J, K) integer array_like
        0 is background.
    classes : mapping of str to int
        Tissue names and their label values, e.g. ``{"grey": 2, "white": 3}``.

    Returns
    -------
    dict of str to float
        ``"<name> mean"`` and ``"<name> std"`` (z units) for each class; with
        exactly two classes, ``"contrast-to-noise"``: the difference of their
        means over their pooled std (how separable they are by intensity);
        ``"background mean"`` (z units) and ``"background > 0"``: the fraction
        of background voxels above 0 in ``image`` (a ``mask="nonzero"``
        z-score takes all of those for tissue).

    Examples
    --------
    >>> label = np.zeros((4, 4, 4), np.uint8); label[:2] = 1; label[2:, :2] = 2
    >>> image = label * 10.0 + np.tile([0.0, 1.0], 32).reshape(4, 4, 4)
    >>> stats = tissue_statistics(image, label, {"a": 1, "b": 2})
    >>> round(stats["contrast-to-noise"], 1), stats["background > 0"]
    (20.0, 0.5)
    """
    arr = as_float32_image(image, "image")
    labels = check_label_array(label, "label")
    if labels.shape != arr.shape:
        raise ValueError(f"label must have the image's shape {arr.shape}; got {labels.shape}")
    if not isinstance(classes, Mapping) or not classes:
        raise TypeError(f"classes must be a non-empty dict of name -> label value; got {describe(classes)}")
    inside = labels > 0
    if not inside.any():
        raise ValueError("label has no voxel > 0: nothing to z-score inside")
    values = arr[inside].astype(np.float64)
    mean, std = values.mean(), values.std()
    scale = 1.0 / std if std > 0 else 1.0
    stats: dict[str, float] = {}
    spreads = []
    for name, value in classes.items():
        tissue = (arr[labels == value].astype(np.float64) - mean) * scale
        if tissue.size == 0:
            raise ValueError(f"classes[{name!r}] = {value} labels no voxel")
        stats[f"{name} mean"] = float(tissue.mean())
        stats[f"{name} std"] = float(tissue.std())
        spreads.append((stats[f"{name} mean"], stats[f"{name} std"]))
    if len(spreads) == 2:
        (m1, s1), (m2, s2) = spreads
        pooled = np.sqrt((s1**2 + s2**2) / 2)
        stats["contrast-to-noise"] = float(abs(m1 - m2) / pooled) if pooled > 0 else float("inf")
    background = arr[~inside]
    if background.size:
        stats["background mean"] = float((background.astype(np.float64).mean() - mean) * scale)
        stats["background > 0"] = float(np.count_nonzero(background > 0) / background.size)
    return stats


__all__ = ["tissue_statistics"]
