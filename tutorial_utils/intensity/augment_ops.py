"""Intensity augmentations on arrays: gamma, noise and a smooth bias field.

The math behind :mod:`tutorial_utils.intensity.augment_transforms`, which draws
the parameters and applies these to a ``Volume``. Each function returns a new
float32 array and never modifies its input.

Where in a pipeline: the bias field and Rician noise assume non-negative
magnitudes (raw MRI, or a CT window in [0, 1]); gamma works on any range (it
keeps the image's minimum and maximum); Gaussian noise is usually added after
z-scoring, where its std is in units of the tissue's standard deviation.
"""

from __future__ import annotations

import numbers
from typing import Any, Literal

import numpy as np

from .._checks import RngLike, as_rng, as_triple, check_finite, check_number, describe
from .ops import check_intensities, float32_copy

#: Highest cosine frequency a random bias field may use (5 half-periods across the volume).
MAX_BIAS_FREQUENCY = 5


def _image_copy(image: Any) -> np.ndarray:
    """A fresh, finite float32 copy of a 3D ``image`` that the caller may write into."""
    return float32_copy(check_intensities(image, "image"), "image")


# --- gamma ---------------------------------------------------------------------------------


def adjust_gamma(image: np.ndarray, gamma: float) -> np.ndarray:
    """Gamma on the image's own range: ``min + (max - min) * t ** gamma``.

    ``t = (x - min) / (max - min)`` is in [0, 1], so any intensity range
    (HU, z-scores) works and the minimum and maximum stay where they are.
    ``gamma < 1`` brightens the mid-tones, ``gamma > 1`` darkens them.

    Parameters
    ----------
    image : (I, J, K) float32 ndarray
    gamma : float
        Exponent, > 0.

    Returns
    -------
    (I, J, K) float32 ndarray
        A new array; a constant image comes back unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.0, 0.25, 1.0], np.float32).reshape(1, 1, 3)
    >>> adjust_gamma(x, 2.0).ravel().tolist()
    [0.0, 0.0625, 1.0]
    """
    gamma = check_number(gamma, "gamma", positive=True)
    out = _image_copy(image)
    low, high = out.min(), out.max()
    if high == low:
        return out
    span = high - low
    out -= low
    out /= span
    np.power(out, np.float32(gamma), out=out)
    out *= span
    out += low
    return out


# --- noise ---------------------------------------------------------------------------------


def add_noise(
    image: np.ndarray, std: float, *, kind: Literal["gaussian", "rician"] = "gaussian", rng: RngLike = None
) -> np.ndarray:
    """Add noise of standard deviation ``std``, drawn from ``rng``.

    ``"gaussian"``: ``x + n`` with ``n ~ N(0, std²)``.
    ``"rician"``: ``sqrt((x + n1)² + n2²)``, the noise of a magnitude MRI
    (noise on the real and imaginary channels, then the modulus): it is
    always >= 0 and biases dark regions upwards. Only meaningful for
    non-negative magnitudes.

    Parameters
    ----------
    image : (I, J, K) float32 ndarray
    std : float
        Noise standard deviation in the image's units, >= 0.
    kind : {"gaussian", "rician"}
    rng : Generator, int or None
        Source of the noise field; the same seed gives the same noise.

    Returns
    -------
    (I, J, K) float32 ndarray

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((20, 20, 20), np.float32)
    >>> round(float(add_noise(x, 2.0, rng=0).std()), 1)
    2.0
    >>> bool((add_noise(x, 2.0, kind="rician", rng=0) >= 0).all())
    True
    """
    if not isinstance(kind, str) or kind not in ("gaussian", "rician"):
        raise ValueError(f'kind must be "gaussian" or "rician"; got {describe(kind)}')
    std = check_number(std, "std", minimum=0.0)
    image = _image_copy(image)
    generator = as_rng(rng)
    out = generator.standard_normal(image.shape, dtype=np.float32)
    out *= np.float32(std)
    out += image
    if kind == "rician":
        imaginary = generator.standard_normal(image.shape, dtype=np.float32)
        imaginary *= np.float32(std)
        out = np.hypot(out, imaginary, out=out)
    return out


# --- bias field ----------------------------------------------------------------------------


def cosine_bias_field(
    shape: tuple[int, int, int], coefficients: np.ndarray, *, max_log_gain: float | None = None
) -> np.ndarray:
    """Smooth multiplicative field ``exp(p)``, ``p`` a sum of low-frequency cosines.

    ``p[i, j, k] = sum c[a, b, c] * C_a(i) * C_b(j) * C_c(k)`` with the
    discrete cosine basis ``C_a(i) = cos(pi * a * (i + 0.5) / n)`` along an
    axis of ``n`` voxels (``a`` half-periods across the volume; ``C_0 = 1``).
    SPM models the MRI bias field with the same basis. Unlike monomials
    ``x**a``, whose variation piles up in the corners, cosines vary as much in
    the middle of the volume as at its edges. Evaluated as a tensor product
    (three small matrix products).

    Parameters
    ----------
    shape : (3,) tuple of int
        Output shape ``(I, J, K)``.
    coefficients : (n, n, n) ndarray
        ``c[a, b, c]``; frequencies ``0 .. n - 1`` per axis (for a field of
        total frequency ``a + b + c <= max_frequency``, see
        :func:`random_bias_coefficients`).
    max_log_gain : float, optional
        If given (>= 0), ``p`` is first rescaled so that ``max |p|`` over the
        grid equals it: the gain then spans at most
        ``[exp(-max_log_gain), exp(max_log_gain)]`` and reaches one end.

    Returns
    -------
    (I, J, K) float32 ndarray
        Gain > 0; 1 everywhere when every coefficient is 0.

    Examples
    --------
    >>> import numpy as np
    >>> c = np.zeros((2, 2, 2)); c[1, 0, 0] = 1.0  # half a cosine period along axis 0
    >>> field = cosine_bias_field((4, 1, 1), c, max_log_gain=np.log(2))
    >>> np.round(field.ravel(), 3).tolist()
    [2.0, 1.333, 0.75, 0.5]
    """
    shape = as_triple(shape, "shape", positive=True, integer=True, allow_zero=False)
    coefficients = np.asarray(coefficients, dtype=np.float32)
    if coefficients.ndim != 3 or len(set(coefficients.shape)) != 1:
        raise ValueError(f"coefficients must be an (n, n, n) array; got shape {coefficients.shape}")
    check_finite(coefficients, "coefficients")
    if max_log_gain is not None:
        max_log_gain = check_number(max_log_gain, "max_log_gain", minimum=0.0, meaning=" or None")
    frequencies = np.arange(coefficients.shape[0])
    bases = [np.cos(np.pi * np.outer(np.arange(size) + 0.5, frequencies) / size).astype(np.float32) for size in shape]
    field = np.einsum("kc,abc->abk", bases[2], coefficients)
    field = np.einsum("jb,abk->ajk", bases[1], field)
    field = np.tensordot(bases[0], field, axes=(1, 0))
    if max_log_gain is not None:
        peak = float(np.abs(field).max())
        field *= np.float32(max_log_gain / peak if peak > 0 else 0.0)
    return np.exp(field, out=field)


def check_max_frequency(max_frequency: Any) -> int:
    """Return ``max_frequency`` as an int from 0 to :data:`MAX_BIAS_FREQUENCY`."""
    if isinstance(max_frequency, (bool, np.bool_)) or not isinstance(max_frequency, numbers.Integral):
        raise TypeError(f"max_frequency must be an int from 0 to {MAX_BIAS_FREQUENCY}; got {describe(max_frequency)}")
    if not 0 <= max_frequency <= MAX_BIAS_FREQUENCY:
        raise ValueError(
            f"max_frequency must be an int from 0 to {MAX_BIAS_FREQUENCY} (half-periods across the "
            f"volume: 0 a global gain, 1 a ramp, 3 gentle shading); got {max_frequency}"
        )
    return int(max_frequency)


def random_bias_coefficients(max_frequency: int = 3, *, rng: RngLike = None) -> np.ndarray:
    """Coefficients for :func:`cosine_bias_field`: uniform in [-1, 1] up to a total frequency.

    ``c[a, b, c]`` is drawn uniformly in [-1, 1] where ``a + b + c <=
    max_frequency`` and is 0 above, so the field has no finer detail than
    ``max_frequency`` half-periods across the volume along any direction.

    Parameters
    ----------
    max_frequency : int
        Highest total frequency, 0 to 5.
    rng : Generator, int or None

    Returns
    -------
    (max_frequency + 1, max_frequency + 1, max_frequency + 1) float64 ndarray

    Examples
    --------
    >>> c = random_bias_coefficients(2, rng=0)
    >>> c.shape, float(c[2, 2, 2]), bool(c[1, 0, 1] != 0)
    ((3, 3, 3), 0.0, True)
    """
    max_frequency = check_max_frequency(max_frequency)
    generator = as_rng(rng)
    total = np.indices((max_frequency + 1,) * 3).sum(axis=0)
    coefficients = generator.uniform(-1.0, 1.0, size=total.shape)
    coefficients[total > max_frequency] = 0.0
    return coefficients


__all__ = [
    "MAX_BIAS_FREQUENCY",
    "add_noise",
    "adjust_gamma",
    "cosine_bias_field",
    "random_bias_coefficients",
]
