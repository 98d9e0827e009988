"""Where to look: the voxel box in which two results differ most, to zoom a comparison into.

Two resamplings of a label map (nearest neighbour and one-hot linear, say)
differ along the label boundaries only, by a voxel here and there: at full
view the two panels look identical. :func:`difference_region` finds the box
of a given size holding the most differing voxels, and
``show_comparison(..., region=box)`` shows every row zoomed into it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from scipy import ndimage

from .._checks import as_triple, check_array_3d, describe


def difference_region(a: Any, b: Any, size: Any = 32) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The ``size`` voxel box where ``a`` and ``b`` differ in the most voxels, as ``(start, size)``.

    The count of differing voxels in every box of ``size`` is a box filter
    of the difference mask; the box with the highest count wins (the first
    one on a tie), is centred on the differences it holds and moved inside
    the volume where it would stick out. Use it
    as ``region=`` of :func:`~tutorial_utils.show_comparison` or
    :func:`~tutorial_utils.show_slices`, whose default slices then pass
    through the box's centre.

    Parameters
    ----------
    a, b : (I, J, K) array_like
        The two results, same shape (e.g. two label maps, or two images).
    size : int or (3,) sequence of int
        Box size per axis in voxels (clipped to the shape); default 32.

    Returns
    -------
    start, size : (3,) tuples of int
        The box, in the convention of :func:`tutorial_utils.crop`.

    Raises
    ------
    ValueError
        Different shapes, or no voxel differs (there is nothing to zoom into).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((40, 40, 40), np.uint8); b = a.copy(); b[30:33, 5:7, 20] = 1
    >>> difference_region(a, b, size=8)
    ((27, 1, 16), (8, 8, 8))
    """
    first, second = check_array_3d(a, "a"), check_array_3d(b, "b")
    if first.shape != second.shape:
        raise ValueError(f"a and b must have the same shape; got {first.shape} and {second.shape}")
    box = tuple(min(int(n), int(s)) for n, s in zip(first.shape, _check_size(size)))
    differ = first != second
    if not differ.any():
        raise ValueError("a and b are equal: there is no difference to zoom into")
    counts = ndimage.uniform_filter(differ.astype(np.float32), size=box, mode="constant")
    best = np.unravel_index(int(np.argmax(counts)), counts.shape)  # the window [c - s // 2, c - s // 2 + s)
    window = tuple(slice(max(c - s // 2, 0), c - s // 2 + s) for c, s in zip(best, box))
    hits = np.nonzero(differ[window])  # centre the box on the differences it holds
    centre = [w.start + (int(h.min()) + int(h.max())) // 2 for w, h in zip(window, hits)]
    start = tuple(int(np.clip(c - s // 2, 0, n - s)) for c, s, n in zip(centre, box, first.shape))
    return start, box  # type: ignore[return-value]


def _check_size(size: Any) -> tuple[int, int, int]:
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, (numbers.Integral, tuple, list, np.ndarray)):
        raise TypeError(f"size must be an int or three ints (voxels); got {describe(size)}")
    values = as_triple(size, "size", positive=True, integer=True, allow_zero=False)
    return tuple(int(v) for v in values)  # type: ignore[return-value]
