"""Intensity: clipping, CT windows and per-volume normalization.

CT and MRI need different treatment because their numbers mean different things:

* **CT** voxels are in Hounsfield units (HU), a physical scale: air is about
  -1000, water 0, soft tissue 20 to 80, bone several hundred. The same HU means
  the same tissue in every scanner, so CT is *windowed* with fixed, named
  presets (:data:`CT_WINDOWS`) that radiologists use: :func:`window`.
* **MRI** intensities are arbitrary: they change with the scanner, the coil and
  the sequence. They are *normalized per volume*: clip the extreme tails
  (:func:`percentile_clip`), then z-score or min-max (:func:`normalize_intensity`).

All functions return a new float32 array (integer input such as CT int16 is
converted, never wrapped around) and never modify their input. NaN or infinite
voxels, an empty mask and a constant image raise ``ValueError``.
"""

from __future__ import annotations

import numbers
from typing import Any, Literal, Union

import numpy as np

from .._checks import check_array_3d, check_finite, check_label_array, describe
from ..records import apply_recorded, replayable
from ..volume import Volume, check_volume

MaskLike = Union[Literal["nonzero"], np.ndarray, None]

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


def _image(array: Any, name: str = "array") -> np.ndarray:
    """Check ``array`` is a 3D array of intensities (not a boolean mask, not a Volume)."""
    if isinstance(array, Volume):
        raise TypeError(
            f"{name} must be an array; got a Volume. Pass volume.image, or use the Volume "
            f"versions (window_volume, percentile_clip_volume, normalize_volume)"
        )
    arr = check_array_3d(array, name)
    if arr.dtype == np.bool_:
        raise TypeError(
            f"{name} must hold intensities; got {describe(arr)} (a mask? convert it with "
            f"{name}.astype(np.float32) if you really mean it)"
        )
    return arr


def _float32_copy(arr: np.ndarray, name: str) -> np.ndarray:
    """A fresh, finite float32 copy of ``arr`` that the caller may write into."""
    out = np.array(arr, dtype=np.float32, copy=True)
    check_finite(out, name)
    return out


def _number(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a real number; got {describe(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return float(value)


def _resolve_mask(mask: MaskLike, arr: np.ndarray) -> np.ndarray | None:
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
                f"mask must be a boolean array; got {describe(resolved)} "
                f"(for a label map use e.g. mask=label > 0)"
            )
        if resolved.shape != arr.shape:
            raise ValueError(f"mask must have the array's shape {arr.shape}; got {resolved.shape}")
    if not resolved.any():
        raise ValueError(
            f"mask selects no voxels (mask={describe(mask)}); statistics need at least one voxel"
        )
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
    arr = _image(array)
    low = _number(low, "low")
    high = _number(high, "high")
    if low > high:
        raise ValueError(f"low must be <= high; got low={low}, high={high}")
    out = _float32_copy(arr, "array")
    return np.clip(out, np.float32(low), np.float32(high), out=out)


def percentile_bounds(
    array: Any, lower: float = 0.5, upper: float = 99.5, mask: MaskLike = None
) -> tuple[float, float]:
    """The ``lower`` and ``upper`` percentiles of ``array`` (inside ``mask`` when given).

    Exactly what ``np.percentile`` returns (default linear interpolation), as
    Python floats. The voxels are copied once in their own dtype (no float64
    copy of the volume).

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
    arr = _image(array)
    check_finite(arr, "array")
    return _percentiles(arr, lower, upper, _resolve_mask(mask, arr))


def _percentiles(
    arr: np.ndarray, lower: float, upper: float, resolved: np.ndarray | None
) -> tuple[float, float]:
    lower = _number(lower, "lower")
    upper = _number(upper, "upper")
    for name, value in (("lower", lower), ("upper", upper)):
        if not 0.0 <= value <= 100.0:
            raise ValueError(f"{name} must be a percentile in [0, 100]; got {value}")
    if lower > upper:
        raise ValueError(f"lower must be <= upper; got lower={lower}, upper={upper}")
    values = arr.ravel().copy() if resolved is None else arr[resolved]
    # Two scalar calls, not one with [lower, upper]: a list of percentiles makes
    # NumPy interpolate in float64, a scalar in the array's own precision, and
    # we want exactly what np.percentile(array, lower) gives. The second call
    # reuses the partially sorted copy, so it is cheap.
    low = np.percentile(values, lower, overwrite_input=True)
    high = np.percentile(values, upper, overwrite_input=True)
    return float(low), float(high)


def percentile_clip(
    array: Any, lower: float = 0.5, upper: float = 99.5, mask: MaskLike = None
) -> np.ndarray:
    """Clip intensities to their ``lower`` and ``upper`` percentiles (MRI outliers).

    Without a mask: equal to ``np.clip(array, np.percentile(array, lower),
    np.percentile(array, upper))`` cast to float32, without modifying
    ``array`` (the blog's version wrote into its input). With a mask, the
    percentiles come from the mask's voxels and only those voxels are
    clipped: the zero background of an MRI stays 0 instead of rising to the
    lower bound. To clip every voxel to the mask's percentiles, write
    ``clip_range(array, *percentile_bounds(array, lower, upper, mask))``.

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
    arr = _image(array)
    resolved = _resolve_mask(mask, arr)
    low, high = _percentiles(arr, lower, upper, resolved)  # its copy is freed before ours
    out = _float32_copy(arr, "array")
    where = True if resolved is None else resolved
    return np.clip(out, np.float32(low), np.float32(high), out=out, where=where)


def window_limits(level: float, width: float) -> tuple[float, float]:
    """The HU range ``(level - width / 2, level + width / 2)`` a window shows.

    Examples
    --------
    >>> window_limits(*CT_WINDOWS["lung"])
    (-1350.0, 150.0)
    """
    level = _number(level, "level")
    width = _number(width, "width")
    if width <= 0:
        raise ValueError(f"width must be > 0 (in HU); got {width}")
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
    arr = _image(array)
    low, high = window_limits(level, width)
    low32, high32 = np.float32(low), np.float32(high)
    out = _float32_copy(arr, "array")
    out -= low32
    out /= high32 - low32
    return np.clip(out, np.float32(0.0), np.float32(1.0), out=out)


def normalize_intensity(
    array: Any,
    method: Literal["zscore", "minmax"] = "zscore",
    mask: MaskLike = "nonzero",
    *,
    outside: Literal["zero", "normalize"] = "zero",
    out_range: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """Normalize intensities per volume: z-score or min-max, statistics inside a mask.

    Parameters
    ----------
    array : (I, J, K) array_like
        Intensities (MRI in arbitrary units, or a CT already windowed).
    method : {"zscore", "minmax"}
        ``"zscore"``: ``(x - mean) / std`` with the mask's mean and standard
        deviation (ddof 0), so the mask ends with mean 0 and std 1.
        ``"minmax"``: ``(x - min) / (max - min)`` with the mask's min and max,
        mapped to ``out_range``; the mask spans exactly [0, 1] by default
        (another ``out_range`` up to float32 rounding, never beyond it).
    mask : "nonzero", None or (I, J, K) bool ndarray
        Voxels the statistics come from. ``"nonzero"`` (default) suits MRI
        whose background is exactly 0 (skull-stripped or registered data such
        as the MNI template); a brain mask (``label > 0``) is better when you
        have one; None uses every voxel. On CT in HU nearly every voxel is
        non-zero, so pass an explicit body mask or None.
    outside : {"zero", "normalize"}
        What happens to voxels outside the mask. ``"zero"`` (default) sets
        them to 0, so the background stays 0 (for a z-score: the mask's mean
        intensity) and a network sees no new structure there. ``"normalize"``
        applies the same map to every voxel: the zero background of an MRI
        then becomes ``-mean / std`` (negative), which is what the blog's
        "mean" normalization did; with ``"minmax"`` such voxels may fall
        outside ``out_range``. Ignored when ``mask`` is None.
    out_range : (low, high)
        Target range of ``"minmax"``, ``low < high``. Ignored for ``"zscore"``.

    Returns
    -------
    (I, J, K) float32 ndarray
        A new array; the input is unchanged.

    Raises
    ------
    ValueError
        NaN or infinite voxels, an empty mask, or a mask whose voxels all have
        the same value (zero std or range: dividing would give NaN or inf).

    Warnings
    --------
    Not a substitute for CT windowing: z-scoring a CT makes HU values
    scan-dependent again. Window CT with :func:`window`.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((4, 4, 4), np.float32)
    >>> a[1:3, 1:3, 1:3] = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    >>> z = normalize_intensity(a)
    >>> round(float(z[a != 0].mean()), 6), round(float(z[a != 0].std()), 6), float(z[0, 0, 0])
    (0.0, 1.0, 0.0)
    >>> m = normalize_intensity(a, "minmax")
    >>> float(m[a != 0].min()), float(m.max())
    (0.0, 1.0)
    """
    arr = _image(array)
    if method not in ("zscore", "minmax"):
        raise ValueError(f'method must be "zscore" or "minmax"; got {method!r}')
    if outside not in ("zero", "normalize"):
        raise ValueError(f'outside must be "zero" or "normalize"; got {outside!r}')
    target = _check_out_range(out_range) if method == "minmax" else None
    source = arr if arr.dtype == np.float32 else arr.astype(np.float32)
    check_finite(source, "array")
    resolved = _resolve_mask(mask, source)
    values = source.ravel() if resolved is None else source[resolved]
    if method == "zscore":
        shift, scale = _mean_std(values, overwrite=resolved is not None)
        if not scale > 0.0:
            raise ValueError(
                f"array is constant inside the mask (value {shift:g}, std 0): the z-score would "
                f"divide by zero; use a mask that holds more than one intensity"
            )
    else:
        shift, high = float(values.min()), float(values.max())
        if not high > shift:
            raise ValueError(
                f"array is constant inside the mask (every value {shift:g}): min-max would divide "
                f"by zero; use a mask that holds more than one intensity"
            )
        scale = float(np.float32(high) - np.float32(shift))
    inside = None if outside == "normalize" else resolved
    out = _shift_and_scale(source, shift, scale, inside, owned=source is not arr)
    if target is not None and target != (0.0, 1.0):
        where = True if inside is None else inside
        np.multiply(out, np.float32(target[1] - target[0]), out=out, where=where)
        np.add(out, np.float32(target[0]), out=out, where=where)
        # Rounding in the scale-and-offset could step past the ends: clip the mask back.
        np.clip(out, np.float32(target[0]), np.float32(target[1]), out=out,
                where=True if resolved is None else resolved)
    return out


def _shift_and_scale(
    source: np.ndarray, shift: float, scale: float, inside: np.ndarray | None, *, owned: bool
) -> np.ndarray:
    """``(source - shift) / scale`` in float32, and 0 outside ``inside`` when given.

    One pass over the volume: in place when ``source`` is already a private
    copy (``owned``), else into a new array (zero-filled by the allocator when
    only the mask's voxels are written).
    """
    shift32, scale32 = np.float32(shift), np.float32(scale)
    if inside is None:
        out = source if owned else np.empty_like(source)
        np.subtract(source, shift32, out=out)
        return np.divide(out, scale32, out=out)
    if owned:
        np.subtract(source, shift32, out=source)
        np.divide(source, scale32, out=source)
        np.copyto(source, 0.0, where=~inside)
        return source
    out = np.zeros(source.shape, dtype=np.float32)
    np.subtract(source, shift32, out=out, where=inside)
    return np.divide(out, scale32, out=out, where=inside)


def _check_out_range(out_range: Any) -> tuple[float, float]:
    if not isinstance(out_range, (tuple, list)) or len(out_range) != 2:
        raise TypeError(f"out_range must be a (low, high) pair; got {describe(out_range)}")
    low = _number(out_range[0], "out_range[0]")
    high = _number(out_range[1], "out_range[1]")
    if not low < high:
        raise ValueError(f"out_range must have low < high; got {tuple(out_range)}")
    return low, high


def _mean_std(values: np.ndarray, *, overwrite: bool) -> tuple[float, float]:
    """Mean and population std of a float32 vector, accumulated in float64.

    ``np.std`` would build a float64 temporary of the whole vector; here the
    sums are accumulated in float64 chunk by chunk, and the only temporary is
    one float32 copy (none when ``overwrite`` allows reusing ``values``).
    """
    mean = float(values.mean(dtype=np.float64))
    centred = values if overwrite else values.copy()
    centred -= np.float32(mean)
    np.square(centred, out=centred)
    std = float(np.sqrt(centred.mean(dtype=np.float64)))
    return mean, std




VolumeMask = Literal["nonzero", "label", None]
"""Masks a ``Volume`` function takes: names, so the step can be recorded and replayed."""


def _check_volume_mask(mask: Any) -> VolumeMask:
    if mask is None or (isinstance(mask, str) and mask in ("nonzero", "label")):
        return mask
    raise ValueError(
        f'mask must be "nonzero", "label" or None for a Volume; got {describe(mask)}. For a mask '
        f"array, call the array function on volume.image and volume.replace(image=...)"
    )


def _resolve_volume_mask(volume: Volume, mask: VolumeMask) -> np.ndarray | str | None:
    if mask == "label":
        if volume.label is None:
            raise ValueError('mask="label" needs a volume with a label map; this volume has none')
        return check_label_array(volume.label) > 0
    return mask


def window_volume(volume: Volume, level: float, width: float) -> Volume:
    """:func:`window` a CT ``Volume``'s image; label and affine are kept, the step is recorded.

    Examples
    --------
    >>> from tutorial_utils import make_ct_phantom
    >>> ct = make_ct_phantom(shape=(32, 32, 16))
    >>> brain = window_volume(ct, *CT_WINDOWS["brain"])
    >>> float(brain.image.min()), float(brain.image.max()), brain.label is ct.label
    (0.0, 1.0, True)
    >>> brain.history[-1].name
    'window'
    """
    volume = check_volume(volume)
    return apply_recorded(volume, "window", level=float(level), width=float(width))


@replayable("window")
def _window_volume(volume: Volume, level: float, width: float) -> Volume:
    return volume.replace(image=window(volume.image, level, width))


def normalize_volume(
    volume: Volume,
    method: Literal["zscore", "minmax"] = "zscore",
    mask: VolumeMask = "nonzero",
    *,
    outside: Literal["zero", "normalize"] = "zero",
    out_range: tuple[float, float] = (0.0, 1.0),
) -> Volume:
    """:func:`normalize_intensity` a ``Volume``'s image; label and affine are kept, the step is recorded.

    Parameters
    ----------
    volume : Volume
    method, outside, out_range
        As in :func:`normalize_intensity`.
    mask : "nonzero", "label" or None
        As in :func:`normalize_intensity`, plus ``"label"``: the statistics
        come from the voxels where ``volume.label > 0`` (e.g. the brain).
        For a mask array, use :func:`normalize_intensity` on ``volume.image``.

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> epi = load_sample("epi")
    >>> z = normalize_volume(epi)
    >>> round(float(z.image[epi.image != 0].std()), 3), np.array_equal(z.affine, epi.affine)
    (1.0, True)
    """
    volume = check_volume(volume)
    mask = _check_volume_mask(mask)
    low, high = out_range
    return apply_recorded(
        volume, "normalize", method=method, mask=mask, outside=outside, out_range=(float(low), float(high))
    )


@replayable("normalize")
def _normalize_volume(
    volume: Volume, method: str, mask: VolumeMask, outside: str, out_range: tuple[float, float]
) -> Volume:
    resolved = _resolve_volume_mask(volume, mask)
    image = normalize_intensity(volume.image, method, resolved, outside=outside, out_range=out_range)
    return volume.replace(image=image)


def percentile_clip_volume(
    volume: Volume, lower: float = 0.5, upper: float = 99.5, mask: VolumeMask = None
) -> Volume:
    """:func:`percentile_clip` a ``Volume``'s image; label and affine are kept, the step is recorded.

    ``mask`` is ``"nonzero"``, ``"label"`` (where ``volume.label > 0``) or None.

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> epi = load_sample("epi")
    >>> float(percentile_clip_volume(epi, 1, 99).image.max()) < float(epi.image.max())
    True
    """
    volume = check_volume(volume)
    mask = _check_volume_mask(mask)
    return apply_recorded(volume, "percentile_clip", lower=float(lower), upper=float(upper), mask=mask)


@replayable("percentile_clip")
def _percentile_clip_volume(volume: Volume, lower: float, upper: float, mask: VolumeMask) -> Volume:
    return volume.replace(image=percentile_clip(volume.image, lower, upper, _resolve_volume_mask(volume, mask)))


__all__ = [
    "CT_WINDOWS",
    "clip_range",
    "normalize_intensity",
    "normalize_volume",
    "percentile_bounds",
    "percentile_clip",
    "percentile_clip_volume",
    "window",
    "window_limits",
    "window_volume",
]
