"""Pieces of :class:`~tutorial_utils.display.explorer.TransformExplorer` that need no widget.

What the after row shows (the transform's output as display data, the
slice through the same world point), what decides its layout, and the
caption that says which call produced it: pure functions, tested on their
own.
"""

from __future__ import annotations

import html
import numbers
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import nibabel as nib
import numpy as np

from .._checks import describe
from ..volume import Volume
from .slicing import DisplayData, as_display_data


def as_after(result: Any, before: DisplayData) -> DisplayData:
    """The transform's output as display data.

    A Volume keeps its own grid and label; an array of the input's shape is
    shown on the input's grid with its label; of another shape, with 1 mm
    voxels and no label.

    Examples
    --------
    >>> before = as_display_data(np.zeros((2, 3, 4)))
    >>> as_after(np.ones((2, 3, 4)), before).image.shape, as_after(np.ones((1, 1, 1)), before).label
    ((2, 3, 4), None)
    """
    if isinstance(result, Volume):
        return as_display_data(result)
    array = np.asarray(result) if not isinstance(result, np.ndarray) else result
    if array.ndim != 3:
        raise ValueError(f"transform must return a Volume or a 3D array; got {describe(result)}")
    if array.shape == before.image.shape:
        return as_display_data(array, before.label, before.affine, "transform output")
    return as_display_data(array, name="transform output")


def after_indices(indices: Sequence[int], before: DisplayData, after: DisplayData) -> tuple[int, int, int]:
    """Voxel of the after grid through the same world point as ``indices`` of the before grid.

    Both affines map to world coordinates; the result is clipped to the
    after grid (a crop's outside shows its first or last slice). Without
    affines, the same indices for the same shape, else the same relative
    position.

    Examples
    --------
    >>> before = as_display_data(np.zeros((10, 10, 10)), affine=np.eye(4))
    >>> moved = np.eye(4); moved[:3, 3] = 2.0
    >>> after_indices((5, 5, 9), before, as_display_data(np.zeros((6, 6, 6)), affine=moved))
    (3, 3, 5)
    """
    if before.affine is None or after.affine is None:
        if after.image.shape == before.image.shape:
            return tuple(int(i) for i in indices)  # type: ignore[return-value]
        return tuple(  # relative position when no affine relates the grids
            int(round(i * (na - 1) / max(nb - 1, 1)))
            for i, nb, na in zip(indices, before.image.shape, after.image.shape)
        )  # type: ignore[return-value]
    world = before.affine @ np.array([*indices, 1.0])
    voxel = np.linalg.solve(after.affine, world)[:3]
    return tuple(int(np.clip(round(float(v)), 0, n - 1)) for v, n in zip(voxel, after.image.shape))  # type: ignore[return-value]


def geometry(data: DisplayData) -> tuple[Any, ...]:
    """What decides the after row's panel sizes and orientation letters: shape, spacing, axis codes."""
    codes = None if data.affine is None else tuple(nib.aff2axcodes(data.affine))
    return data.image.shape, data.spacing, codes


def format_value(value: Any) -> str:
    """A control value as it reads in a call: ``0.5``, ``True``, ``'bone'``.

    Examples
    --------
    >>> [format_value(v) for v in (0.30000000000000004, 3, True, "bone", np.float64(2.0))]
    ['0.3', '3', 'True', "'bone'", '2']
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    return describe(value)


def caption(transform: Callable[..., Any], kwargs: Mapping[str, Any], width: int) -> list[str]:
    """The call that produced the after row, wrapped to ``width`` characters.

    Examples
    --------
    >>> def zoom(volume, factor): ...
    >>> caption(zoom, {"factor": 1.5}, 80)
    ['after = zoom(before, factor=1.5)']
    >>> caption(lambda v, a, b: v, {"a": 1, "b": 2}, 30)
    ['after = transform(before, a=1,', '  b=2)']
    """
    name = getattr(transform, "__name__", "")
    name = name if name.isidentifier() else "transform"
    arguments = ", ".join(["before", *(f"{key}={format_value(value)}" for key, value in kwargs.items())])
    return textwrap.wrap(f"after = {name}({arguments})", width=width, subsequent_indent="  ", break_long_words=False)


def run_transform(
    transform: Callable[..., Any], volume: Any, kwargs: Mapping[str, Any], before: DisplayData
) -> tuple[Any, DisplayData | None, str]:
    """Call ``transform(volume, **kwargs)``: ``(result, display data, status HTML)``, or ``(None, None, error)``.

    Any exception is caught and returned as ``"Type: message"`` (the widget
    shows it and keeps its last good result).

    Examples
    --------
    >>> before = as_display_data(np.zeros((2, 2, 2)))
    >>> run_transform(lambda v, gain: v * gain, np.ones((2, 2, 2)), {"gain": 2.0}, before)[1].image.max()
    np.float32(2.0)
    >>> run_transform(lambda v: 1 / 0, None, {}, before)[2]
    'ZeroDivisionError: division by zero'
    """
    start = time.perf_counter()
    try:
        result = transform(volume, **kwargs)
        after = as_after(result, before)
    except Exception as exc:  # noqa: BLE001 - any failure is shown in the widget, not raised
        return None, None, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    return result, after, f"<span style='color:#555'>transform ran in {1000 * seconds:.0f} ms</span>"


def failure_status(error: str) -> str:
    """The status line of a failed transform (HTML), naming the error.

    Examples
    --------
    >>> failure_status("ValueError: x < 2")
    "<span style='color:#b00020'><b>transform failed</b> (showing the last good result): ValueError: x &lt; 2</span>"
    """
    return (
        "<span style='color:#b00020'><b>transform failed</b> (showing the last good result): "
        f"{html.escape(error)}</span>"
    )
