"""Intensity augmentations on ``Volume``: gamma, noise, bias field, scale and shift.

They change the image only: the label and the affine pass through untouched
(no voxel moves, so no label can change). Each one draws its parameters from
``rng`` and records them in ``volume.history`` (a child seed for the noise and
the bias field, which are large random arrays), so
``replay(original, augmented.history)`` reproduces the output exactly.

Where in a pipeline: the bias field and Rician noise assume non-negative
magnitudes (raw MRI, or a CT window in [0, 1]); gamma works on any range (it
keeps the image's minimum and maximum); scale/shift and Gaussian noise are
usually applied after z-scoring, where their ranges are in units of the
tissue's standard deviation.
"""

from __future__ import annotations

import numbers
from typing import Any, Literal

import numpy as np

from .._checks import RngLike, as_rng, as_triple, check_array_3d, check_finite, describe
from ..records import apply_recorded, replayable
from ..volume import Volume, check_volume

_SEED_BOUND = 2**63




def _check_interval(value: Any, name: str, *, minimum: float | None = None) -> tuple[float, float]:
    """A ``(low, high)`` pair of finite numbers with ``low <= high`` (and ``>= minimum``)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (low, high) pair; got {describe(value)}")
    for v in value:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
            raise TypeError(f"{name} must hold two real numbers; got {describe(value)}")
        if not np.isfinite(v):
            raise ValueError(f"{name} must be finite; got {describe(value)}")
    low, high = float(value[0]), float(value[1])
    if low > high:
        raise ValueError(f"{name} must have low <= high; got {describe(value)}")
    if minimum is not None and low < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {describe(value)}")
    return low, high


def _image_copy(image: Any) -> np.ndarray:
    """A fresh, finite float32 copy of a 3D ``image`` that the caller may write into."""
    out = np.array(check_array_3d(image, "image"), dtype=np.float32, copy=True)
    check_finite(out, "image")
    return out


def _draw(generator: np.random.Generator, interval: tuple[float, float]) -> float:
    return float(generator.uniform(interval[0], interval[1]))


def _child_seed(generator: np.random.Generator) -> int:
    return int(generator.integers(_SEED_BOUND))


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
    if not (isinstance(gamma, (numbers.Real, np.number)) and np.isfinite(gamma) and gamma > 0):
        raise ValueError(f"gamma must be a finite number > 0; got {describe(gamma)}")
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


@replayable("gamma")
def _apply_gamma(volume: Volume, *, gamma: float) -> Volume:
    return volume.replace(image=adjust_gamma(volume.image, gamma))


def random_gamma(
    volume: Volume, *, log_gamma_range: tuple[float, float] = (-0.3, 0.3), rng: RngLike = None
) -> Volume:
    """Random gamma (contrast) change: ``gamma = exp(u)``, ``u`` uniform in ``log_gamma_range``.

    Drawing the logarithm makes brightening and darkening equally likely.
    The image's minimum and maximum are kept (see :func:`adjust_gamma`).

    Parameters
    ----------
    volume : Volume
    log_gamma_range : (low, high)
        Range of ``log(gamma)``; (-0.3, 0.3) gives gamma in about [0.74, 1.35].
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` records ``gamma``.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.linspace(0, 1, 27).reshape(3, 3, 3), np.eye(4))
    >>> out = random_gamma(vol, rng=0)
    >>> out.history[-1].name, 0.74 < out.history[-1].params["gamma"] < 1.35
    ('gamma', True)
    """
    volume = check_volume(volume)
    interval = _check_interval(log_gamma_range, "log_gamma_range")
    gamma = float(np.exp(_draw(as_rng(rng), interval)))
    return apply_recorded(volume, "gamma", gamma=gamma)


# --- noise ---------------------------------------------------------------------------------


def add_noise(
    image: np.ndarray, std: float, seed: int, kind: Literal["gaussian", "rician"] = "gaussian"
) -> np.ndarray:
    """Add noise of standard deviation ``std`` generated from ``seed``.

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
    seed : int
        Seed of the noise field; the same seed gives the same noise.
    kind : {"gaussian", "rician"}

    Returns
    -------
    (I, J, K) float32 ndarray

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((20, 20, 20), np.float32)
    >>> round(float(add_noise(x, 2.0, seed=0).std()), 1)
    2.0
    >>> bool((add_noise(x, 2.0, seed=0, kind="rician") >= 0).all())
    True
    """
    if kind not in ("gaussian", "rician"):
        raise ValueError(f'kind must be "gaussian" or "rician"; got {kind!r}')
    if not (isinstance(std, (numbers.Real, np.number)) and np.isfinite(std) and std >= 0):
        raise ValueError(f"std must be a finite number >= 0; got {describe(std)}")
    image = _image_copy(image)
    generator = np.random.default_rng(seed)
    out = generator.standard_normal(image.shape, dtype=np.float32)
    out *= np.float32(std)
    out += image
    if kind == "rician":
        imaginary = generator.standard_normal(image.shape, dtype=np.float32)
        imaginary *= np.float32(std)
        out = np.hypot(out, imaginary, out=out)
    return out


@replayable("noise")
def _apply_noise(volume: Volume, *, std: float, kind: str, seed: int) -> Volume:
    return volume.replace(image=add_noise(volume.image, std, seed, kind))  # type: ignore[arg-type]


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
        Range of the noise standard deviation, **in the image's units**: the
        default (0, 0.1) suits a z-scored image (up to a tenth of the tissue
        std) or a window in [0, 1]. On raw MRI or HU scale it up.
    kind : {"gaussian", "rician"}
        Rician for magnitude MRI (see :func:`add_noise`).
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` records ``std``,
        ``kind`` and the noise field's ``seed``.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.zeros((8, 8, 8)), np.eye(4))
    >>> a, b = random_noise(vol, rng=1), random_noise(vol, rng=1)
    >>> bool(np.array_equal(a.image, b.image)), sorted(a.history[-1].params)
    (True, ['kind', 'seed', 'std'])
    """
    volume = check_volume(volume)
    interval = _check_interval(std_range, "std_range", minimum=0.0)
    if kind not in ("gaussian", "rician"):
        raise ValueError(f'kind must be "gaussian" or "rician"; got {kind!r}')
    generator = as_rng(rng)
    std = _draw(generator, interval)
    return apply_recorded(volume, "noise", std=std, kind=kind, seed=_child_seed(generator))


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
        ``c[a, b, c]``; frequencies ``0 .. n - 1`` per axis.
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
    if max_log_gain is not None and not (
        isinstance(max_log_gain, (numbers.Real, np.number)) and np.isfinite(max_log_gain) and max_log_gain >= 0
    ):
        raise ValueError(f"max_log_gain must be a finite number >= 0 or None; got {describe(max_log_gain)}")
    frequencies = np.arange(coefficients.shape[0])
    bases = [
        np.cos(np.pi * np.outer(np.arange(size) + 0.5, frequencies) / size).astype(np.float32)
        for size in shape
    ]
    field = np.einsum("kc,abc->abk", bases[2], coefficients)
    field = np.einsum("jb,abk->ajk", bases[1], field)
    field = np.tensordot(bases[0], field, axes=(1, 0))
    if max_log_gain is not None:
        peak = float(np.abs(field).max())
        field *= np.float32(max_log_gain / peak if peak > 0 else 0.0)
    return np.exp(field, out=field)


def _bias_coefficients(seed: int, order: int) -> np.ndarray:
    """Coefficients uniform in [-1, 1] for total frequency ``a + b + c <= order``, 0 otherwise."""
    generator = np.random.default_rng(seed)
    powers = np.indices((order + 1,) * 3).sum(axis=0)
    coefficients = generator.uniform(-1.0, 1.0, size=powers.shape)
    coefficients[powers > order] = 0.0
    return coefficients


@replayable("bias_field")
def _apply_bias_field(volume: Volume, *, order: int, strength: float, seed: int) -> Volume:
    field = cosine_bias_field(volume.shape, _bias_coefficients(seed, order), max_log_gain=strength)
    field *= volume.image
    return volume.replace(image=field)


def random_bias_field(
    volume: Volume, *, strength: float = 0.3, order: int = 3, rng: RngLike = None
) -> Volume:
    """Multiply by a random smooth field: the slow shading of an MRI coil.

    The field is ``exp(p)`` for a sum ``p`` of low-frequency cosines with
    total frequency ``<= order`` (see :func:`cosine_bias_field`). Its
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
    order : int
        Highest total frequency (half-periods across the volume), 0 to 5;
        0 is a global gain, 1 a ramp, 3 gentle smooth shading.
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` records ``order``,
        ``strength`` and the field's ``seed``.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.ones((8, 8, 8)), np.eye(4))
    >>> field = random_bias_field(vol, rng=0).image
    >>> bool(field.min() > 0), bool(field.std() > 0)
    (True, True)
    """
    volume = check_volume(volume)
    if not (isinstance(strength, (numbers.Real, np.number)) and np.isfinite(strength) and strength >= 0):
        raise ValueError(f"strength must be a finite number >= 0; got {describe(strength)}")
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (numbers.Integral, np.integer)):
        raise TypeError(f"order must be an int in [0, 5]; got {describe(order)}")
    if not 0 <= order <= 5:
        raise ValueError(f"order must be in [0, 5]; got {order}")
    seed = _child_seed(as_rng(rng))
    return apply_recorded(volume, "bias_field", order=int(order), strength=float(strength), seed=seed)


# --- scale and shift -----------------------------------------------------------------------


@replayable("intensity_scale_shift")
def _apply_scale_shift(volume: Volume, *, scale: float, shift: float) -> Volume:
    image = volume.image * np.float32(scale)
    image += np.float32(shift)
    return volume.replace(image=image)


def random_intensity_scale_shift(
    volume: Volume,
    *,
    scale_range: tuple[float, float] = (0.9, 1.1),
    shift_range: tuple[float, float] = (-0.1, 0.1),
    rng: RngLike = None,
) -> Volume:
    """``x * scale + shift`` with ``scale`` and ``shift`` drawn uniformly.

    Mimics the global intensity differences between scanners that a
    per-volume normalization does not fully remove.

    Parameters
    ----------
    volume : Volume
    scale_range : (low, high)
        Range of the multiplicative factor.
    shift_range : (low, high)
        Range of the offset, in the image's units (for a z-scored image,
        in tissue standard deviations).
    rng : Generator, int or None

    Returns
    -------
    Volume
        New image, same label and affine; ``history`` records ``scale`` and ``shift``.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume
    >>> vol = Volume(np.ones((2, 2, 2)), np.eye(4))
    >>> out = random_intensity_scale_shift(vol, rng=0)
    >>> p = out.history[-1].params
    >>> bool(np.allclose(out.image, p["scale"] + p["shift"]))
    True
    """
    volume = check_volume(volume)
    scales = _check_interval(scale_range, "scale_range")
    shifts = _check_interval(shift_range, "shift_range")
    generator = as_rng(rng)
    scale = _draw(generator, scales)
    shift = _draw(generator, shifts)
    return apply_recorded(volume, "intensity_scale_shift", scale=scale, shift=shift)


__all__ = [
    "add_noise",
    "adjust_gamma",
    "cosine_bias_field",
    "random_bias_field",
    "random_gamma",
    "random_intensity_scale_shift",
    "random_noise",
]
