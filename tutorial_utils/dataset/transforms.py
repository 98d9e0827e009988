"""Volume layer of the dataset topic: the two steps a dataset plan adds to the course's transforms.

* :func:`to_ras_volume`: the exact reorientation every plan starts with, so
  that spacings, shapes and crops mean the same axes for every scan.
* :func:`ct_normalize_volume`: nnU-Net's CT normalization with the clip
  range, mean and standard deviation of the whole dataset.

Both follow the transform contract of :mod:`tutorial_utils.records`: one
record per call, replayable.
"""

from __future__ import annotations

from ..records import volume_transform
from ..volume import Volume
from .ops import ct_normalize, reorient_arrays


@volume_transform("to_ras")
def to_ras_volume(volume: Volume) -> Volume:
    """Reorient a ``Volume`` to RAS exactly (axis permutation and flips, no interpolation).

    Image and label move together; the affine is updated so every voxel keeps
    its world position. A volume already in RAS comes back unchanged (but
    with the step recorded). Agrees with ``nibabel.as_closest_canonical``.

    Examples
    --------
    >>> import numpy as np
    >>> las = Volume(np.arange(8.0).reshape(2, 2, 2), np.diag([-1.0, 1.0, 1.0, 1.0]))
    >>> ras = to_ras_volume(las)
    >>> ras.axcodes, float(ras.image[0, 0, 0]), ras.history[-1].name
    (('R', 'A', 'S'), 4.0, 'to_ras')
    """
    (image, label), affine = reorient_arrays([volume.image, volume.label], volume.affine, "RAS")
    return Volume(image, affine, label, volume.history)


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
