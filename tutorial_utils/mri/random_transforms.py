"""Random MRI artifacts: draw physical parameters from ``rng``, then call one recorded step.

Each function draws what it needs (angles in degrees, shifts in mm, a
fraction of k-space, a slice thickness in mm, the phase-encoding axis) and
calls exactly one step of :mod:`.transforms`, whose record shows the draw:
``out.history[-1].params``. So ``replay(original, out.history)`` repeats it
exactly. Ranges are ``(low, high)`` pairs, or one number ``d`` meaning the
symmetric range about the neutral value, as everywhere in the package.

When to use them: on MRI only, before intensity normalisation (they act on
magnitudes), and each with a probability (``RandomApply``), so that the
network sees clean scans too. Never on CT: it has no k-space, and its
artifacts (streaks, beam hardening, rings) come from another physics.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._checks import RngLike, as_range, as_rng, describe
from ..records import random_transform
from ..volume import Volume, check_volume
from .kspace_ops import Axes, check_axes, check_magnitude
from .transforms import (
    ghosting_volume,
    gibbs_volume,
    motion_volume,
    rician_noise_volume,
    spike_volume,
    thick_slices_volume,
)

#: Child seeds for noise fields are drawn in [0, 2**63).
_SEED_BOUND = 2**63
#: TorchIO's jitter of the movement times: up to 30 % of the interval between two movements.
_TIME_JITTER = 0.3


def _single(value: Any, low: float | None = None, high: float | None = None) -> Any:
    """One number ``d`` as the range ``(low, d)`` or ``(d, high)``; a pair (or anything else) as it is."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        return value
    return (low, value) if low is not None else (value, high)


def _unit_range(value: Any, name: str, *, positive: bool = False) -> tuple[float, float]:
    """A ``(low, high)`` range inside [0, 1] (inside (0, 1] with ``positive``)."""
    low, high = as_range(value, name, minimum=0.0)
    if high > 1 or (positive and low <= 0):
        interval = "(0, 1]" if positive else "[0, 1]"
        raise ValueError(f"{name} must be a (low, high) range inside {interval}; got {describe(value)}")
    return low, high


def _count(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}; got {describe(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value}")
    return int(value)


def _pick_axis(generator: np.random.Generator, axes: Axes) -> int:
    choices = check_axes(axes)
    return choices[int(generator.integers(len(choices)))]


@random_transform
def random_motion(
    volume: Volume,
    *,
    degrees: float | tuple[float, float] = 10.0,
    translation: float | tuple[float, float] = 10.0,
    num_moves: int = 2,
    axes: Axes = (0, 1, 2),
    rng: RngLike = None,
) -> Volume:
    """Random head motion during the scan (TorchIO's ``RandomMotion`` model, see :func:`motion_volume`).

    Draws ``num_moves`` poses (three angles uniform in ``degrees`` and three
    shifts uniform in ``translation`` mm each), the moments they happen
    (evenly spaced through the scan, each moved by up to 30 % of the
    interval, as TorchIO does) and the phase-encoding axis from ``axes``.
    The label is not moved (see :func:`motion_volume`).

    Parameters
    ----------
    volume : Volume
        A magnitude image (>= 0).
    degrees : float or (low, high)
        Range of each rotation angle, in degrees; ``d`` means ``(-d, d)``.
    translation : float or (low, high)
        Range of each shift, in mm; ``d`` means ``(-d, d)``.
    num_moves : int
        Number of movements, >= 1.
    axes : int or sequence of int
        Phase-encoding axes to choose from.
    rng : Generator, int or None

    Returns
    -------
    Volume
        ``history`` gains a ``"motion"`` record with the drawn ``degrees``,
        ``translation``, ``times`` and ``axis``.

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((8, 8, 8)), np.eye(4))
    >>> p = random_motion(vol, num_moves=1, axes=2, rng=0).history[-1].params
    >>> len(p["degrees"]), p["axis"], 0.3 < p["times"][0] < 0.7
    (1, 2, True)
    """
    volume = check_volume(volume)
    angle_range = as_range(degrees, "degrees")
    shift_range = as_range(translation, "translation")
    num_moves = _count(num_moves, "num_moves", 1)
    generator = as_rng(rng)
    axis = _pick_axis(generator, axes)
    interval = 1.0 / (num_moves + 1)
    times = interval * np.arange(1, num_moves + 1) + generator.uniform(-1, 1, num_moves) * _TIME_JITTER * interval
    angles = generator.uniform(*angle_range, size=(num_moves, 3))
    shifts = generator.uniform(*shift_range, size=(num_moves, 3))
    return motion_volume(
        volume,
        degrees=tuple(map(tuple, angles.tolist())),
        translation=tuple(map(tuple, shifts.tolist())),
        times=tuple(times.tolist()),
        axis=axis,
    )


@random_transform
def random_ghosting(
    volume: Volume,
    *,
    intensity: float | tuple[float, float] = (0.3, 0.8),
    period: tuple[int, int] = (2, 4),
    axes: Axes = (0, 1, 2),
    rng: RngLike = None,
) -> Volume:
    """Random ghosts: ``intensity``, ``period`` and the phase-encoding axis drawn (see :func:`ghosting_volume`).

    Parameters
    ----------
    volume : Volume
        A magnitude image (>= 0).
    intensity : float or (low, high)
        Range of the signal fraction the changed lines lose, inside [0, 1];
        ``d`` means ``(0, d)``.
    period : (low, high) of int
        Range (inclusive) of the line period, >= 2: ``period - 1`` ghosts.
    axes : int or sequence of int
        Phase-encoding axes to choose from.
    rng : Generator, int or None

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((8, 8, 8)), np.eye(4))
    >>> sorted(random_ghosting(vol, rng=0).history[-1].params)
    ['axis', 'intensity', 'period']
    """
    volume = check_volume(volume)
    low, high = _unit_range(_single(intensity, low=0.0), "intensity")
    periods = as_range(period, "period", minimum=2.0)
    if not all(float(p).is_integer() for p in periods):
        raise ValueError(f"period must be a (low, high) range of ints >= 2; got {describe(period)}")
    generator = as_rng(rng)
    axis = _pick_axis(generator, axes)
    drawn_period = int(generator.integers(int(periods[0]), int(periods[1]) + 1))
    return ghosting_volume(volume, intensity=float(generator.uniform(low, high)), period=drawn_period, axis=axis)


@random_transform
def random_spike(
    volume: Volume, *, num_spikes: int = 1, intensity: float | tuple[float, float] = (0.1, 0.4), rng: RngLike = None
) -> Volume:
    """Random herringbone: ``num_spikes`` k-space points anywhere in k-space (see :func:`spike_volume`).

    Parameters
    ----------
    volume : Volume
        A magnitude image (>= 0).
    num_spikes : int
        Number of spikes, >= 1, each at a position uniform over k-space.
    intensity : float or (low, high)
        Range of the spikes' height relative to the k-space centre (stripes
        of ``intensity * mean`` in the image); ``d`` means ``(0, d)``.
    rng : Generator, int or None

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((8, 8, 8)), np.eye(4))
    >>> p = random_spike(vol, num_spikes=2, rng=0).history[-1].params
    >>> len(p["positions"]), 0.1 <= p["intensity"] <= 0.4
    (2, True)
    """
    volume = check_volume(volume)
    num_spikes = _count(num_spikes, "num_spikes", 1)
    low, high = as_range(_single(intensity, low=0.0), "intensity", minimum=0.0)
    generator = as_rng(rng)
    positions = generator.uniform(-0.5, 0.5, size=(num_spikes, 3))
    return spike_volume(
        volume, positions=tuple(map(tuple, positions.tolist())), intensity=float(generator.uniform(low, high))
    )


@random_transform
def random_gibbs(
    volume: Volume, *, fraction: float | tuple[float, float] = (0.3, 0.9), axes: Axes = (0, 1, 2), rng: RngLike = None
) -> Volume:
    """Random Gibbs ringing: the kept ``fraction`` of k-space drawn (see :func:`gibbs_volume`).

    Parameters
    ----------
    volume : Volume
        A magnitude image (>= 0).
    fraction : float or (low, high)
        Range of the fraction of k-space kept along every axis of ``axes``,
        inside (0, 1]; ``f`` means ``(f, 1)``. Smaller rings more.
    axes : int or sequence of int
        Axes along which k-space is cut (all of them, with the same fraction).
    rng : Generator, int or None

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((8, 8, 8)), np.eye(4))
    >>> 0.3 <= random_gibbs(vol, rng=0).history[-1].params["fraction"] <= 0.9
    True
    """
    volume = check_volume(volume)
    low, high = _unit_range(_single(fraction, high=1.0), "fraction", positive=True)
    axes = check_axes(axes)
    return gibbs_volume(volume, fraction=float(as_rng(rng).uniform(low, high)), axes=axes)


@random_transform
def random_anisotropy(
    volume: Volume, *, thickness: float | tuple[float, float] = (2.0, 6.0), axes: Axes = (0, 1, 2), rng: RngLike = None
) -> Volume:
    """Random thick slices: the slice axis drawn from ``axes``, the thickness in mm (see :func:`thick_slices_volume`).

    Parameters
    ----------
    volume : Volume
    thickness : float or (low, high)
        Range of the slice thickness in mm, > 0; ``t`` means ``(t, t)``.
        A thickness up to the voxel size changes nothing.
    axes : int or sequence of int
        Slice axes to choose from.
    rng : Generator, int or None

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((8, 8, 8)), np.eye(4))
    >>> p = random_anisotropy(vol, axes=2, rng=0).history[-1].params
    >>> p["axis"], 2.0 <= p["thickness"] <= 6.0
    (2, True)
    """
    volume = check_volume(volume)
    low, high = as_range(_single(thickness, high=thickness), "thickness")
    if low <= 0:
        raise ValueError(
            f"thickness must be a (low, high) range of slice thicknesses in mm, > 0; got {describe(thickness)}"
        )
    generator = as_rng(rng)
    axis = _pick_axis(generator, axes)
    return thick_slices_volume(volume, thickness=float(generator.uniform(low, high)), axis=axis)


@random_transform
def random_rician_noise(
    volume: Volume, *, std_range: float | tuple[float, float] = (0.0, 0.05), rng: RngLike = None
) -> Volume:
    """Random Rician noise, its level relative to the brightest tissue (see :func:`rician_noise_volume`).

    The noise std is drawn as a fraction of the image's 99th percentile (of
    one voxel in 64, a robust "brightest tissue"), so one range suits raw
    scans of any scale: 0.05 is a signal-to-noise ratio of 20 in the
    brightest tissue. The record holds the resulting ``std`` in image units
    and the noise field's ``seed``.

    Parameters
    ----------
    volume : Volume
        A magnitude image (>= 0).
    std_range : float or (low, high)
        Range of the noise std as a fraction of the 99th percentile, >= 0;
        ``d`` means ``(0, d)``.
    rng : Generator, int or None

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.full((8, 8, 8), 100.0), np.eye(4))
    >>> p = random_rician_noise(vol, std_range=(0.05, 0.05), rng=0).history[-1].params
    >>> round(p["std"], 3)
    5.0
    """
    volume = check_volume(volume)
    low, high = as_range(_single(std_range, low=0.0), "std_range", minimum=0.0)
    reference = float(np.percentile(check_magnitude(volume.image)[::4, ::4, ::4], 99))
    generator = as_rng(rng)
    std = float(generator.uniform(low, high)) * reference
    return rician_noise_volume(volume, std=std, seed=int(generator.integers(_SEED_BOUND)))


__all__ = [
    "random_anisotropy",
    "random_ghosting",
    "random_gibbs",
    "random_motion",
    "random_rician_noise",
    "random_spike",
]
