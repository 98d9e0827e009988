"""k-space artifacts on arrays: ghosting, spikes, Gibbs ringing, and Rician noise.

Each function takes a magnitude image (float32, >= 0: what a scanner stores),
changes its k-space the way the artifact does (:mod:`.kspace_ops`), and
returns the magnitude of the inverse transform, as a new float32 array. The
input is never modified.

Where a shortcut gives the same numbers as "transform the whole volume,
change k-space, transform back", the shortcut is used and the docstring says
why it is exact (the tests compare both):

* ghosting changes whole lines along one axis, so only a 1D transform along
  that axis is needed;
* a spike is one k-space point, whose inverse transform is a plane wave: it
  is added directly;
* Gibbs ringing keeps a box of k-space, so each axis is transformed only for
  the frequencies that are kept.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.fft

from .._checks import RngLike, as_rng, check_axis, check_number, describe
from .._threads import num_threads, run_chunks, run_tasks, slab_bounds
from .kspace_ops import Axes, Slab, check_axes, check_magnitude, map_lines


def check_period(period: Any) -> int:
    """``period`` as an int >= 2 (every ``period``-th k-space line is changed)."""
    if isinstance(period, (bool, np.bool_)) or not isinstance(period, (int, np.integer)):
        raise TypeError(f"period must be an int >= 2 (every period-th k-space line); got {describe(period)}")
    if period < 2:
        raise ValueError(f"period must be an int >= 2 (2: every other k-space line, one ghost at N/2); got {period}")
    return int(period)


def ghosting(image: Any, *, intensity: float, period: int = 2, axis: int = 1) -> np.ndarray:
    """Ghosts along the phase-encoding ``axis``: every ``period``-th k-space line loses signal.

    A signal that changes periodically during the scan (breathing, the
    heartbeat, pulsating blood or CSF, or the odd and even lines of an EPI
    readout) gives the k-space lines of one phase of the cycle another gain
    than the others. Multiplying every ``period``-th line (counted from the
    centre) by ``1 - intensity`` is the same, in the image, as
    ``(1 - intensity / period) * x`` minus ``intensity / period`` times copies
    of ``x`` shifted by ``N / period, 2 N / period, ...`` voxels along
    ``axis`` (circularly, as MRI wraps): with ``period=2``, one ghost half a
    field of view away, the "N/2 ghost". Only ``axis`` is transformed (the
    change is the same on every line, so the other axes' transforms cancel).

    Parameters
    ----------
    image : (I, J, K) array_like
        Magnitudes, >= 0.
    intensity : float
        Fraction of the signal the changed lines lose, in [0, 1]; 0 leaves
        the image as it is.
    period : int
        Every ``period``-th line changes (>= 2); ``period - 1`` ghosts.
    axis : int
        The phase-encoding axis, along which the ghosts appear.

    Returns
    -------
    (I, J, K) float32 ndarray
        The magnitude image.

    Examples
    --------
    >>> x = np.zeros((1, 8, 1), np.float32); x[0, 1, 0] = 1.0
    >>> ghosting(x, intensity=1.0, period=2, axis=1).ravel().round(3).tolist()  # a ghost 8 / 2 voxels away
    [0.0, 0.5, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0]
    """
    x = check_magnitude(image)
    intensity = check_number(intensity, "intensity", minimum=0.0, meaning=" in [0, 1] (signal lost on the lines)")
    if intensity > 1:
        raise ValueError(f"intensity must be in [0, 1] (the fraction of signal the lines lose); got {intensity}")
    period = check_period(period)
    axis = check_axis(axis)
    n = x.shape[axis]
    shape = [1, 1, 1]
    shape[axis] = n // 2 + 1  # rfft holds the offsets 0 .. n // 2; the negative ones mirror them
    gain = np.where(np.arange(n // 2 + 1) % period == 0, np.float32(1 - intensity), np.float32(1)).reshape(shape)

    def work(slab: Slab) -> np.ndarray:
        spectrum = scipy.fft.rfft(x[slab], axis=axis)
        spectrum *= gain
        return np.abs(scipy.fft.irfft(spectrum, n=n, axis=axis, overwrite_x=True))

    return map_lines(x.shape, axis, work)


def _spike_waves(shape: tuple[int, ...], positions: np.ndarray) -> list[list[np.ndarray]]:
    """For each spike, three 1D complex waves whose outer product is the spike's plane wave.

    A spike at the centred k-space index ``n // 2 + o`` along each axis is,
    after :func:`~.kspace_ops.from_kspace`, ``exp(2 pi i o (t - n // 2) / n)``
    along that axis (``t`` the voxel index), divided by ``sqrt(n)``.
    """
    waves = []
    for position in positions:
        per_axis = []
        for n, fraction in zip(shape, position):
            offset = (int(np.floor(fraction * n + 0.5)) + n // 2) % n - n // 2  # on the grid, inside k-space
            phase = 2 * np.pi * offset * (np.arange(n) - n // 2) / n
            per_axis.append(np.exp(1j * phase).astype(np.complex64))
        waves.append(per_axis)
    return waves


def check_positions(positions: Any) -> np.ndarray:
    """``positions`` as an (S, 3) float array of k-space positions in [-0.5, 0.5] (S may be 0)."""
    try:
        arr = np.array(positions, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"positions must be a sequence of (3,) k-space positions in [-0.5, 0.5]; got {describe(positions)}"
        ) from None
    if arr.size == 0:
        return arr.reshape(0, 3)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"positions must have shape (S, 3), one row per spike; got shape {arr.shape}")
    if not np.isfinite(arr).all() or np.abs(arr).max() > 0.5:
        raise ValueError(
            f"positions must lie in [-0.5, 0.5] (fractions of k-space from its centre, i.e. cycles per "
            f"voxel); got {describe(positions)}"
        )
    return arr


def spike(image: Any, *, positions: Sequence[Sequence[float]], intensity: float) -> np.ndarray:
    """Herringbone stripes: a few k-space points far brighter than they should be.

    An electrical discharge in the scanner room (a loose connection, a light
    bulb, static) adds a burst to one k-space sample. One bright point of
    k-space is, in the image, a plane wave: stripes whose direction and
    spacing are set by where the point lies (``0.25`` cycles per voxel along an
    axis: stripes 4 voxels apart). Each spike here adds ``intensity`` times the
    k-space centre's magnitude (the image's sum) at its position, which in the
    image is a wave of amplitude ``intensity * image.mean()``; the waves are
    added to the image directly, which is the same as transforming the volume
    to k-space, adding the points and transforming back (a test compares the
    two), without the two 3D transforms.

    Parameters
    ----------
    image : (I, J, K) array_like
        Magnitudes, >= 0.
    positions : (S, 3) sequence of float
        Where each spike lies in k-space, as a fraction of k-space from its
        centre along each axis, in [-0.5, 0.5]: the stripes' spatial
        frequency in cycles per voxel. Rounded to the nearest k-space
        sample. ``(0, 0, 0)`` is the centre (a brightness change, no stripes).
    intensity : float
        Height of each spike relative to the k-space centre, >= 0 (TorchIO's
        ``Spike`` uses the same ratio).

    Returns
    -------
    (I, J, K) float32 ndarray
        ``|image + waves|``: the magnitude image.

    Examples
    --------
    >>> x = np.ones((1, 1, 4), np.float32)
    >>> spike(x, positions=[(0.0, 0.0, 0.5)], intensity=0.5).ravel().tolist()  # the finest stripes
    [1.5, 0.5, 1.5, 0.5]
    """
    x = check_magnitude(image)
    positions = check_positions(positions)
    intensity = check_number(intensity, "intensity", minimum=0.0, meaning=" (relative to the k-space centre)")
    amplitude = np.float32(intensity * float(x.mean(dtype=np.float64)))
    if amplitude == 0 or len(positions) == 0:
        return x.copy()
    waves = _spike_waves(x.shape, positions)
    planes = [np.multiply.outer(w[1], w[2]) * amplitude for w in waves]
    out = np.empty(x.shape, np.float32)

    def fill(start: int, stop: int, _state: Any) -> None:
        wave = sum(np.multiply.outer(w[0][start:stop], plane) for w, plane in zip(waves, planes))
        wave.real += x[start:stop]
        np.abs(wave, out=out[start:stop])

    run_chunks(slab_bounds(x.shape[0], num_threads()), fill, x.size)
    return out


def kept_lines(n: int, fraction: float) -> int:
    """Largest offset from the centre kept along an axis of ``n`` when ``fraction`` of k-space is kept.

    Examples
    --------
    >>> kept_lines(100, 0.5), kept_lines(100, 1.0), kept_lines(7, 1.0)
    (25, 50, 3)
    """
    return int(np.floor(fraction * n / 2 + 1e-9))


def gibbs(image: Any, *, fraction: float, axes: Axes = (0, 1, 2)) -> np.ndarray:
    """Gibbs ringing: only the central ``fraction`` of k-space is measured along ``axes``.

    A scan measures a finite box of k-space; the image's sharp edges need
    frequencies beyond it, and cutting them off makes every edge ring: an
    overshoot of about 9 % of the jump next to it and ripples that fade
    with distance (the Gibbs phenomenon), parallel to edges across the cut
    axes. The result is what a scan at ``spacing / fraction`` resolution,
    reconstructed onto the image's grid with zero filling, would show.

    Only the kept frequencies are computed: each axis is transformed in
    turn and cut before the next one, and the inverse pads the cut spectrum
    back. The same result as cutting the full 3D k-space, at a fraction of
    the cost.

    Parameters
    ----------
    image : (I, J, K) array_like
        Magnitudes, >= 0.
    fraction : float
        Fraction of k-space kept along each of ``axes``, in (0, 1]: the lines
        within ``fraction * n / 2`` of the centre. 1 keeps all of it.
    axes : int or sequence of int
        Axes along which k-space is cut.

    Returns
    -------
    (I, J, K) float32 ndarray
        The magnitude image.

    Examples
    --------
    >>> step = np.zeros((1, 1, 32), np.float32); step[..., 8:24] = 1.0
    >>> ringing = gibbs(step, fraction=0.5, axes=2)
    >>> round(float(ringing.max()), 2)  # overshoot next to the edges (the 9 % needs a finer grid)
    1.07
    """
    x = check_magnitude(image)
    fraction = check_number(fraction, "fraction", positive=True, meaning=" and <= 1 (the part of k-space kept)")
    if fraction > 1:
        raise ValueError(f"fraction must be in (0, 1] (the part of k-space kept); got {fraction}")
    cut = [a for a in check_axes(axes) if 2 * kept_lines(x.shape[a], fraction) + 1 < x.shape[a]]
    if not cut:
        return x.copy()
    workers = num_threads()
    last = cut[-1]  # the real transform goes along the most contiguous cut axis
    spectrum = scipy.fft.rfft(x, axis=last, workers=workers)
    spectrum = np.take(spectrum, np.arange(kept_lines(x.shape[last], fraction) + 1), axis=last)
    for a in cut[:-1]:
        m = kept_lines(x.shape[a], fraction)
        kept = np.r_[0 : m + 1, x.shape[a] - m : x.shape[a]]
        spectrum = np.take(scipy.fft.fft(spectrum, axis=a, workers=workers, overwrite_x=True), kept, axis=a)
    for a in reversed(cut[:-1]):
        m = kept_lines(x.shape[a], fraction)
        padded_shape = list(spectrum.shape)
        padded_shape[a] = x.shape[a]
        padded = np.zeros(padded_shape, np.complex64)
        index = [slice(None)] * 3
        index[a] = np.r_[0 : m + 1, x.shape[a] - m : x.shape[a]]
        padded[tuple(index)] = spectrum
        spectrum = scipy.fft.ifft(padded, axis=a, workers=workers, overwrite_x=True)
    out = scipy.fft.irfft(spectrum, n=x.shape[last], axis=last, workers=workers, overwrite_x=True)
    return np.abs(out, out=out)


#: Voxels per block of the Rician noise field: each block has its own random stream, so the blocks are
#: filled in parallel and the noise depends on the seed and the shape only, never on the thread count.
NOISE_BLOCK_VOXELS = 1 << 20
#: The float32 just below 1.
_BELOW_ONE = np.float32(1) - np.float32(2.0**-24)


def rician_noise(image: Any, std: float, *, rng: RngLike = None) -> np.ndarray:
    """The noise of a magnitude MRI: Gaussian noise on the real and imaginary channels, then the magnitude.

    ``sqrt((x + n1)**2 + n2**2)`` with ``n1, n2 ~ N(0, std**2)``. Where the
    signal is strong it is nearly Gaussian; on the background (``x = 0``) it
    is a Rayleigh distribution with mean ``std * sqrt(pi / 2)``, not 0: noise
    raises the background and lowers contrast, which is why a magnitude
    image's background is never black.

    The noise is drawn in blocks of slices along axis 0, each from its own
    stream (``SeedSequence.spawn`` of one seed drawn from ``rng``), on
    several threads; the result depends on ``rng`` and the shape only. Each
    complex noise value is made from two uniform numbers (the Box-Muller
    transform: magnitude ``std * sqrt(-2 ln u)``, phase ``2 pi v``), which is
    exactly Gaussian per channel.

    Parameters
    ----------
    image : (I, J, K) array_like
        Magnitudes, >= 0.
    std : float
        Standard deviation of the noise on each channel, in the image's units, >= 0.
    rng : Generator, int or None
        Source of the noise; the same seed gives the same noise.

    Returns
    -------
    (I, J, K) float32 ndarray

    Examples
    --------
    >>> background = rician_noise(np.zeros((40, 40, 40), np.float32), 2.0, rng=0)
    >>> round(float(background.mean()) / 2.0, 2)  # sqrt(pi / 2) = 1.25
    1.25
    """
    x = check_magnitude(image)
    std = check_number(std, "std", minimum=0.0, meaning=" (noise per channel, in image units)")
    root = np.random.SeedSequence(int(as_rng(rng).integers(2**63)))
    rows = max(1, NOISE_BLOCK_VOXELS // (x.shape[1] * x.shape[2]))
    starts = range(0, x.shape[0], rows)
    streams = root.spawn(len(starts))
    out = np.empty(x.shape, np.float32)
    scale = np.float32(std)

    def fill(start: int, stream: np.random.SeedSequence) -> None:
        generator = np.random.default_rng(stream)
        block = slice(start, start + rows)
        shape = out[block].shape
        # Box-Muller: a complex Gaussian of std sigma per channel is sigma * sqrt(-2 ln u) * exp(2 pi i v)
        # with u, v uniform; exact, and about twice as fast as two standard_normal draws
        radius = generator.random(shape, dtype=np.float32)
        np.subtract(np.float32(1), radius, out=radius)  # in (0, 1]: the logarithm never sees 0
        np.minimum(radius, _BELOW_ONE, out=radius)  # nor 1: a Rician magnitude is never exactly 0
        np.log(radius, out=radius)
        radius *= np.float32(-2)
        np.sqrt(radius, out=radius)
        radius *= scale
        angle = generator.random(shape, dtype=np.float32)
        angle *= np.float32(2 * np.pi)
        real = np.cos(angle)
        real *= radius
        real += x[block]
        imaginary = np.sin(angle, out=angle)
        imaginary *= radius
        real *= real  # sqrt(a**2 + b**2) rather than np.hypot: no overflow at image scales, and faster
        imaginary *= imaginary
        real += imaginary
        np.sqrt(real, out=out[block])

    run_tasks([functools.partial(fill, a, stream) for a, stream in zip(starts, streams)], x.size)
    return out


__all__ = ["check_period", "check_positions", "ghosting", "gibbs", "kept_lines", "rician_noise", "spike"]
