"""Intensity augmentations on ``Volume``: gamma, noise, bias field, scale and shift.

They change the image only: the label and the affine pass through untouched
(no voxel moves, so no label can change). Each ``random_*`` function draws
its parameters from ``rng`` and then calls one recorded step with what it
drew: :func:`gamma_volume` (``"gamma"``), :func:`scale_shift_volume`
(``"intensity_scale_shift"``), and for the noise and the bias field, which are
large random arrays, a step that records the child ``seed`` they are generated
from (``"noise"``, ``"bias_field"``). So ``replay(original,
augmented.history)`` reproduces the output exactly.

Where in a pipeline: the bias field and Rician noise assume non-negative
magnitudes (raw MRI, or a CT window in [0, 1]); gamma works on any range (it
keeps the image's minimum and maximum); scale/shift and Gaussian noise are
usually applied after z-scoring, where their ranges are in units of the
tissue's standard deviation.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .._checks import RngLike, as_range, as_rng, check_non_negative_int, check_number
from ..records import random_transform, volume_transform
from ..volume import Volume, check_volume
from .augment_ops import add_noise, adjust_gamma, cosine_bias_field, random_bias_coefficients

#: Child seeds for the noise and bias fields are drawn in [0, 2**63).
_SEED_BOUND = 2**63


def _draw(generator: np.random.Generator, interval: tuple[float, float]) -> float:
    return float(generator.uniform(interval[0], interval[1]))


def _child_seed(generator: np.random.Generator) -> int:
    return int(generator.integers(_SEED_BOUND))


# --- deterministic steps -------------------------------------------------------------------


@volume_transform("gamma")
def gamma_volume(volume: Volume, *, gamma: float) -> Volume:
    """Gamma (contrast) change of a ``Volume``'s image on its own range (see :func:`adjust_gamma`).

    ``gamma < 1`` brightens the mid-tones, ``gamma > 1`` darkens them; the
    minimum and maximum stay. Label and affine are kept.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.array([0.0, 0.25, 1.0]).reshape(1, 1, 3), np.eye(4))
    >>> out = gamma_volume(vol, gamma=2.0)
    >>> out.image.ravel().tolist(), out.history[-1]
    ([0.0, 0.0625, 1.0], TransformRecord(name='gamma', params={'gamma': 2.0}))
    """
    return volume.replace(image=adjust_gamma(volume.image, gamma))


@volume_transform("intensity_scale_shift")
def scale_shift_volume(volume: Volume, *, scale: float = 1.0, shift: float = 0.0) -> Volume:
    """``image * scale + shift`` (in float32); label and affine are kept.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> out = scale_shift_volume(Volume(np.ones((2, 2, 2)), np.eye(4)), scale=2.0, shift=-0.5)
    >>> float(out.image.max()), out.history[-1].name
    (1.5, 'intensity_scale_shift')
    """
    image = volume.image * np.float32(check_number(scale, "scale"))
    image += np.float32(check_number(shift, "shift"))
    return volume.replace(image=image)


@volume_transform("noise")
def _noise_step(volume: Volume, *, std: float, kind: Literal["gaussian", "rician"] = "gaussian", seed: int) -> Volume:
    """:func:`add_noise` with a noise field generated from ``seed`` (what :func:`random_noise` records)."""
    image = add_noise(volume.image, std, kind=kind, rng=check_non_negative_int(seed, "seed"))
    return volume.replace(image=image)


@volume_transform("bias_field")
def _bias_field_step(volume: Volume, *, max_frequency: int = 3, strength: float = 0.3, seed: int) -> Volume:
    """Multiply by the cosine bias field drawn from ``seed`` (what :func:`random_bias_field` records)."""
    strength = check_number(strength, "strength", minimum=0.0, meaning=" (the largest |log gain|)")
    coefficients = random_bias_coefficients(max_frequency, rng=check_non_negative_int(seed, "seed"))
    field = cosine_bias_field(volume.shape, coefficients, max_log_gain=strength)
    field *= volume.image
    return volume.replace(image=field)


# --- random transforms ---------------------------------------------------------------------


@random_transform
def random_gamma(
    volume: Volume, *, log_gamma_range: float | tuple[float, float] = (-0.3, 0.3), rng: RngLike = None
) -> Volume:
    """Random gamma (contrast) change: ``gamma = exp(u)``, ``u`` uniform in ``log_gamma_range``.

    Drawing the logarithm makes brightening and darkening equally likely.
    The image's minimum and maximum are kept (see :func:`adjust_gamma`).

    Parameters
    ----------
    volume : Volume
    log_gamma_range : float or (low, high)
        Range of ``log(gamma)``; one number ``d`` means ``(-d, d)``.
        (-0.3, 0.3) gives gamma in about [0.74, 1.35].
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` gains a ``"gamma"``
        record (:func:`gamma_volume`) with the drawn ``gamma``.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.linspace(0, 1, 27).reshape(3, 3, 3), np.eye(4))
    >>> out = random_gamma(vol, rng=0)
    >>> out.history[-1].name, 0.74 < out.history[-1].params["gamma"] < 1.35
    ('gamma', True)
    """
    volume = check_volume(volume)
    interval = as_range(log_gamma_range, "log_gamma_range")
    return gamma_volume(volume, gamma=float(np.exp(_draw(as_rng(rng), interval))))


@random_transform
def random_noise(
    volume: Volume,
    *,
    std_range: tuple[float, float] = (0.0, 0.1),
    kind: Literal["gaussian", "rician"] = "gaussian",
    rng: RngLike = None,
) -> Volume:
    """Add random noise: ``std`` uniform in ``std_range``, a fresh noise field per call.

    Parameters
    ----------
    volume : Volume
    std_range : (low, high)
        Range of the noise standard deviation, ``0 <= low <= high``, **in the
        image's units**: the default (0, 0.1) suits a z-scored image (up to a
        tenth of the tissue std) or a window in [0, 1]. On raw MRI or HU
        scale it up.
    kind : {"gaussian", "rician"}
        Rician for magnitude MRI (see :func:`add_noise`).
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` gains a ``"noise"``
        record with ``std``, ``kind`` and the noise field's ``seed``.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.zeros((8, 8, 8)), np.eye(4))
    >>> a, b = random_noise(vol, rng=1), random_noise(vol, rng=1)
    >>> bool(np.array_equal(a.image, b.image)), sorted(a.history[-1].params)
    (True, ['kind', 'seed', 'std'])
    """
    volume = check_volume(volume)
    interval = as_range(std_range, "std_range", minimum=0.0)
    generator = as_rng(rng)
    std = _draw(generator, interval)
    return _noise_step(volume, std=std, kind=kind, seed=_child_seed(generator))


@random_transform
def random_bias_field(volume: Volume, *, strength: float = 0.3, max_frequency: int = 3, rng: RngLike = None) -> Volume:
    """Multiply by a random smooth field: the slow shading of an MRI coil.

    The field is ``exp(p)`` for a sum ``p`` of low-frequency cosines with
    total frequency ``<= max_frequency`` (see :func:`cosine_bias_field`). Its
    coefficients are drawn from a child seed that the history records; then
    ``p`` is scaled so that ``max |p| = strength``: the gain stays within
    ``[exp(-strength), exp(strength)]`` and reaches one of the two ends
    somewhere in the volume. The seed decides the field's shape,
    ``strength`` its size.

    Parameters
    ----------
    volume : Volume
        Intensities >= 0 (raw MRI, before normalization), where a gain is a
        brightness change; on a z-scored image a gain > 1 would push the
        negative values further down instead.
    strength : float
        Largest ``|log gain|``, >= 0; 0 gives no change. The default 0.3 gives
        a gain within [0.74, 1.35], reaching one of the two ends.
    max_frequency : int
        Highest total cosine frequency (half-periods across the volume), 0 to
        5; 0 is a global gain, 1 a ramp, 3 gentle smooth shading.
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` gains a ``"bias_field"``
        record with ``max_frequency``, ``strength`` and the field's ``seed``.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.ones((8, 8, 8)), np.eye(4))
    >>> field = random_bias_field(vol, rng=0).image
    >>> bool(field.min() > 0), bool(field.std() > 0)
    (True, True)
    """
    volume = check_volume(volume)
    seed = _child_seed(as_rng(rng))
    return _bias_field_step(volume, max_frequency=max_frequency, strength=strength, seed=seed)


@random_transform
def random_intensity_scale_shift(
    volume: Volume,
    *,
    scale_range: float | tuple[float, float] = (0.9, 1.1),
    shift_range: float | tuple[float, float] = (-0.1, 0.1),
    rng: RngLike = None,
) -> Volume:
    """``x * scale + shift`` with ``scale`` and ``shift`` drawn uniformly.

    Mimics the global intensity differences between scanners that a
    per-volume normalization does not fully remove.

    Parameters
    ----------
    volume : Volume
    scale_range : float or (low, high)
        Range of the multiplicative factor, ``>= 0``; one number ``d`` means
        ``(1 - d, 1 + d)``.
    shift_range : float or (low, high)
        Range of the offset, in the image's units (for a z-scored image, in
        tissue standard deviations); one number ``d`` means ``(-d, d)``.
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` gains an
        ``"intensity_scale_shift"`` record (:func:`scale_shift_volume`) with
        ``scale`` and ``shift``.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.ones((2, 2, 2)), np.eye(4))
    >>> out = random_intensity_scale_shift(vol, scale_range=0.2, rng=0)
    >>> p = out.history[-1].params
    >>> bool(np.allclose(out.image, p["scale"] + p["shift"])), 0.8 <= p["scale"] <= 1.2
    (True, True)
    """
    volume = check_volume(volume)
    scales = as_range(scale_range, "scale_range", center=1.0, minimum=0.0)
    shifts = as_range(shift_range, "shift_range")
    generator = as_rng(rng)
    return scale_shift_volume(volume, scale=_draw(generator, scales), shift=_draw(generator, shifts))


__all__ = [
    "gamma_volume",
    "random_bias_field",
    "random_gamma",
    "random_intensity_scale_shift",
    "random_noise",
    "scale_shift_volume",
]
