"""Elastic deformation of a :class:`~tutorial_utils.volume.Volume`: image and label, one field.

* :func:`elastic_volume` is the deterministic step ``"elastic"``: the field
  is fixed by its ``seed``, so the record ``{"seed": ..., "num_control_points":
  ..., "max_displacement": ...}`` replays exactly, and the same deformation
  can be applied to a second volume on the same grid (another modality).
* :func:`random_elastic` is the augmentation: it draws a seed from ``rng``
  and calls :func:`elastic_volume`.

The record's ``measured`` dict says how strong the drawn field was:
``field_mean_mm`` and ``field_max_mm`` (mean and largest displacement),
``field_min_jacobian`` and ``field_folding_fraction`` (see
:func:`~tutorial_utils.elastic.stats.displacement_stats`). They are for the
reader: replay recomputes them.
"""

from __future__ import annotations

from typing import Any

from .._checks import RngLike, as_rng, check_non_negative_int
from ..records import random_transform, volume_transform
from ..volume import Volume
from .field import check_nonnegative, check_num_control_points
from .ops import elastic_image_and_label


def _rounded(value: float) -> float:
    """Four significant digits: readable in a history, and a tiny folding fraction stays > 0."""
    return float(f"{value:.4g}")


@volume_transform("elastic")
def elastic_volume(
    volume: Volume, *, seed: int, num_control_points: int = 7, max_displacement: float = 8.0
) -> tuple[Volume, dict[str, Any]]:
    """Deform a volume with the smooth field of ``seed``: image and label moved together.

    The field comes from random vectors on ``num_control_points`` control
    points per axis (border locked, so the faces stay put and nothing is
    pulled in from outside), interpolated by a cubic B-spline; see
    :func:`~tutorial_utils.elastic.field.random_displacement_field`. The
    image is interpolated linearly, the label with nearest neighbour (no new
    label values), the affine is kept. For an augmentation use
    :func:`random_elastic`, which draws the seed.

    Parameters
    ----------
    volume : Volume
        Not modified.
    seed : int
        Seed of the field (>= 0): the same seed, shape and spacing give the
        same field.
    num_control_points : int, default 7
        Control points per axis, border included (>= 4). More points give
        more local wiggles and fold sooner.
    max_displacement : float, default 8.0
        Bound on the displacement length in mm (finite, >= 0). With 7
        control points the mean displacement is about a sixth of it.

    Returns
    -------
    Volume
        Same affine and dtypes; voxels outside the grid (reached only where
        the field folds) take the image's minimum and label 0. The record
        ``"elastic"`` holds the parameters, and in ``measured`` the field's
        ``field_mean_mm``, ``field_max_mm``, ``field_min_jacobian`` and
        ``field_folding_fraction`` (four significant digits).

    Raises
    ------
    TypeError, ValueError
        A seed that is not an int >= 0, fewer than 4 control points, or a
        negative or infinite ``max_displacement``; also on replay of a
        tampered record.

    Warns
    -----
    FoldingWarning
        When the field folds (too large ``max_displacement`` for the
        control-point spacing).

    Examples
    --------
    >>> import numpy as np
    >>> cube = Volume(np.zeros((24, 24, 24)), np.diag([2.0, 2.0, 2.0, 1.0]))
    >>> out = elastic_volume(cube, seed=3, max_displacement=4.0)
    >>> out.history[-1].params
    {'seed': 3, 'num_control_points': 7, 'max_displacement': 4.0}
    >>> 0 < out.history[-1].measured["field_max_mm"] <= 4.0
    True
    """
    seed = check_non_negative_int(seed, "seed")
    num_control_points = check_num_control_points(num_control_points)
    max_displacement = check_nonnegative(max_displacement, "max_displacement")
    image, label, stats = elastic_image_and_label(
        volume.image,
        volume.label,
        seed=seed,
        num_control_points=num_control_points,
        max_displacement=max_displacement,
        spacing=volume.spacing,
    )
    measured = {
        "field_mean_mm": _rounded(stats["mean_displacement_mm"]),
        "field_max_mm": _rounded(stats["max_displacement_mm"]),
        "field_min_jacobian": _rounded(stats["min_jacobian"]),
        "field_folding_fraction": _rounded(stats["folding_fraction"]),
    }
    return volume.replace(image=image, label=label), measured


@random_transform
def random_elastic(
    volume: Volume,
    *,
    num_control_points: int = 7,
    max_displacement: float = 8.0,
    rng: RngLike = None,
) -> Volume:
    """Random elastic deformation of a volume: image and label moved by the same smooth field.

    Draws a seed from ``rng`` and calls :func:`elastic_volume`; its record
    (``"elastic"``) holds the seed and the settings, and in ``measured`` how
    far the field moved voxels and whether it folded.

    Parameters
    ----------
    volume : Volume
        Not modified.
    num_control_points : int, default 7
        Control points per axis, border included (>= 4).
    max_displacement : float, default 8.0
        Bound on the displacement length in mm. With 7 control points the
        mean displacement is about a sixth of it: check
        ``history[-1].measured["field_mean_mm"]``.
    rng : numpy.random.Generator, int or None
        Source of randomness; the same seed gives the same output.

    Returns
    -------
    Volume
        As :func:`elastic_volume`, which also warns with a
        :class:`~tutorial_utils.elastic.stats.FoldingWarning` when the field
        folds.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import replay
    >>> label = np.zeros((32, 32, 32), np.uint8)
    >>> label[8:24, 8:24, 8:24] = 3
    >>> cube = Volume(label * 100.0, np.diag([2.0, 2.0, 2.0, 1.0]), label)
    >>> out = random_elastic(cube, max_displacement=6.0, rng=0)
    >>> np.unique(out.label).tolist(), out.history[-1].name
    ([0, 3], 'elastic')
    >>> sorted(out.history[-1].measured)
    ['field_folding_fraction', 'field_max_mm', 'field_mean_mm', 'field_min_jacobian']
    >>> bool(np.array_equal(replay(cube, out.history).image, out.image))
    True
    """
    seed = int(as_rng(rng).integers(2**63))
    return elastic_volume(volume, seed=seed, num_control_points=num_control_points, max_displacement=max_displacement)
