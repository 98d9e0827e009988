"""Per-volume intensity normalization: z-score or min-max, statistics inside a mask.

MRI intensities have no physical unit, so each scan is normalized on its own,
usually after clipping its tails (:func:`~tutorial_utils.intensity.ops.percentile_clip`).
The statistics come from a mask (the non-zero voxels or a brain mask), so a
large zero background neither drags the mean down nor turns negative.
Returns a new float32 array; the input is never modified.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .._checks import check_finite, check_number, describe
from .ops import MaskLike, check_intensities, resolve_mask

NormalizeMethod = Literal["zscore", "minmax"]
"""The ``method`` values of :func:`normalize_intensity`."""
OutsideMask = Literal["zero", "normalize"]
"""The ``outside`` values of :func:`normalize_intensity`: what voxels outside the mask become."""


def normalize_intensity(
    array: Any,
    *,
    method: Literal["zscore", "minmax"] = "zscore",
    mask: MaskLike = "nonzero",
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
        Target range of ``"minmax"``, ``low < high`` (checked for
        ``"zscore"`` too, where it is not used).

    Returns
    -------
    (I, J, K) float32 ndarray
        A new array; the input is unchanged.

    Raises
    ------
    ValueError
        NaN or infinite voxels, an empty mask, or a mask whose voxels all have
        the same value (zero std or range: dividing would give NaN or inf);
        an unknown ``method`` or ``outside``, an ``out_range`` with
        ``low >= high``.
    TypeError
        An ``out_range`` that is not a pair of numbers.

    Warnings
    --------
    Not a substitute for CT windowing: z-scoring a CT makes HU values
    scan-dependent again. Window CT with :func:`~tutorial_utils.intensity.ops.window`.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((4, 4, 4), np.float32)
    >>> a[1:3, 1:3, 1:3] = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    >>> z = normalize_intensity(a)
    >>> round(float(z[a != 0].mean()), 6), round(float(z[a != 0].std()), 6), float(z[0, 0, 0])
    (0.0, 1.0, 0.0)
    >>> m = normalize_intensity(a, method="minmax")
    >>> float(m[a != 0].min()), float(m.max())
    (0.0, 1.0)
    """
    arr = check_intensities(array)
    if not isinstance(method, str) or method not in ("zscore", "minmax"):
        raise ValueError(f'method must be "zscore" or "minmax"; got {describe(method)}')
    if not isinstance(outside, str) or outside not in ("zero", "normalize"):
        raise ValueError(f'outside must be "zero" or "normalize"; got {describe(outside)}')
    target = _check_out_range(out_range)
    source = arr if arr.dtype == np.float32 else arr.astype(np.float32)
    check_finite(source, "array")
    resolved = resolve_mask(mask, source)
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
    if method == "minmax" and target != (0.0, 1.0):
        where = True if inside is None else inside
        np.multiply(out, np.float32(target[1] - target[0]), out=out, where=where)
        np.add(out, np.float32(target[0]), out=out, where=where)
        # Rounding in the scale-and-offset could step past the ends: clip the mask back.
        np.clip(
            out, np.float32(target[0]), np.float32(target[1]), out=out, where=True if resolved is None else resolved
        )
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
    """``out_range`` as floats ``(low, high)`` with ``low < high``."""
    expected = "a (low, high) pair of numbers with low < high, e.g. (0.0, 1.0)"
    if isinstance(out_range, (str, bytes)) or not isinstance(out_range, (tuple, list, np.ndarray)):
        raise TypeError(f"out_range must be {expected}; got {describe(out_range)}")
    if len(out_range) != 2:
        raise TypeError(f"out_range must be {expected}; got {len(out_range)} values: {describe(out_range)}")
    low, high = (check_number(v, f"out_range[{i}]") for i, v in enumerate(out_range))
    if not low < high:
        raise ValueError(f"out_range must be {expected}; got {describe(out_range)}")
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


__all__ = ["normalize_intensity"]
