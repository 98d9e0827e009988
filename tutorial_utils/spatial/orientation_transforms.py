"""``reorient``: bring a ``Volume`` to one orientation code (RAS by default), exactly.

The first step before batching scans from different sources: a LAS scan and
a RAS scan of the same head hold mirrored arrays, and a network trained on
both learns left and right as noise. Reorienting only permutes and flips
the array axes (no interpolation, no new values), image and label together,
and updates the affine so every voxel keeps its world position.
"""

from __future__ import annotations

from ..records import volume_transform
from ..volume import Volume
from .orientation_ops import check_axcodes, orientation_change, reorient_array, reoriented_affine

__all__ = ["reorient"]


@volume_transform("reorient")
def reorient(volume: Volume, axcodes: str = "RAS") -> tuple[Volume, dict[str, str]]:
    """Permute and flip the axes of ``volume`` so they point along ``axcodes``; exact, recorded.

    Each array axis goes to the world axis it is closest to, as in
    ``nibabel.as_closest_canonical`` (with which ``axcodes="RAS"`` agrees
    exactly, array and affine). An oblique scan stays oblique: its axes are
    only renamed and flipped, never rotated, so ``volume.axcodes`` becomes
    ``axcodes`` but the affine is not diagonal. Rotating onto a world-aligned
    grid needs resampling (interpolation); that is a different step.

    Parameters
    ----------
    volume : Volume
        Any orientation.
    axcodes : str
        Target code, e.g. ``"RAS"`` (NIfTI, this package), ``"LPS"`` (DICOM,
        ITK), ``"LAS"``; any 3 letters naming each world axis once.

    Returns
    -------
    Volume
        New arrays (C-contiguous copies; the input is never modified), the
        same dtypes, label values unchanged. The record's ``measured`` holds
        ``original_axcodes``: reorient a prediction back to it with
        ``reorient(prediction, axcodes=...)`` before saving it next to the
        original file.

    Raises
    ------
    TypeError, ValueError
        ``axcodes`` is not a 3-letter code naming L/R, A/P and S/I once each.

    Examples
    --------
    >>> import numpy as np
    >>> las = Volume(np.arange(24.0).reshape(2, 3, 4), np.diag([-2.0, 2.0, 2.0, 1.0]))
    >>> ras = reorient(las)
    >>> ras.axcodes, ras.history[-1].measured
    (('R', 'A', 'S'), {'original_axcodes': 'LAS'})
    >>> bool(np.allclose(ras.affine @ [0, 0, 0, 1], las.affine @ [1, 0, 0, 1]))  # same world point
    True
    """
    code = check_axcodes(axcodes)
    ornt = orientation_change(volume.affine, code)
    label = None if volume.label is None else reorient_array(volume.label, ornt)
    out = volume.replace(
        image=reorient_array(volume.image, ornt),
        label=label,
        affine=reoriented_affine(volume.affine, ornt, volume.shape),
    )
    return out, {"original_axcodes": "".join(volume.axcodes)}
