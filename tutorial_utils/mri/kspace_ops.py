"""k-space: the centred, orthonormal Fourier transform of an image, and the line-by-line machinery.

An MRI scanner does not measure voxels: it measures the image's spatial
frequencies, its *k-space*, one line at a time, and the image is the inverse
Fourier transform of what it measured. Every MRI artifact of this topic is a
change to k-space (a line measured while the head was elsewhere, lines
measured with another gain, a spike, lines never measured), followed by the
inverse transform and the magnitude, which is what the scanner stores.

Axes and conventions
--------------------
* ``to_kspace(image)[u, v, w]`` is indexed like the image ``[i, j, k]``:
  axis ``a`` of k-space holds the frequencies along image axis ``a``.
* Centred: the zero frequency (the image's sum, the brightest point) sits at
  index ``n // 2`` of an axis of ``n`` voxels; index ``m`` holds the
  frequency ``(m - n // 2) / n`` cycles per voxel, i.e. ``(m - n // 2) /
  (n * spacing)`` cycles per mm. The edges hold the finest detail (up to 0.5
  cycles per voxel, the Nyquist frequency).
* Orthonormal (``norm="ortho"``): energy is preserved, ``sum |K|**2 ==
  sum |x|**2`` (Parseval), and :func:`from_kspace` is the exact inverse.
* The image's centre voxel ``n // 2`` is the origin of the phase, so the
  k-space of a centred, symmetric object is real.

The transforms use ``scipy.fft`` on :func:`~tutorial_utils.num_threads`
threads, in single precision (float32 in, complex64 out).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.fft

from .._checks import check_array_3d, check_axis, describe
from .._threads import num_threads, run_chunks, slab_bounds

Axes = int | Sequence[int]


def check_axes(axes: Any, name: str = "axes") -> tuple[int, ...]:
    """``axes`` as a sorted tuple of distinct array axes (an int or a sequence of ints in [-3, 3)).

    Examples
    --------
    >>> check_axes(2), check_axes((0, -1))
    ((2,), (0, 2))
    """
    values = (axes,) if isinstance(axes, (numbers.Integral, np.integer)) else axes
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)) or len(values) == 0:
        raise TypeError(f"{name} must be an axis (0, 1 or 2) or a non-empty sequence of them; got {describe(axes)}")
    checked = tuple(sorted({check_axis(a, name) for a in values}))
    if len(checked) != len(values):
        raise ValueError(f"{name} must not repeat an axis; got {describe(axes)}")
    return checked


def check_magnitude(image: Any, name: str = "image") -> np.ndarray:
    """``image`` as a finite float32 3D array of magnitudes (>= 0); no copy when it already is one.

    A scanner stores the magnitude of the complex image, so every MRI artifact
    here takes and returns magnitudes. A z-scored image (negative values) is
    refused rather than folded by the magnitude: apply MRI artifacts before
    normalising.
    """
    if hasattr(image, "image") and hasattr(image, "affine"):
        raise TypeError(f"{name} must be an array; got a {type(image).__name__}. Pass volume.image")
    arr = check_array_3d(image, name)
    if np.iscomplexobj(arr) or arr.dtype == np.bool_:
        raise TypeError(f"{name} must hold real intensities (a magnitude image); got {describe(arr)}")
    if arr.dtype != np.float32:
        arr = arr.astype(np.float32)
    low, high = float(arr.min()), float(arr.max())
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{name} holds NaN or infinite values; clean them first (np.nan_to_num)")
    if low < 0:
        raise ValueError(
            f"{name} must be a magnitude image (all values >= 0), as an MRI scanner stores it; got a minimum "
            f"of {low:g}. Apply MRI artifacts before z-scoring, or clip small negative values from a cubic "
            f"resampling first (np.clip({name}, 0, None))"
        )
    return arr


def _as_fft_input(array: Any, name: str) -> np.ndarray:
    arr = check_array_3d(array, name)
    if arr.dtype == np.bool_:
        raise TypeError(f"{name} must hold numbers, not a boolean mask; got {describe(arr)}")
    if np.iscomplexobj(arr):
        arr = arr.astype(np.complex64, copy=False)
    elif arr.dtype != np.float32:
        arr = arr.astype(np.float32)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} holds NaN or infinite values; clean them first (np.nan_to_num)")
    return arr


def to_kspace(image: Any, *, axes: Axes = (0, 1, 2)) -> np.ndarray:
    """The centred, orthonormal Fourier transform of ``image``: what the scanner measures.

    ``fftshift(fftn(ifftshift(image)))`` over ``axes``, normalised so that
    energy is preserved (see the module docstring for the axes and the
    frequency of each index).

    Parameters
    ----------
    image : (I, J, K) array_like
        Real or complex.
    axes : int or sequence of int
        Axes to transform; the default is the full 3D k-space. ``axes=(0, 1)``
        gives the 2D k-space of every slice ``[:, :, k]`` (what a 2D
        multi-slice scan measures, one slice at a time).

    Returns
    -------
    (I, J, K) complex64 ndarray
        Zero frequency at index ``n // 2`` along each transformed axis.

    Examples
    --------
    >>> x = np.ones((4, 4, 4), np.float32)
    >>> k = to_kspace(x)
    >>> round(float(abs(k[2, 2, 2])), 3), round(float(np.abs(k).sum()), 3)  # all of it at the centre
    (8.0, 8.0)
    """
    arr = _as_fft_input(image, "image")
    axes = check_axes(axes)
    shifted = scipy.fft.ifftshift(arr, axes=axes)  # a copy: the transform may overwrite it
    kspace = scipy.fft.fftn(shifted, axes=axes, norm="ortho", workers=num_threads(), overwrite_x=True)
    return scipy.fft.fftshift(kspace, axes=axes)


def from_kspace(kspace: Any, *, axes: Axes = (0, 1, 2)) -> np.ndarray:
    """The inverse of :func:`to_kspace`: the complex image a k-space reconstructs to.

    A scanner shows ``np.abs(from_kspace(kspace))``, the magnitude.

    Parameters
    ----------
    kspace : (I, J, K) array_like
        Centred k-space (zero frequency at ``n // 2``), complex or real.
    axes : int or sequence of int
        The axes :func:`to_kspace` transformed.

    Returns
    -------
    (I, J, K) complex64 ndarray

    Examples
    --------
    >>> x = np.random.default_rng(0).random((5, 6, 7)).astype(np.float32)
    >>> bool(np.allclose(from_kspace(to_kspace(x)), x, atol=1e-5))
    True
    """
    arr = _as_fft_input(kspace, "kspace")
    axes = check_axes(axes)
    unshifted = scipy.fft.ifftshift(arr, axes=axes)  # a copy: the transform may overwrite it
    image = scipy.fft.ifftn(unshifted, axes=axes, norm="ortho", workers=num_threads(), overwrite_x=True)
    return scipy.fft.fftshift(image, axes=axes)


def signed_frequencies(n: int) -> np.ndarray:
    """Frequency (in k-space lines from the centre) of each *uncentred* FFT index of an axis of ``n``.

    ``scipy.fft.fft`` puts the zero frequency at index 0; this is the line's
    offset from the centre of the centred k-space, ``-(n // 2) .. n - 1 - n // 2``.

    Examples
    --------
    >>> signed_frequencies(4).tolist(), signed_frequencies(5).tolist()
    ([0, 1, -2, -1], [0, 1, 2, -2, -1])
    """
    return np.rint(scipy.fft.fftfreq(n) * n).astype(np.intp)


Slab = tuple[slice, slice, slice]


def map_lines(shape: tuple[int, ...], axis: int, work: Callable[[Slab], np.ndarray]) -> np.ndarray:
    """A float32 array of ``shape`` filled slab by slab: ``out[slab] = work(slab)``, each slab whole along ``axis``.

    Each MRI artifact here changes whole k-space lines along one axis (the
    phase-encoding axis): every image column along that axis is transformed
    on its own, so the volume can be cut into slabs across another axis and
    the slabs done in parallel (:func:`~tutorial_utils._threads.run_chunks`),
    each with a small scratch spectrum instead of one of the whole volume.
    ``slab`` is a tuple of slices into the volume.
    """
    across = 1 if axis == 0 else 0
    out = np.empty(shape, np.float32)

    def run(start: int, stop: int, _state: Any) -> None:
        index = [slice(None)] * 3
        index[across] = slice(start, stop)
        out[tuple(index)] = work(tuple(index))  # type: ignore[arg-type]

    run_chunks(slab_bounds(shape[across], num_threads()), run, out.size)
    return out


__all__ = ["check_axes", "check_magnitude", "from_kspace", "map_lines", "signed_frequencies", "to_kspace"]
