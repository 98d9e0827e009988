"""Scans from "another hospital": a held-out test set that differs from the training data as sites differ.

:func:`~tutorial_utils.make_sample_dataset` plays the training hospital. A
model is only useful if it also works on scans it was not tuned to, and the
usual reason it does not is the scanner and the protocol, not the anatomy.
:func:`make_heldout_scan` draws the same synthetic anatomy
(:func:`~tutorial_utils.make_ct_phantom`) as another site would store and
acquire it; every difference is one that real CT sites show:

* **orientation**: ``LPI``, ``RAI`` and ``RPS`` in turn, none of them among the
  training data's ``LPS``/``RAS``/``LAS`` (slices stored feet first, or axes
  written by another converter);
* **thick slices**: 3 or 5 mm, acquired as thin slices averaged into thick
  ones (partial volume: small structures blur along the slice axis), with
  coarser pixels (0.85-1.0 mm against 0.6-1.0 mm);
* **intensity**: a calibration offset of up to +-30 HU and more noise (25-45 HU
  standard deviation against 8-25 HU: a low-dose protocol).

What it does not add: notebook 11's MRI artifacts (ghosting, spikes, Gibbs
ringing, Rician noise, the bias field, motion as k-space phase) come from
MRI's k-space acquisition and receive coils; CT has its own artifacts
(streaks from metal, beam hardening, motion streaks) that look different and
that the phantom cannot produce, so adding MRI's would test nothing real.
Its thick slices are stored on the thick grid, as a scanner writes them,
unlike ``tu.thick_slices`` (notebook 11), which blurs on the same grid for
training-time augmentation. Like the training phantoms the scans are
**synthetic**, not anatomy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import check_non_negative_int, describe
from .intensity.augment_ops import add_noise
from .phantom import make_ct_phantom
from .seeding import sample_rng
from .spatial import reorient, resample_to_spacing
from .volume import Volume

#: Orientation of held-out scan ``i``: ``HELDOUT_ORIENTATIONS[i % 3]``.
HELDOUT_ORIENTATIONS = ("LPI", "RAI", "RPS")
#: Slice spacings (mm) and their probabilities.
HELDOUT_SLICE_SPACINGS = (3.0, 5.0)
_SLICE_P = (0.4, 0.6)
#: Thin slices averaged into one thick slice.
THIN_PER_THICK = 5
#: The stream key that keeps held-out draws apart from the training dataset's (``sample_rng(seed, index)``).
_STREAM = 7_000


def heldout_parameters(seed: int, index: int, scale: float = 0.25) -> dict[str, Any]:
    """What held-out scan ``index`` will look like (drawn from its own random stream).

    Examples
    --------
    >>> p = heldout_parameters(0, 1)
    >>> p["orientation"], p["spacing"][2] in (3.0, 5.0), -30 <= p["hu_offset"] <= 30
    ('RAI', True, True)
    """
    seed = check_non_negative_int(seed, "seed")
    index = check_non_negative_int(index, "index")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 1:
        raise ValueError(f"scale must be a number in (0, 1]; got {describe(scale)}")
    rng = sample_rng(seed, index, epoch=_STREAM)
    pixel = round(float(rng.uniform(0.85, 1.0)), 4)
    slice_spacing = float(rng.choice(HELDOUT_SLICE_SPACINGS, p=_SLICE_P))
    coverage = float(rng.uniform(120.0, 260.0))
    return {
        "shape": (
            max(16, round(512 * scale)),
            max(16, round(512 * scale)),
            max(16, round(coverage / slice_spacing * scale)),
        ),
        "spacing": (pixel, pixel, slice_spacing),
        "orientation": HELDOUT_ORIENTATIONS[index % len(HELDOUT_ORIENTATIONS)],
        "table_offset_mm": tuple(round(float(v), 1) for v in rng.uniform(-40.0, 40.0, size=3)),
        "noise_std": round(float(rng.uniform(25.0, 45.0)), 1),
        "hu_offset": round(float(rng.uniform(-30.0, 30.0)), 1),
        "noise_seed": int(rng.integers(2**31)),
    }


def make_heldout_scan(index: int, *, seed: int = 0, scale: float = 0.25) -> Volume:
    """Held-out scan ``index`` of "another hospital": a CT phantom in HU with its labels, as that site stores it.

    Parameters
    ----------
    index : int
        Which scan; the same ``(seed, index)`` always gives the same scan.
    seed : int
        Seed of the held-out set (independent of ``make_sample_dataset``'s streams for the same seed).
    scale : float in (0, 1]
        Fraction of a 512 x 512 matrix, as in ``make_sample_dataset`` (0.25: 128 x 128).

    Returns
    -------
    Volume
        float32 HU rounded to whole numbers (as stored in int16), uint8
        labels (:data:`~tutorial_utils.CT_PHANTOM_LABELS`), the site's
        orientation, an empty history (as loaded from disk).

    Examples
    --------
    >>> scan = make_heldout_scan(0, scale=0.05)
    >>> scan.axcodes, scan.spacing[2] in (3.0, 5.0)
    (('L', 'P', 'I'), True)
    """
    p = heldout_parameters(seed, index, scale)
    thin = p["spacing"][2] / THIN_PER_THICK
    fine = make_ct_phantom(
        shape=(*p["shape"][:2], p["shape"][2] * THIN_PER_THICK),
        spacing=(*p["spacing"][:2], thin),
        noise_std=0.0,
        rng=p["noise_seed"],
    )
    thick = resample_to_spacing(fine, p["spacing"])  # antialiased: thin slices averaged into thick ones
    image = add_noise(thick.image, p["noise_std"], rng=p["noise_seed"] + 1) + np.float32(p["hu_offset"])
    affine = thick.affine.copy()
    affine[:3, 3] += p["table_offset_mm"]
    stored = Volume(np.rint(image), affine, thick.label)
    oriented = reorient(stored, axcodes=p["orientation"])
    return Volume(oriented.image, oriented.affine, oriented.label)
