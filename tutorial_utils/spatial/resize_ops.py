"""Resize, rescale and zoom a 3D array.

Three operations that blog code often mixes up:

* :func:`resize` changes the **array shape** (``(I, J, K) -> shape``). The
  field of view stays the same, so the voxel size changes, by a different
  factor per axis if the shapes are not proportional.
* :func:`rescale` is the same operation given a factor instead of a shape:
  ``shape = round(old_shape * factor)``.
* :func:`zoom` keeps the shape and magnifies (factor > 1) or shrinks
  (factor < 1) the **content** about the volume centre: an augmentation.

For a ``Volume``, changing the voxel size is usually what you want:
:func:`tutorial_utils.resample_to_spacing` (it updates the affine).

Grid placement used by :func:`resize` and :func:`rescale`: the old and new
grids cover the same field of view (their outer voxel *edges* coincide) and
share their centre, exactly as ``scipy.ndimage.zoom(..., grid_mode=True)``,
``skimage.transform.resize`` and PyTorch's ``align_corners=False`` do. The
output voxel ``o`` samples the input at ``c_in + step * (o - c_out)``, with
``c = (n - 1) / 2`` the centre and ``step = n_in / n_out`` per axis.

Anti-aliasing: a grid with fewer voxels cannot hold the finest detail of the
input. Sampling it anyway folds that detail back as false patterns (moire,
jagged edges): aliasing. With ``antialias=True`` the image is first smoothed
with a Gaussian whose width follows the downsampling factor of each axis
(:func:`~.antialias_ops.antialias_sigma`); axes that are upsampled are not smoothed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import (
    as_resampling_input,
    as_triple,
    check_array_3d,
    check_bool,
    check_finite,
    check_order,
    check_shape,
    describe,
    resolve_cval,
)
from .._resampling import affine_transform
from .._separable import resample_separable
from .affine_ops import Cval
from .antialias_ops import antialias_sigma, gaussian_reach, smooth

__all__ = ["antialias_sigma", "rescale", "resize", "zoom"]


def sample_centred(
    array: np.ndarray,
    step: Sequence[float],
    shape: Sequence[int],
    *,
    order: int,
    mode: str,
    cval: float = 0.0,
    antialias: bool = False,
    finite_name: str | None = None,
) -> np.ndarray:
    """Sample a validated array on a grid centred on its own centre.

    Output voxel ``o`` takes the input value at ``c_in + step * (o - c_out)``
    (``c = (n - 1) / 2``); this is the OUTPUT-to-INPUT mapping that
    ``scipy.ndimage.affine_transform`` expects, so a step > 1 shrinks the
    content (downsamples). ``antialias`` smooths axes with step > 1 first
    (order > 0 only). Integer arrays with order 0 keep their dtype.
    ``finite_name``: also check that the voxels of ``array`` the output
    depends on are finite (raising a ``ValueError`` naming it): for order 0
    or 1 with ``mode="nearest"``, the two neighbours each sample reads per
    axis, widened by the anti-aliasing Gaussian's reach (4 sigma) when it
    smooths first, checked on the way (see
    :func:`~tutorial_utils._separable.resample_separable`); otherwise every
    voxel (a spline prefilter spreads each voxel along its whole line).
    """
    step_arr = np.asarray(step, dtype=np.float64)
    centre_in = (np.asarray(array.shape, dtype=np.float64) - 1.0) / 2.0
    centre_out = (np.asarray(shape, dtype=np.float64) - 1.0) / 2.0
    offset = centre_in - step_arr * centre_out
    source, widen = array, (0, 0, 0)
    if antialias and order > 0:
        sigma = antialias_sigma(tuple(float(s) for s in step_arr))
        if any(s > 0 for s in sigma):
            source, widen = smooth(array, sigma), tuple(gaussian_reach(s) for s in sigma)
    if source.dtype == np.bool_:
        source = source.view(np.uint8)
    output_shape = tuple(int(n) for n in shape)
    if order <= 1 and mode == "nearest":
        # same values as affine_transform, far faster; checks finiteness on the way
        result = resample_separable(
            source, step_arr, offset, output_shape, order, finite_name=finite_name, finite_source=array, widen=widen
        )
    else:
        if finite_name is not None:
            check_finite(array, finite_name)
        result = affine_transform(
            source,
            np.diag(step_arr),
            offset,
            output_shape=output_shape,
            order=order,
            mode=mode,
            cval=cval,
            output_dtype=source.dtype,
        )
    return result.view(np.bool_) if array.dtype == np.bool_ else result


#: How a label map is resampled: copy the nearest voxel, or nnU-Net's one-hot linear + argmax.
LABEL_MODES = ("nearest", "onehot")
#: Score bonus of the nearest voxel's label in :func:`sample_labels_onehot`: it wins (near) ties.
_NEAREST_BONUS = np.float32(1e-3)


def check_label_mode(label_mode: Any) -> str:
    """Return ``label_mode`` if it is one of :data:`LABEL_MODES`, else raise naming it."""
    if not isinstance(label_mode, str) or label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be one of {LABEL_MODES}; got {describe(label_mode)}")
    return label_mode


def sample_labels_onehot(label: np.ndarray, step: Sequence[float], shape: Sequence[int]) -> np.ndarray:
    """Resample a label map one-hot: each label's indicator linearly, then the argmax per voxel.

    Nearest neighbour copies the closest voxel, so an upsampled boundary
    keeps the staircase of the coarse grid. Here each label value ``v``
    becomes an indicator ``(label == v)`` in float32, sampled with linear
    interpolation on the centred grid of :func:`sample_centred`, and every
    output voxel takes the value whose indicator is largest: the boundary
    runs where two interpolated indicators cross (0.5 for two labels), which
    cuts the staircase's corners. Still no new label value: every output
    value is one of the input's. Ties (within 1e-3) go to the nearest
    voxel's label, so downsampling by exactly 2 (every sample halfway
    between two voxels) does not shrink one label systematically.

    nnU-Net resamples segmentations the same way in spirit (``is_seg=True,
    order=1`` in its default planner); its ``resize_segmentation`` assigns
    each label, in increasing order, where its interpolated indicator is
    >= 0.5, instead of taking the argmax. The two agree wherever two labels
    meet; where three or more meet and none reaches 0.5, nnU-Net leaves 0.

    Parameters
    ----------
    label : (I, J, K) integer ndarray
        Validated label map.
    step, shape
        The grid, as for :func:`sample_centred` (``step`` old voxels per new
        voxel, ``shape`` new voxels).

    Returns
    -------
    ndarray
        ``shape``, the dtype of ``label``. Costs one linear resampling per
        label value present.

    Examples
    --------
    >>> import numpy as np
    >>> label = np.zeros((1, 1, 4), np.uint8); label[..., 2:] = 1
    >>> sample_labels_onehot(label, (1, 1, 0.5), (1, 1, 8))[0, 0].tolist()
    [0, 0, 0, 0, 1, 1, 1, 1]
    """
    nearest = sample_centred(label, step, shape, order=0, mode="nearest")
    out = nearest.copy()
    best = np.full(out.shape, -1.0, np.float32)
    for value in np.unique(label):
        score = sample_centred((label == value).astype(np.float32), step, shape, order=1, mode="nearest")
        score[nearest == value] += _NEAREST_BONUS
        better = score > best
        out[better] = value
        best[better] = score[better]
    return out


def resize(array: Any, shape: Sequence[int], *, order: int = 1, antialias: bool = True) -> np.ndarray:
    """Resample a 3D array to a new shape over the same field of view.

    .. warning::
       Resizing to a fixed shape changes the voxel size, differently per axis
       when the shapes are not proportional: a round head becomes an egg, and
       volumes of different spacing end up with different voxel sizes. For a
       ``Volume`` prefer :func:`~tutorial_utils.resample_to_spacing`
       followed by a crop-or-pad to a common shape.

    Parameters
    ----------
    array : (I, J, K) array_like
        Image (any real dtype) or, with ``order=0``, an integer label map.
    shape : sequence of 3 ints
        Output shape ``(I', J', K')``.
    order : int, default 1
        Spline order: 0 nearest neighbour (labels; keeps the integer dtype),
        1 linear (images), 3 cubic (smoother, slower, can overshoot).
    antialias : bool, default True
        Gaussian pre-smoothing of the axes that shrink (see
        :func:`antialias_sigma`); ignored for ``order=0``, which must copy
        values unchanged.

    Returns
    -------
    (I', J', K') ndarray
        float32 for ``order > 0``; the input's integer dtype for ``order=0``.
        Near the borders, samples up to half a voxel outside the outer voxel
        centres repeat the edge value (``mode="nearest"``).

    Raises
    ------
    ValueError
        A NaN or infinite value where the output reads the array: the
        neighbours each output voxel interpolates (orders 0 and 1), widened by
        the anti-aliasing Gaussian's reach (4 sigma) where it smooths, or any
        voxel for orders above 1 (the spline prefilter spreads every voxel
        along its line). A NaN that no output voxel depends on (in a plane
        that a more than twofold shrink without anti-aliasing skips) cannot
        spread, and is not refused. The check costs no pass of its own.

    Examples
    --------
    >>> import numpy as np
    >>> resize(np.ones((4, 6, 8)), (2, 3, 16)).shape
    (2, 3, 16)
    """
    order = check_order(order)
    arr = as_resampling_input(array, order, finite=False)
    new_shape = check_shape(shape)
    antialias = check_bool(antialias, "antialias")
    step = [n / m for n, m in zip(arr.shape, new_shape)]
    finite_name = None if arr.dtype.kind in "biu" else "array"  # labels at order 0 need no check
    return sample_centred(
        arr, step, new_shape, order=order, mode="nearest", antialias=antialias, finite_name=finite_name
    )


def rescale(array: Any, factor: float | Sequence[float], *, order: int = 1, antialias: bool = True) -> np.ndarray:
    """Resize a 3D array by a factor per axis: shape ``round(old_shape * factor)``.

    The blog's ``resize_data_volume_by_scale``. A factor > 1 gives more,
    smaller voxels (like ``scipy.ndimage.zoom``). The output shape is rounded
    (half up, at least 1), and the content is scaled by the exact ratio of
    shapes so the field of view is kept; see :func:`resize` for the other
    parameters and its warning.

    Parameters
    ----------
    array : (I, J, K) array_like
        Image, or an integer label map with ``order=0``.
    factor : float or sequence of 3 floats
        Scale per axis, > 0.
    order : int, default 1
        Spline order (0 for labels).
    antialias : bool, default True
        Gaussian pre-smoothing of the axes that shrink.

    Returns
    -------
    ndarray
        Shape ``round(old_shape * factor)``; dtype as for :func:`resize`.

    Examples
    --------
    >>> import numpy as np
    >>> rescale(np.zeros((10, 10, 5)), (0.5, 0.5, 2)).shape
    (5, 5, 10)
    """
    factors = as_triple(factor, "factor", positive=True, allow_zero=False)
    order = check_order(order)
    arr = check_array_3d(array, "array")
    shape = tuple(max(1, math.floor(n * f + 0.5)) for n, f in zip(arr.shape, factors))
    return resize(arr, shape, order=order, antialias=antialias)


def zoom(array: Any, factor: float | Sequence[float], *, order: int = 1, cval: Cval = "min") -> np.ndarray:
    """Magnify (factor > 1) or shrink (factor < 1) the content about the centre, same shape.

    The voxel at the centre ``(n - 1) / 2`` stays where it is; everything else
    moves away from it (factor > 1) or towards it (factor < 1). Unlike
    ``scipy.ndimage.zoom``, which changes the shape, this is the zoom of an
    augmentation. ``scipy.ndimage.affine_transform`` maps OUTPUT coordinates
    to INPUT coordinates, so the matrix used here holds ``1 / factor``: a
    matrix entry > 1 would shrink the anatomy.

    Parameters
    ----------
    array : (I, J, K) array_like
        Image, or an integer label map with ``order=0``.
    factor : float or sequence of 3 floats
        Magnification per axis, > 0. The same factor on every axis keeps
        shapes (a sphere stays a sphere in mm, whatever the spacing).
    order : int, default 1
        Spline order (0 for labels: keeps the integer dtype).
    cval : float or "min", default "min"
        Value of the voxels that come from outside the field of view when
        shrinking: a number, or ``"min"`` for the input's minimum (the
        background: 0 for most MRI, about -1000 HU for CT).

    Returns
    -------
    (I, J, K) ndarray
        float32 for ``order > 0``; the input's integer dtype for ``order=0``.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((5, 5, 5)); a[2, 2, 2] = 1; a[2, 2, 3] = 2
    >>> zoom(a, 2.0)[2, 2, 2:5].tolist()   # the centre stays; its neighbour moves out
    [1.0, 1.5, 2.0]
    """
    factors = as_triple(factor, "factor", positive=True, allow_zero=False)
    order = check_order(order)
    arr = as_resampling_input(array, order)
    step = [1.0 / f for f in factors]
    return sample_centred(arr, step, arr.shape, order=order, mode="grid-constant", cval=resolve_cval(arr, cval))
