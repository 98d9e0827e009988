"""Input validation shared by every module.

Each helper raises ``ValueError`` or ``TypeError`` with a message that names
the parameter, the value received and what was expected. None of them modify
their input.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

RngLike = Union[np.random.Generator, np.random.SeedSequence, int, None]  # noqa: UP007 (a runtime alias)
"""What every ``rng`` parameter accepts."""


def describe(value: Any) -> str:
    """Short description of ``value`` for error messages (arrays by shape and dtype)."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def as_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Turn ``rng`` (Generator, SeedSequence, int seed or None) into a Generator.

    Never touches the global ``np.random`` state.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, a SeedSequence, a non-negative "
            f"int seed or None; got {describe(rng)}"
        )
    if rng < 0:
        raise ValueError(f"{name} must be a non-negative int seed; got {rng}")
    return np.random.default_rng(int(rng))


def check_array_3d(array: Any, name: str = "array") -> np.ndarray:
    """Return ``array`` as a numeric 3D numpy array with no empty axis (no copy when possible).

    An empty axis is refused here, at the door, rather than deep inside
    ``np.percentile`` or a resampling (shape ``(0, 4, 5)``).
    """
    if isinstance(array, (str, bytes)) or array is None:
        raise TypeError(f"{name} must be a 3D numpy array; got {describe(array)}")
    try:
        arr = np.asarray(array)
    except Exception as exc:  # pragma: no cover - exotic array-likes
        raise TypeError(f"{name} must be a 3D numpy array; got {describe(array)}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must hold numbers; got {describe(arr)}")
    if arr.ndim != 3:
        hint = ""
        if arr.ndim == 4:
            hint = " (a 4D series: pick one volume, e.g. array[..., 0])"
        raise ValueError(f"{name} must be 3D with shape (I, J, K); got {arr.ndim}D shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(
            f"{name} must hold at least one voxel along every axis; got shape {arr.shape} "
            "(an empty crop or an empty series?)"
        )
    return arr


def check_finite(array: np.ndarray, name: str = "array") -> None:
    """Raise ``ValueError`` if a float ``array`` holds NaN or infinite values."""
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        n_bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(
            f"{name} holds {n_bad} NaN or infinite values; clean them first (e.g. np.nan_to_num(array, nan=background))"
        )


def as_float32_image(array: Any, name: str = "array") -> np.ndarray:
    """Return a finite 3D float32 view or copy of ``array`` (integers are converted)."""
    arr = check_array_3d(array, name)
    if arr.dtype != np.float32:
        arr = arr.astype(np.float32)
    check_finite(arr, name)
    return arr


def check_label_array(label: Any, name: str = "label") -> np.ndarray:
    """Return ``label`` as a 3D integer array; booleans become uint8."""
    arr = check_array_3d(label, name)
    if arr.dtype == np.bool_:
        return arr.astype(np.uint8)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"{name} must be an integer label map (e.g. uint8 or int16); got {describe(arr)}. "
            f"Round and cast it explicitly if it holds integer values: "
            f"np.rint({name}).astype(np.int16)"
        )
    return arr


def as_triple(
    value: Any,
    name: str,
    *,
    positive: bool = False,
    integer: bool = False,
    allow_zero: bool = True,
) -> tuple:
    """Broadcast a scalar or check a length-3 sequence, one entry per axis."""
    if isinstance(value, (numbers.Number, np.number)) and not isinstance(value, (bool, np.bool_)):
        values = (value,) * 3
    elif isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, (str, bytes)):
        values = tuple(np.asarray(value).ravel().tolist()) if isinstance(value, np.ndarray) else tuple(value)
        if len(values) != 3:
            raise ValueError(f"{name} must have one entry per axis (3); got {len(values)}: {describe(value)}")
    else:
        raise TypeError(f"{name} must be a number or a sequence of 3 numbers; got {describe(value)}")
    checked = []
    for v in values:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
            raise TypeError(f"{name} must hold real numbers; got {describe(value)}")
        if not np.isfinite(v):
            raise ValueError(f"{name} must be finite; got {describe(value)}")
        if integer and float(v) != int(v):
            raise ValueError(f"{name} must hold integers; got {describe(value)}")
        if positive and (v < 0 or (v == 0 and not allow_zero)):
            requirement = "> 0" if not allow_zero else ">= 0"
            raise ValueError(f"{name} must be {requirement} on every axis; got {describe(value)}")
        checked.append(int(v) if integer else float(v))
    return tuple(checked)


def check_probability(p: Any, name: str = "probability") -> float:
    """Return ``p`` as a float in [0, 1]."""
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a number in [0, 1]; got {describe(p)}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{name} must be in [0, 1]; got {p}")
    return float(p)


def check_axis(axis: Any, name: str = "axis", ndim: int = 3) -> int:
    """Return ``axis`` as an int in ``[0, ndim)`` (negative values count from the end)."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an int in [-{ndim}, {ndim}); got {describe(axis)}")
    if not -ndim <= int(axis) < ndim:
        raise ValueError(f"{name} must be in [-{ndim}, {ndim}) for a {ndim}D volume; got {axis}")
    return int(axis) % ndim


def check_non_negative_int(value: Any, name: str) -> int:
    """Return ``value`` as an int >= 0 (booleans refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be a non-negative int; got {describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int; got {value}")
    return int(value)


def check_order(order: Any) -> int:
    """Return ``order`` as a spline interpolation order in 0..5 (0 nearest, 1 linear, 3 cubic)."""
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (numbers.Integral, np.integer)):
        raise TypeError(f"order must be an int from 0 to 5; got {describe(order)}")
    if not 0 <= int(order) <= 5:
        raise ValueError(f"order must be an int from 0 to 5 (0 nearest, 1 linear, 3 cubic); got {order}")
    return int(order)


def check_homogeneous_matrix(value: Any, name: str, meaning: str = "") -> np.ndarray:
    """Return ``value`` as a finite float64 4x4 matrix whose last row is (0, 0, 0, 1).

    ``meaning`` is added to the shape error, e.g. ``" (homogeneous, OUTPUT -> INPUT)"``.
    """
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 4x4 array of numbers; got {describe(value)}") from exc
    if arr.shape != (4, 4):
        raise ValueError(f"{name} must have shape (4, 4){meaning}; got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; got NaN or infinite entries")
    if not np.allclose(arr[3], [0, 0, 0, 1]):
        raise ValueError(f"{name}'s last row must be (0, 0, 0, 1); got {tuple(arr[3])}")
    return arr


def as_range(value: Any, name: str, *, center: float = 0.0, minimum: float | None = None) -> tuple[float, float]:
    """A range as ``(low, high)``: a pair of finite numbers, or one number ``d >= 0`` meaning ``(center - d, center + d)``.

    Examples
    --------
    >>> as_range(10, "degrees"), as_range(0.1, "scale_range", center=1.0), as_range((2, 3), "r")
    ((-10.0, 10.0), (0.9, 1.1), (2.0, 3.0))
    """
    if isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0 or a (low, high) pair; got {describe(value)}")
        low, high = center - float(value), center + float(value)
    else:
        if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)) or len(value) != 2:
            raise TypeError(f"{name} must be a number or a (low, high) pair; got {describe(value)}")
        for v in value:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
                raise TypeError(f"{name} must be a (low, high) pair of numbers; got {describe(value)}")
            if not np.isfinite(v):
                raise ValueError(f"{name} must hold finite numbers; got {describe(value)}")
        low, high = float(value[0]), float(value[1])
        if low > high:
            raise ValueError(f"{name} must have low <= high; got {describe(value)}")
    if minimum is not None and low < minimum:
        raise ValueError(f"{name} must stay >= {minimum}; got {describe(value)} (range {low:g} to {high:g})")
    return low, high


def check_shape(shape: Any, name: str = "shape") -> tuple[int, int, int]:
    """Return ``shape`` as three ints > 0; it must be a sequence (a single number is refused).

    Examples
    --------
    >>> check_shape((4, 5.0, 6))
    (4, 5, 6)
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of 3 ints (I, J, K); got {describe(shape)}")
    return as_triple(shape, name, integer=True, positive=True, allow_zero=False)  # type: ignore[return-value]


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool; only True and False (numpy's too) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe(value)}")
    return bool(value)


def resolve_cval(array: np.ndarray, cval: Any, name: str = "cval") -> float:
    """The fill value for ``array``: ``cval`` (a finite number), or ``array.min()`` for ``"min"``.

    An integer ``array`` (a label map) needs a whole number.

    Examples
    --------
    >>> resolve_cval(np.array([[[-1000.0, 40.0]]]), "min"), resolve_cval(np.zeros((1, 1, 1)), 5)
    (-1000.0, 5.0)
    """
    if isinstance(cval, str):
        if cval != "min":
            raise ValueError(f"{name} must be a number or 'min'; got {cval!r}")
        return float(array.min()) if array.size else 0.0
    if isinstance(cval, (bool, np.bool_)) or not isinstance(cval, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a number or 'min'; got {describe(cval)}")
    if not np.isfinite(cval):
        raise ValueError(f"{name} must be finite; got {cval}")
    if not np.issubdtype(array.dtype, np.floating) and not float(cval).is_integer():
        raise ValueError(f"{name} must be a whole number for an integer label map; got {cval}")
    return float(cval)


def as_resampling_input(array: Any, order: Any, name: str = "array", *, finite: bool = True) -> np.ndarray:
    """``array`` checked for resampling at spline ``order``: finite float32, but integer and bool arrays stay as they are at order 0.

    ``finite=False`` skips the finiteness check, for a caller that checks as it resamples.
    """
    order = check_order(order)
    arr = check_array_3d(array, name)
    if order == 0 and (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
        return arr
    if not finite:
        return arr if arr.dtype == np.float32 else arr.astype(np.float32)
    return as_float32_image(arr, name)


def check_number(
    value: Any, name: str, *, minimum: float | None = None, positive: bool = False, meaning: str = ""
) -> float:
    """Return ``value`` as a finite float; ``positive`` asks for ``> 0``, ``minimum`` for ``>= minimum``.

    ``meaning`` is added to the messages, e.g. ``" (window centre in HU)"``.

    Examples
    --------
    >>> check_number(40, "level"), check_number(0, "std", minimum=0)
    (40.0, 0.0)
    """
    requirement = " > 0" if positive else ("" if minimum is None else f" >= {minimum:g}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number{requirement}{meaning}; got {describe(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number{requirement}{meaning}; got {value}")
    if (positive and not value > 0) or (minimum is not None and value < minimum):
        raise ValueError(f"{name} must be a number{requirement}{meaning}; got {value}")
    return float(value)
