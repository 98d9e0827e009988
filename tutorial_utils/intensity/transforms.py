"""Window, clip and normalize a :class:`~tutorial_utils.volume.Volume`'s image.

Each function applies the array function of the same name to ``volume.image``
and keeps the label and the affine (no voxel moves). Each is a recorded step
(``"window"``, ``"percentile_clip"``, ``"normalize"``), checked again on
replay. A mask is named rather than passed as an array, so the step can be
recorded: ``"nonzero"``, ``"label"`` (where ``volume.label > 0``) or None.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .._checks import describe
from ..records import volume_transform
from ..volume import Volume
from .normalize_ops import NormalizeMethod, OutsideMask, normalize_intensity
from .ops import percentile_clip, window

VolumeMask = Literal["nonzero", "label"] | None
"""Masks a ``Volume`` function takes: names, so the step can be recorded and replayed."""


def _volume_mask(volume: Volume, mask: Any) -> np.ndarray | str | None:
    """The array function's ``mask`` for a named Volume mask."""
    if mask is None or (isinstance(mask, str) and mask == "nonzero"):
        return mask
    if isinstance(mask, str) and mask == "label":
        if volume.label is None:
            raise ValueError('mask="label" needs a volume with a label map; this volume has none')
        return volume.label > 0
    raise ValueError(
        f'mask must be "nonzero", "label" or None for a Volume; got {describe(mask)}. For a mask '
        f"array, call the array function on volume.image and volume.replace(image=...)"
    )


@volume_transform("window")
def window_volume(volume: Volume, level: float, width: float) -> Volume:
    """:func:`~tutorial_utils.intensity.ops.window` a CT ``Volume``'s image; label and affine are kept.

    Parameters
    ----------
    volume : Volume
        CT in Hounsfield units.
    level, width : float
        Window centre and width in HU, e.g. ``*CT_WINDOWS["brain"]``.

    Returns
    -------
    Volume
        Image in [0, 1]; ``history`` gains a ``"window"`` record.

    Examples
    --------
    >>> from tutorial_utils import CT_WINDOWS, make_ct_phantom
    >>> ct = make_ct_phantom(shape=(32, 32, 16))
    >>> brain = window_volume(ct, *CT_WINDOWS["brain"])
    >>> float(brain.image.min()), float(brain.image.max()), brain.label is ct.label
    (0.0, 1.0, True)
    >>> brain.history[-1]
    TransformRecord(name='window', params={'level': 40, 'width': 80})
    """
    return volume.replace(image=window(volume.image, level, width))


@volume_transform("normalize")
def normalize_volume(
    volume: Volume,
    *,
    method: NormalizeMethod = "zscore",
    mask: VolumeMask = "nonzero",
    outside: OutsideMask = "zero",
    out_range: tuple[float, float] = (0.0, 1.0),
) -> Volume:
    """:func:`~tutorial_utils.intensity.normalize_ops.normalize_intensity` a ``Volume``'s image.

    Parameters
    ----------
    volume : Volume
    method, outside, out_range
        As in :func:`~tutorial_utils.intensity.normalize_ops.normalize_intensity`.
    mask : "nonzero", "label" or None
        As in ``normalize_intensity``, plus ``"label"``: the statistics come
        from the voxels where ``volume.label > 0`` (e.g. the brain). For a
        mask array, use ``normalize_intensity`` on ``volume.image``.

    Returns
    -------
    Volume
        Label and affine kept; ``history`` gains a ``"normalize"`` record.

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> epi = load_sample("epi")
    >>> z = normalize_volume(epi)
    >>> round(float(z.image[epi.image != 0].std()), 3), np.array_equal(z.affine, epi.affine)
    (1.0, True)
    """
    image = normalize_intensity(
        volume.image, method=method, mask=_volume_mask(volume, mask), outside=outside, out_range=out_range
    )
    return volume.replace(image=image)


@volume_transform("percentile_clip")
def percentile_clip_volume(
    volume: Volume, lower: float = 0.5, upper: float = 99.5, *, mask: VolumeMask = None
) -> Volume:
    """:func:`~tutorial_utils.intensity.ops.percentile_clip` a ``Volume``'s image; label and affine are kept.

    Parameters
    ----------
    volume : Volume
    lower, upper : float
        Percentiles in [0, 100], as in ``percentile_clip``.
    mask : "nonzero", "label" or None
        Where the percentiles are computed and the clip applied
        (``"label"``: where ``volume.label > 0``; None: every voxel).

    Returns
    -------
    Volume
        ``history`` gains a ``"percentile_clip"`` record.

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> epi = load_sample("epi")
    >>> float(percentile_clip_volume(epi, 1, 99).image.max()) < float(epi.image.max())
    True
    """
    return volume.replace(image=percentile_clip(volume.image, lower, upper, mask=_volume_mask(volume, mask)))


__all__ = ["normalize_volume", "percentile_clip_volume", "window_volume"]
