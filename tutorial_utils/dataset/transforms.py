"""Volume layer of the dataset topic: the step a dataset plan adds to the course's transforms.

:func:`ct_normalize_volume` is nnU-Net's CT normalization with the clip
range, mean and standard deviation of the whole dataset; it follows the
transform contract of :mod:`tutorial_utils.records` (one record per call,
replayable). The plan's first step, the exact reorientation to RAS, is
:func:`tutorial_utils.reorient`.
"""

from __future__ import annotations

from ..records import volume_transform
from ..volume import Volume
from .ops import ct_normalize


@volume_transform("ct_normalize")
def ct_normalize_volume(
    volume: Volume, *, low: float = -1024.0, high: float = 3071.0, mean: float = 0.0, std: float = 1.0
) -> Volume:
    """Clip a CT ``Volume`` to ``[low, high]`` HU and standardize it with the dataset's ``mean`` and ``std``.

    The values come from a dataset fingerprint (``fingerprint.plan()`` fills
    them in); the defaults only clip to the range a 12-bit CT can store.
    Label and affine are kept. See :func:`~tutorial_utils.dataset.ops.ct_normalize`.

    Examples
    --------
    >>> import numpy as np
    >>> ct = Volume(np.full((2, 2, 2), 140.0), np.eye(4))
    >>> float(ct_normalize_volume(ct, low=-100, high=100, mean=0, std=50).image.max())
    2.0
    """
    return volume.replace(image=ct_normalize(volume.image, low=low, high=high, mean=mean, std=std))
