"""Axis-aligned resampling as three 1-D passes, one per axis.

A diagonal ``scipy.ndimage.affine_transform`` (a scale and an offset per axis)
is separable: nearest-neighbour or linear interpolation in 3D is the same as
interpolating along axis 0, then axis 1, then axis 2. Each 1-D pass is two
``numpy.take`` gathers and a weighted sum, far cheaper than scipy's per-voxel
3D loop. The axis that shrinks the most goes first, so the intermediates stay
small.

Like scipy, ``scales`` and ``offsets`` map OUTPUT indices to INPUT positions:
output index ``o`` samples the input at ``scale * o + offset``. Positions are
clamped to ``[0, n - 1]`` first, which is what scipy's ``mode="nearest"`` does
for orders 0 and 1; order 0 rounds halves up (``floor(p + 0.5)``), as scipy.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from . import _threads


def _positions(scale: float, offset: float, n_in: int, n_out: int) -> np.ndarray:
    """Input positions (float64) of the ``n_out`` output indices, clamped to ``[0, n_in - 1]``."""
    positions = scale * np.arange(n_out, dtype=np.float64) + offset
    return np.clip(positions, 0.0, n_in - 1.0)


def _pass(
    source: np.ndarray,
    target: np.ndarray,
    axis: int,
    low: np.ndarray,
    high: np.ndarray | None,
    weight: np.ndarray | None,
) -> None:
    """Fill ``target`` from ``source`` along ``axis``: a gather, or a linear blend of two gathers."""
    if weight is None:
        np.take(source, low, axis=axis, out=target, mode="clip")
        return
    shape = [1, 1, 1]
    shape[axis] = -1
    weight = weight.reshape(shape)
    lower = np.take(source, low, axis=axis, mode="clip")
    lower *= 1.0 - weight
    np.take(source, high, axis=axis, out=target, mode="clip")
    target *= weight
    target += lower


def _resample_axis(source: np.ndarray, axis: int, scale: float, offset: float, n_out: int, order: int) -> np.ndarray:
    """One 1-D pass along ``axis``, its output cut into contiguous slabs along axis 0 for the threads."""
    n_in = source.shape[axis]
    positions = _positions(scale, offset, n_in, n_out)
    if order == 0:
        low, high, weight = np.floor(positions + 0.5).astype(np.intp), None, None
    else:
        floor = np.floor(positions)
        low = floor.astype(np.intp)
        high = np.minimum(low + 1, n_in - 1)
        weight = (positions - floor).astype(np.float32)
    out_shape = list(source.shape)
    out_shape[axis] = n_out
    out = np.empty(out_shape, dtype=source.dtype)
    threads = _threads.num_threads()
    tasks = []
    for start, stop in _threads.slab_bounds(out_shape[0], threads):
        rows = slice(start, stop)
        if axis == 0:  # each slab of output rows gathers its own input rows
            task = functools.partial(
                _pass,
                source,
                out[rows],
                0,
                low[rows],
                None if high is None else high[rows],
                None if weight is None else weight[rows],
            )
        else:
            task = functools.partial(_pass, source[rows], out[rows], axis, low, high, weight)
        tasks.append(task)
    _threads.run_tasks(tasks, out.size, threads)
    return out


def resample_separable(
    array: np.ndarray,
    scales: Sequence[float],
    offsets: Sequence[float],
    output_shape: Sequence[int],
    order: int,
) -> np.ndarray:
    """Diagonal ``scipy.ndimage.affine_transform`` with ``mode="nearest"``, order 0 or 1.

    Parameters
    ----------
    array : ndarray
        3D input: float32 for ``order=1``; any dtype for ``order=0`` (a pure
        gather, so integer label maps keep their dtype and values).
    scales, offsets : sequence of float
        Per axis, output index ``o`` samples the input at
        ``scales[d] * o + offsets[d]`` (OUTPUT-to-INPUT, as scipy).
    output_shape : sequence of int
        Shape of the result.
    order : int
        0 for nearest neighbour, 1 for linear interpolation.

    Returns
    -------
    ndarray
        New array of ``output_shape`` and the dtype of ``array``; equal to
        ``scipy.ndimage.affine_transform(array, np.diag(scales), offsets,
        output_shape=output_shape, order=order, mode="nearest")`` up to
        float32 rounding (exactly, for ``order=0``).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
    >>> resample_separable(a, (0.5, 1.0, 1.0), (0.0, 0.0, 0.0), (3, 2, 2), order=1)[:, 0, 0].tolist()
    [0.0, 2.0, 4.0]
    """
    if order not in (0, 1):
        raise ValueError(f"order must be 0 or 1; got {order!r}")
    shrink = [n_out / n_in for n_out, n_in in zip(output_shape, array.shape)]
    out = array
    for axis in sorted(range(3), key=lambda d: shrink[d]):
        out = _resample_axis(out, axis, float(scales[axis]), float(offsets[axis]), int(output_shape[axis]), order)
    return out
