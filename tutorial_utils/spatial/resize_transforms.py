"""Change the grid of a ``Volume`` (resample to a voxel size, resize to a shape), or zoom on it.

Both keep the anatomy where it is in the world: the affine is updated so that
``new_affine @ (i, j, k, 1)`` is the world position (mm) of the sample stored
at ``[i, j, k]``. The image is interpolated (linear by default, with optional
Gaussian anti-aliasing on the axes that get coarser); the label map uses
nearest neighbour by default, or ``label_mode="onehot"`` (each label's
indicator linearly, then the argmax, as nnU-Net): either way it never gains a
label value.

How the new grid is placed
--------------------------
The new grid has the same **centre** as the old one and covers the same field
of view (``shape * spacing`` per axis) as closely as whole voxels allow:

* :func:`resample_to_spacing`: the spacing is exactly the one requested and
  ``new_shape = round(old_shape * old_spacing / new_spacing)`` (half up), so
  the field of view changes by less than one new voxel per axis;
* :func:`resize_volume`: the shape is exactly the one requested and
  ``new_spacing = old_spacing * old_shape / new_shape``, so the field of view
  is kept exactly (outer voxel edges coincide).

In voxel indices, new voxel ``o`` lies at old (fractional) index
``c_old + step * (o - c_new)`` with ``c = (n - 1) / 2`` and
``step = new_spacing / old_spacing``; hence ``new_affine = old_affine @ T``
with ``T`` that scaling-and-shift. Multiplying on the right keeps the voxel
axes' directions, so oblique affines (e.g. the ``"epi"`` sample) stay
oblique and correct: nothing is reoriented, unlike
``nibabel.processing.resample_to_output``, which resamples onto a world-aligned
(RAS) grid starting at the first voxel centre.

:func:`zoom_volume` and :func:`random_zoom`, by contrast, keep the grid and the
affine: the anatomy itself gets bigger or smaller (an augmentation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._checks import RngLike, as_rng, as_triple, check_bool, check_order, check_shape
from ..records import random_transform, volume_transform
from ..volume import Volume, check_volume
from .affine_ops import Cval
from .affine_transforms import check_scale_range
from .resize_ops import check_label_mode, sample_centred, sample_labels_onehot, zoom

__all__ = ["grid_affine", "random_zoom", "resample_to_spacing", "resize_volume", "zoom_volume"]


def grid_affine(
    affine: np.ndarray, old_shape: Sequence[int], new_shape: Sequence[int], step: Sequence[float]
) -> np.ndarray:
    """Affine of a centred grid with ``new_shape`` voxels, ``step`` old voxels apart.

    Parameters
    ----------
    affine : (4, 4) ndarray
        Old voxel-to-world affine.
    old_shape, new_shape : sequence of 3 ints
        Grid shapes.
    step : sequence of 3 floats
        New voxel size in old voxels per axis (``new_spacing / old_spacing``).

    Returns
    -------
    (4, 4) ndarray
        ``affine @ T`` where ``T`` maps a new index ``o`` to the old index
        ``c_old + step * (o - c_new)``.

    Examples
    --------
    >>> import numpy as np
    >>> grid_affine(np.eye(4), (4, 4, 4), (2, 2, 2), (2, 2, 2))[:3, 3].tolist()
    [0.5, 0.5, 0.5]
    """
    step_arr = np.asarray(step, dtype=np.float64)
    centre_old = (np.asarray(old_shape, dtype=np.float64) - 1.0) / 2.0
    centre_new = (np.asarray(new_shape, dtype=np.float64) - 1.0) / 2.0
    index_map = np.eye(4)
    index_map[:3, :3] = np.diag(step_arr)
    index_map[:3, 3] = centre_old - step_arr * centre_new
    return np.asarray(affine, dtype=np.float64) @ index_map


def _resample(
    volume: Volume, shape: Sequence[int], step: Sequence[float], order: int, antialias: bool, label_mode: str
) -> Volume:
    """``volume`` on the centred grid of ``shape`` voxels, ``step`` old voxels apart (checked arguments)."""
    image = sample_centred(volume.image, step, shape, order=order, mode="nearest", antialias=antialias)
    label = None
    if volume.label is not None and label_mode == "onehot":
        label = sample_labels_onehot(volume.label, step, shape)
    elif volume.label is not None:
        label = sample_centred(volume.label, step, shape, order=0, mode="nearest")
    return volume.replace(image=image, affine=grid_affine(volume.affine, volume.shape, shape, step), label=label)


@volume_transform("resample")
def resample_to_spacing(
    volume: Volume,
    spacing: float | Sequence[float],
    *,
    order: int = 1,
    antialias: bool = True,
    label_mode: str = "nearest",
) -> Volume:
    """Resample a ``Volume`` to a new voxel size in mm, keeping world coordinates.

    This is the physically meaningful way to make scans comparable: after it,
    one voxel is the same size in every volume (then crop or pad to a common
    shape). The grid stays centred on the old one; see the module docstring.

    Parameters
    ----------
    volume : Volume
        Image with optional label.
    spacing : float or sequence of 3 floats
        New voxel size in mm along each array axis, > 0.
    order : int, default 1
        Spline order for the image (0 nearest, 1 linear, 3 cubic); the label
        follows ``label_mode``.
    antialias : bool, default True
        Gaussian pre-smoothing of the image along axes whose voxels get
        larger, with sigma ``sqrt(f**2 - 1) / sqrt(12)`` old voxels for a
        factor ``f = new_spacing / old_spacing``
        (:func:`~tutorial_utils.spatial.resize_ops.antialias_sigma`). Never applied to
        the label.
    label_mode : {"nearest", "onehot"}, default "nearest"
        ``"nearest"`` copies the closest voxel's label (upsampled boundaries
        keep the coarse grid's staircase); ``"onehot"`` interpolates each
        label's indicator linearly and takes the argmax, as nnU-Net does
        (:func:`~tutorial_utils.spatial.resize_ops.sample_labels_onehot`):
        smoother boundaries, one linear resampling per label value. Neither
        invents a label value.

    Returns
    -------
    Volume
        Shape ``round(old_shape * old_spacing / spacing)``; spacing exactly
        ``spacing``; ``affine @ (i, j, k, 1)`` is the world position of the
        sample at ``[i, j, k]``. ``history`` gains a ``"resample"`` record
        (``spacing``, ``order``, ``antialias``, ``label_mode`` as given), so
        :func:`~tutorial_utils.records.replay` repeats this step too.

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> epi = resample_to_spacing(load_sample("epi"), 3.0)
    >>> epi.shape, epi.spacing, epi.axcodes
    ((85, 64, 18), (3.0, 3.0, 3.0), ('L', 'A', 'S'))
    >>> epi.history[-1]
    TransformRecord(name='resample', params={'spacing': 3.0, 'order': 1, 'antialias': True, 'label_mode': 'nearest'})
    """
    target = as_triple(spacing, "spacing", positive=True, allow_zero=False)
    order, antialias = check_order(order), check_bool(antialias, "antialias")
    label_mode = check_label_mode(label_mode)
    step = [t / s for t, s in zip(target, volume.spacing)]
    shape = tuple(max(1, math.floor(n / f + 0.5)) for n, f in zip(volume.shape, step))
    return _resample(volume, shape, step, order, antialias, label_mode)


@volume_transform("resize")
def resize_volume(
    volume: Volume, shape: Sequence[int], *, order: int = 1, antialias: bool = True, label_mode: str = "nearest"
) -> Volume:
    """Resize a ``Volume`` to a shape over the same field of view, updating the affine.

    .. warning::
       Usually the wrong tool for building a training batch: a fixed shape
       gives each scan a different voxel size, and non-proportional shapes
       stretch the anatomy differently per axis (the affine records it, but
       a network that sees only arrays does not). Prefer
       :func:`resample_to_spacing` and then a crop-or-pad to a common shape.

    Parameters
    ----------
    volume : Volume
        Image with optional label.
    shape : sequence of 3 ints
        New shape ``(I', J', K')``.
    order : int, default 1
        Spline order for the image; the label follows ``label_mode``.
    antialias : bool, default True
        Gaussian pre-smoothing of the image along axes that shrink.
    label_mode : {"nearest", "onehot"}, default "nearest"
        How the label is resampled (see :func:`resample_to_spacing`).

    Returns
    -------
    Volume
        Spacing ``old_spacing * old_shape / shape``, same field of view and
        centre in world coordinates. ``history`` gains a ``"resize"`` record
        (``shape``, ``order``, ``antialias``, ``label_mode``).

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> small = resize_volume(load_sample("epi"), (64, 64, 24))
    >>> small.shape, tuple(round(s, 2) for s in small.spacing)
    ((64, 64, 24), (4.0, 3.0, 2.2))
    """
    shape = check_shape(shape)
    order, antialias = check_order(order), check_bool(antialias, "antialias")
    label_mode = check_label_mode(label_mode)
    step = [n / m for n, m in zip(volume.shape, shape)]
    return _resample(volume, shape, step, order, antialias, label_mode)


@volume_transform("zoom")
def zoom_volume(volume: Volume, factor: float | Sequence[float], *, order: int = 1, cval: Cval = "min") -> Volume:
    """Zoom image and label about the centre on the same grid; the shape and affine are kept.

    The deterministic step of :func:`random_zoom`, built on
    :func:`~tutorial_utils.spatial.resize_ops.zoom`: a factor > 1 magnifies
    the anatomy. The label uses nearest neighbour and 0 where content comes
    from outside the field of view.

    Parameters
    ----------
    volume : Volume
    factor : float or (3,) sequence of float
        Magnification per axis, > 0.
    order : int, default 1
        Image interpolation order (the label always uses 0).
    cval : float or "min", default "min"
        Image fill where the content shrinks away from the border; ``"min"``
        is the image's minimum (its background).

    Returns
    -------
    Volume
        ``history`` gains a ``"zoom"`` record (``factor``, ``order``, ``cval``).

    Examples
    --------
    >>> vol = Volume(np.ones((4, 4, 4)), np.eye(4), np.ones((4, 4, 4), np.uint8))
    >>> zoom_volume(vol, 0.5).label[:, 1, 1].tolist()
    [0, 1, 1, 0]
    """
    image = zoom(volume.image, factor, order=order, cval=cval)
    label = None if volume.label is None else zoom(volume.label, factor, order=0, cval=0)
    return volume.replace(image=image, label=label)


@random_transform
def random_zoom(
    volume: Volume,
    *,
    scale_range: float | Sequence[float] = (0.8, 1.2),
    isotropic: bool = True,
    order: int = 1,
    cval: Cval = "min",
    rng: RngLike = None,
) -> Volume:
    """Zoom a ``Volume`` in or out about its centre by a random factor (augmentation).

    The factor is drawn uniformly from ``scale_range`` (one for all axes, or
    one per axis with ``isotropic=False``), then :func:`zoom_volume` applies
    it and records it under ``"zoom"``, so
    :func:`~tutorial_utils.records.replay` reproduces it. The shape and the
    affine are kept: the anatomy looks bigger or smaller on the same grid.

    Parameters
    ----------
    volume : Volume
        Image with optional label.
    scale_range : (low, high) or float, default (0.8, 1.2)
        Range of the factor, low > 0; a number ``d`` means ``(1 - d, 1 + d)``.
        > 1 magnifies.
    isotropic : bool, default True
        One factor for all axes (shapes kept) or one per axis.
    order : int, default 1
        Image interpolation order (the label always uses 0).
    cval : float or "min", default "min"
        Image fill where the content shrinks away from the border.
    rng : Generator, int or None
        Source of randomness; the same seed gives the same output.

    Returns
    -------
    Volume
        Zoomed copy; ``history[-1].params["factor"]`` is what was drawn.

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> out = random_zoom(load_sample("epi"), rng=0)
    >>> out.shape, round(out.history[-1].params["factor"], 3)
    ((128, 96, 24), 1.055)
    """
    check_volume(volume)
    low, high = check_scale_range(scale_range)
    isotropic = check_bool(isotropic, "isotropic")
    draws = as_rng(rng).uniform(low, high, size=1 if isotropic else 3)
    factor = float(draws[0]) if isotropic else tuple(float(f) for f in draws)
    return zoom_volume(volume, factor, order=order, cval=cval)
