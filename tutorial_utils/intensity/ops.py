"""Intensity: clipping and CT windows (arrays in, new float32 arrays out).

CT and MRI need different treatment because their numbers mean different things:

* **CT** voxels are in Hounsfield units (HU), a physical scale: air is about
  -1000, water 0, soft tissue 20 to 80, bone several hundred. The same HU means
  the same tissue in every scanner, so CT is *windowed* with fixed, named
  presets (:data:`CT_WINDOWS`) that radiologists use: :func:`window`.
* **MRI** intensities are arbitrary: they change with the scanner, the coil and
  the sequence. They are *normalized per volume*: clip the extreme tails
  (:func:`percentile_clip`), then z-score or min-max
  (:func:`~tutorial_utils.intensity.normalize_ops.normalize_intensity`).

All functions return a new float32 array (integer input such as CT int16 is
converted, never wrapped around) and never modify their input. NaN or infinite
voxels, an empty mask and a constant image raise ``ValueError``.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import numpy as np

from .._checks import check_array_3d, check_finite, check_number, describe
from .._threads import num_threads, run_tasks, slab_bounds
from .rank_ops import exact_percentiles

MaskLike = Literal["nonzero"] | np.ndarray | None

#: Named CT display windows, name -> (level, width) in HU. Each maps the HU range
#: ``[level - width / 2, level + width / 2]`` to [0, 1] in :func:`window`.
CT_WINDOWS: dict[str, tuple[float, float]] = {
    "brain": (40, 80),  # Radiopaedia, "Windowing (CT)": brain W:80 L:40
    "subdural": (75, 215),  # Radiopaedia, "Windowing (CT)": subdural W:130-300 L:50-100 (midpoints)
    "stroke": (40, 40),  # Radiopaedia, "Windowing (CT)": stroke W:40 L:40 (a narrower W:8 L:32 is also used)
    "lung": (-600, 1500),  # Radiopaedia, "Windowing (CT)": lungs W:1500 L:-600
    "mediastinum": (50, 350),  # Radiopaedia, "Windowing (CT)": chest mediastinum W:350 L:50
    "soft_tissue": (50, 400),  # Radiopaedia, "Windowing (CT)": soft tissues W:350-400 L:20-60
    "abdomen": (40, 400),  # Radiopaedia, "Windowing (CT)": abdomen soft tissues W:400 L:40
    "liver": (30, 150),  # Radiopaedia, "Windowing (CT)": liver W:150 L:30
    "bone": (400, 1800),  # Radiopaedia, "Windowing (CT)": bone W:1800 L:400
}


def check_intensities(array: Any, name: str = "array") -> np.ndarray:
    """Check ``array`` is a 3D array of intensities (not a boolean mask, not a ``Volume``)."""
    if hasattr(array, "image") and hasattr(array, "affine"):
        raise TypeError(
            f"{name} must be an array; got a {type(array).__name__}. Pass volume.image, or use the "
            f"Volume functions (window_volume, percentile_clip_volume, normalize_volume, random_gamma, ...)"
        )
    arr = check_array_3d(array, name)
    if arr.dtype == np.bool_:
        raise TypeError(
            f"{name} must hold intensities; got {describe(arr)} (a mask? convert it with "
            f"{name}.astype(np.float32) if you really mean it)"
        )
    return arr


def float32_copy(arr: np.ndarray, name: str = "array") -> np.ndarray:
    """A fresh, finite float32 copy of ``arr`` that the caller may write into."""
    out = np.array(arr, dtype=np.float32, copy=True)
    check_finite(out, name)
    return out


def resolve_mask(mask: MaskLike, arr: np.ndarray) -> np.ndarray | None:
    """Turn ``mask`` into a boolean array of ``arr``'s shape (or None for every voxel)."""
    if mask is None:
        return None
    if isinstance(mask, str):
        if mask != "nonzero":
            raise ValueError(f'mask must be "nonzero", None or a boolean array; got {mask!r}')
        resolved = arr != 0
    else:
        resolved = np.asarray(mask)
        if resolved.dtype != np.bool_:
            raise TypeError(
                f"mask must be a boolean array; got {describe(resolved)} (for a label map use e.g. mask=label > 0)"
            )
        if resolved.shape != arr.shape:
            raise ValueError(f"mask must have the array's shape {arr.shape}; got {resolved.shape}")
    if not resolved.any():
        raise ValueError(f"mask selects no voxels (mask={describe(mask)}); statistics need at least one voxel")
    return resolved


def clip_range(array: Any, low: float, high: float) -> np.ndarray:
    """Clip intensities to ``[low, high]``.

    Parameters
    ----------
    array : (I, J, K) array_like
        Intensities; integers are converted to float32 first.
    low, high : float
        Limits, ``low <= high``, in the array's units (HU for CT).

    Returns
    -------
    (I, J, K) float32 ndarray
        A new array; the input is unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.array([-1000, 0, 40, 3000], np.int16).reshape(1, 1, 4)
    >>> clip_range(hu, -200, 400).ravel().tolist()
    [-200.0, 0.0, 40.0, 400.0]
    """
    arr = check_intensities(array)
    low = check_number(low, "low")
    high = check_number(high, "high")
    if low > high:
        raise ValueError(f"low must be <= high; got low={low}, high={high}")
    out = float32_copy(arr, "array")
    return np.clip(out, np.float32(low), np.float32(high), out=out)


def percentile_bounds(
    array: Any, lower: float = 0.5, upper: float = 99.5, *, mask: MaskLike = None
) -> tuple[float, float]:
    """The ``lower`` and ``upper`` percentiles of ``array`` (inside ``mask`` when given).

    Exactly what ``np.percentile`` returns (default linear interpolation), as
    Python floats, without copying or sorting the volume: a sample brackets
    each rank, one pass counts the voxels around the brackets and only the few
    inside them are sorted (see :mod:`~tutorial_utils.intensity.rank_ops`).

    Parameters
    ----------
    array : (I, J, K) array_like
        Intensities.
    lower, upper : float
        Percentiles in [0, 100], ``lower <= upper``.
    mask : "nonzero", None or (I, J, K) bool ndarray
        Voxels the percentiles are computed over: all (None), the non-zero
        ones, or a boolean mask such as ``label > 0``.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(101, dtype=np.float32).reshape(1, 1, 101)
    >>> percentile_bounds(a, 1, 99)
    (1.0, 99.0)
    """
    arr = check_intensities(array)
    return _percentiles(arr, lower, upper, resolve_mask(mask, arr))


def _percentiles(arr: np.ndarray, lower: float, upper: float, resolved: np.ndarray | None) -> tuple[float, float]:
    lower = check_number(lower, "lower", meaning=" (a percentile in [0, 100])")
    upper = check_number(upper, "upper", meaning=" (a percentile in [0, 100])")
    for name, value in (("lower", lower), ("upper", upper)):
        if not 0.0 <= value <= 100.0:
            raise ValueError(f"{name} must be a percentile in [0, 100]; got {value}")
    if lower > upper:
        raise ValueError(f"lower must be <= upper; got lower={lower}, upper={upper}")
    found = exact_percentiles(arr, (lower, upper), resolved)
    if found is None:
        check_finite(arr, "array")  # raises, naming how many voxels are not finite
    low, high = found
    return low, high


def _clip_into_float32(arr: np.ndarray, low: float, high: float, where: np.ndarray | None) -> np.ndarray:
    """A new float32 array: ``arr`` clipped to ``[low, high]`` (only at ``where``), in slabs over threads."""
    out = np.empty(arr.shape, dtype=np.float32)
    low32, high32 = np.float32(low), np.float32(high)

    def fill(start: int, stop: int) -> None:
        target = out[start:stop]
        if where is None and arr.dtype == np.float32:
            np.clip(arr[start:stop], low32, high32, out=target)
            return
        np.copyto(target, arr[start:stop], casting="unsafe")
        np.clip(target, low32, high32, out=target, where=True if where is None else where[start:stop])

    tasks = [functools.partial(fill, a, b) for a, b in slab_bounds(arr.shape[0], num_threads())]
    run_tasks(tasks, arr.size)
    return out


def percentile_clip(array: Any, lower: float = 0.5, upper: float = 99.5, *, mask: MaskLike = None) -> np.ndarray:
    """Clip intensities to their ``lower`` and ``upper`` percentiles (MRI outliers).

    Without a mask: equal to ``np.clip(array, np.percentile(array, lower),
    np.percentile(array, upper))`` cast to float32, without modifying
    ``array`` (the blog's version wrote into its input). With a mask, the
    percentiles come from the mask's voxels and only those voxels are
    clipped: the zero background of an MRI stays 0 instead of rising to the
    lower bound. To clip every voxel to the mask's percentiles, write
    ``clip_range(array, *percentile_bounds(array, lower, upper, mask=mask))``.

    Parameters
    ----------
    array : (I, J, K) array_like
        Intensities; integers are converted to float32.
    lower, upper : float
        Percentiles in [0, 100], ``lower <= upper``; 0.5 and 99.5 remove the
        bright spikes typical of MRI without touching tissue contrast.
    mask : "nonzero", None or (I, J, K) bool ndarray
        Where the percentiles are computed and the clip applied. On an MRI
        with a large zero background, ``"nonzero"`` (or a brain mask) keeps
        the background from dragging the lower percentile to 0.

    Returns
    -------
    (I, J, K) float32 ndarray

    Raises
    ------
    ValueError
        NaN or infinite voxels, percentiles outside [0, 100] or in the wrong
        order, an empty mask.

    Warnings
    --------
    Not for CT: HU are physical units, so clip CT to a fixed HU range
    (:func:`clip_range`) or a window (:func:`window`) instead, so the same
    tissue keeps the same value in every scan.

    See Also
    --------
    percentile_bounds : the limits themselves (e.g. to draw them on a histogram).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(101, dtype=np.float32).reshape(1, 1, 101)
    >>> out = percentile_clip(a, 1, 99)
    >>> float(out.min()), float(out.max()), float(a.max())
    (1.0, 99.0, 100.0)
    """
    arr = check_intensities(array)
    resolved = resolve_mask(mask, arr)
    low, high = _percentiles(arr, lower, upper, resolved)
    return _clip_into_float32(arr, low, high, resolved)


def window_limits(level: float, width: float) -> tuple[float, float]:
    """The HU range ``(level - width / 2, level + width / 2)`` a window shows.

    Examples
    --------
    >>> window_limits(*CT_WINDOWS["lung"])
    (-1350.0, 150.0)
    """
    if isinstance(level, str) and level in CT_WINDOWS:
        raise TypeError(
            f"level must be a number (the window centre in HU); got {level!r}. For a preset, "
            f"pass its (level, width) unpacked: *CT_WINDOWS[{level!r}]"
        )
    level = check_number(level, "level", meaning=" (the window centre in HU)")
    width = check_number(width, "width", positive=True, meaning=" (the window width in HU)")
    return level - width / 2.0, level + width / 2.0


def window(array: Any, level: float, width: float) -> np.ndarray:
    """Map the HU range ``level ± width / 2`` linearly to [0, 1] (CT windowing).

    Voxels below ``level - width / 2`` become 0 (black), above ``level +
    width / 2`` become 1 (white). Use a preset: ``window(ct,
    *CT_WINDOWS["lung"])``.

    Parameters
    ----------
    array : (I, J, K) array_like
        CT intensities in Hounsfield units (int16 is fine: it is converted to
        float32, without wraparound).
    level : float
        Window centre (also called window level or centre), in HU.
    width : float
        Window width in HU, > 0. A narrow width means high contrast.

    Returns
    -------
    (I, J, K) float32 ndarray in [0, 1]
        Exactly 0 at ``level - width / 2`` and exactly 1 at ``level + width / 2``.

    Notes
    -----
    This is the plain linear map. DICOM viewers use a slightly shifted
    formula for integer data (PS3.3 C.11.2.1.2, ``(x - (c - 0.5)) / (w - 1)``);
    the difference is below one HU.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.array([-1000, 0, 40, 80, 1000], np.int16).reshape(1, 1, 5)
    >>> window(hu, *CT_WINDOWS["brain"]).ravel().tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0]
    """
    arr = check_intensities(array)
    low, high = window_limits(level, width)
    low32, high32 = np.float32(low), np.float32(high)
    out = float32_copy(arr, "array")
    out -= low32
    out /= high32 - low32
    return np.clip(out, np.float32(0.0), np.float32(1.0), out=out)


__all__ = [
    "CT_WINDOWS",
    "clip_range",
    "percentile_bounds",
    "percentile_clip",
    "window",
    "window_limits",
]
