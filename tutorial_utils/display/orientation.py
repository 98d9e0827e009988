"""Orientation letters and display conventions: which anatomical direction each panel edge shows.

Pure functions of the affine (no drawing). As stored, a panel's right edge
is where its horizontal array axis grows and its top where the vertical one
grows (see :mod:`~tutorial_utils.display.slicing`); the letters say which
anatomical direction that is. A display convention (:data:`CONVENTIONS`)
mirrors a panel, never resamples it (:func:`display_flips`):

* None (the default everywhere): the array as stored, which is what the
  letters teach to read (the same scan stored LPS or RAS looks mirrored);
* ``"radiological"``: the patient's right on the screen's left, as CT and
  most clinical images are read (the viewer faces the patient's feet);
* ``"neurological"``: the patient's right on the screen's right.

Both conventions put anterior up in axial panels, superior up in coronal and
sagittal ones and anterior on the left of sagittal ones (the patient faces
the screen's left).
"""

from __future__ import annotations

from typing import Any

import nibabel as nib
import numpy as np

from .slicing import plane_axes

_OPPOSITE = {"R": "L", "L": "R", "A": "P", "P": "A", "S": "I", "I": "S"}

#: Display conventions: mirror panels so the patient's right is on the screen's left
#: (radiological) or right (neurological); None shows the array as stored.
CONVENTIONS: tuple[str, str] = ("radiological", "neurological")
# Letter wanted at the left edge / the top edge, per convention and anatomical axis of the panel.
_LEFT = {
    "radiological": {"R": "R", "A": "A"},
    "neurological": {"R": "L", "A": "A"},
}
_TOP = {"S": "S", "A": "A"}
_AXIS_OF = {"R": "R", "L": "R", "A": "A", "P": "A", "S": "S", "I": "S"}


def check_convention(convention: Any, affine: np.ndarray | None) -> str | None:
    """Return ``convention`` (one of :data:`CONVENTIONS` or None), or raise naming it.

    A convention needs the orientation, so a bare array without an affine
    cannot be shown in one.

    Examples
    --------
    >>> check_convention("radiological", np.eye(4)), check_convention(None, None)
    ('radiological', None)
    """
    if convention is not None and convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {(*CONVENTIONS, None)}; got {convention!r}")
    if convention is not None and affine is None:
        raise ValueError(
            f"convention={convention!r} needs the orientation: pass a Volume or affine=, "
            "or convention=None to show the array as stored"
        )
    return convention


def display_flips(affine: np.ndarray | None, axis: int, convention: str | None = None) -> tuple[bool, bool]:
    """Whether the panel of plane ``axis`` is mirrored left-right and up-down for ``convention``.

    A mirror is exact (the same voxels, in reverse order), so the displayed
    slice is never resampled. With ``convention=None`` (as stored) nothing
    is mirrored. Otherwise, where the panel's horizontal array axis runs
    right-left, the patient's right goes to the screen's left
    (``"radiological"``) or right (``"neurological"``); where it runs
    anterior-posterior, anterior goes left (a sagittal view, the patient
    facing left). Where the vertical axis runs superior-inferior or
    anterior-posterior, superior or anterior goes up. Other pairings (an
    oblique or unusual stored order, e.g. right-left running up the panel)
    are left as stored: reorient such a volume first (:func:`tutorial_utils.reorient`).

    Returns
    -------
    (flip_h, flip_v) : (bool, bool)

    Examples
    --------
    >>> ras, lps = np.eye(4), np.diag([-1.0, -1.0, 1.0, 1.0])
    >>> display_flips(ras, 2, "radiological"), display_flips(lps, 2, "radiological")
    ((True, False), (False, True))
    """
    if convention is None or affine is None:
        return False, False
    codes = nib.aff2axcodes(affine)
    h, v = plane_axes(axis)
    want_left = _LEFT[convention].get(_AXIS_OF[codes[h]])
    want_top = _TOP.get(_AXIS_OF[codes[v]])
    flip_h = want_left is not None and _OPPOSITE[codes[h]] != want_left  # stored: codes[h] on the right
    flip_v = want_top is not None and codes[v] != want_top  # stored: codes[v] at the top
    return flip_h, flip_v


def orientation_labels(affine: np.ndarray | None, axis: int, convention: str | None = None) -> dict[str, str]:
    """Anatomical direction at each edge of the panel of plane ``axis``.

    As stored, the right edge is where the horizontal array axis grows, so
    it gets that axis' code from :func:`nibabel.aff2axcodes`; the left edge
    gets the opposite letter; likewise top and bottom. A ``convention``
    mirrors the panel (:func:`display_flips`) and its letters with it. For
    an oblique affine the letters name the closest direction. Without an
    affine (a bare array) the orientation is unknown and the dict is empty.

    Returns
    -------
    dict
        Keys ``"left"``, ``"right"``, ``"bottom"``, ``"top"``, values in
        ``R L A P S I``.

    Examples
    --------
    >>> import numpy as np
    >>> las = np.diag([-2.0, 2.0, 2.2, 1.0])
    >>> orientation_labels(las, 2)  # axial panel of an LAS volume: patient's left on the right
    {'left': 'R', 'right': 'L', 'bottom': 'P', 'top': 'A'}
    >>> orientation_labels(las, 2, "neurological")  # mirrored: patient's left on the left
    {'left': 'L', 'right': 'R', 'bottom': 'P', 'top': 'A'}
    """
    if affine is None:
        return {}
    codes = nib.aff2axcodes(affine)
    h, v = plane_axes(axis)
    left, right, bottom, top = _OPPOSITE[codes[h]], codes[h], _OPPOSITE[codes[v]], codes[v]
    flip_h, flip_v = display_flips(affine, axis, convention)
    if flip_h:
        left, right = right, left
    if flip_v:
        bottom, top = top, bottom
    return {"left": left, "right": right, "bottom": bottom, "top": top}
