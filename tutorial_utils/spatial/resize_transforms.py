"""Change the grid of a ``Volume``: resample to a voxel size, or resize to a shape.

Both keep the anatomy where it is in the world: the affine is updated so that
``new_affine @ (i, j, k, 1)`` is the world position (mm) of the sample stored
at ``[i, j, k]``. The image is interpolated (linear by default, with optional
Gaussian anti-aliasing on the axes that get coarser); the label map uses
nearest neighbour, so it never gains a label value.

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
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._checks import as_triple, check_order, describe
from ..records import apply_recorded, replayable
from .resize_ops import check_shape, sample_centred
from ..volume import Volume, check_volume

__all__ = ["grid_affine", "resample_to_spacing", "resize_volume"]


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


def _resample(volume: Volume, shape: Sequence[int], step: Sequence[float], order: int, antialias: bool) -> Volume:
    image = sample_centred(volume.image, step, shape, order=order, mode="nearest", antialias=antialias)
    label = None
    if volume.label is not None:
        label = sample_centred(volume.label, step, shape, order=0, mode="nearest")
    return Volume(image, grid_affine(volume.affine, volume.shape, shape, step), label, volume.history)




def _check_antialias(antialias: object) -> bool:
    if not isinstance(antialias, (bool, np.bool_)):
        raise TypeError(f"antialias must be True or False; got {describe(antialias)}")
    return bool(antialias)


@replayable("resample")
def _resample_to_spacing(
    volume: Volume, *, spacing: tuple[float, float, float], order: int, antialias: bool
) -> Volume:
    """Replayer of :func:`resample_to_spacing` (recorded as ``"resample"``)."""
    step = [t / s for t, s in zip(spacing, volume.spacing)]
    shape = tuple(max(1, math.floor(n / f + 0.5)) for n, f in zip(volume.shape, step))
    return _resample(volume, shape, step, order, antialias)


@replayable("resize")
def _resize_volume(volume: Volume, *, shape: tuple[int, int, int], order: int, antialias: bool) -> Volume:
    """Replayer of :func:`resize_volume` (recorded as ``"resize"``)."""
    step = [n / m for n, m in zip(volume.shape, shape)]
    return _resample(volume, shape, step, order, antialias)


def resample_to_spacing(
    volume: Volume, spacing: float | Sequence[float], order: int = 1, *, antialias: bool = True
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
        Spline order for the image (0 nearest, 1 linear, 3 cubic). The label
        always uses 0.
    antialias : bool, default True
        Gaussian pre-smoothing of the image along axes whose voxels get
        larger, with sigma ``sqrt(f**2 - 1) / sqrt(12)`` old voxels for a
        factor ``f = new_spacing / old_spacing``
        (:func:`~tutorial_utils.spatial.resize_ops.antialias_sigma`). Never applied to
        the label.

    Returns
    -------
    Volume
        Shape ``round(old_shape * old_spacing / spacing)``; spacing exactly
        ``spacing``; ``affine @ (i, j, k, 1)`` is the world position of the
        sample at ``[i, j, k]``. ``history`` gains a ``"resample"`` record
        (``spacing``, ``order``, ``antialias``), so
        :func:`~tutorial_utils.records.replay` repeats this step too.

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> epi = resample_to_spacing(load_sample("epi"), 3.0)
    >>> epi.shape, epi.spacing, epi.axcodes
    ((85, 64, 18), (3.0, 3.0, 3.0), ('L', 'A', 'S'))
    >>> epi.history[-1]
    TransformRecord(name='resample', params={'spacing': (3.0, 3.0, 3.0), 'order': 1, 'antialias': True})
    """
    volume = check_volume(volume)
    target = as_triple(spacing, "spacing", positive=True, allow_zero=False)
    return apply_recorded(
        volume, "resample", spacing=target, order=check_order(order), antialias=_check_antialias(antialias)
    )


def resize_volume(volume: Volume, shape: Sequence[int], order: int = 1, *, antialias: bool = True) -> Volume:
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
        Spline order for the image; the label always uses 0.
    antialias : bool, default True
        Gaussian pre-smoothing of the image along axes that shrink.

    Returns
    -------
    Volume
        Spacing ``old_spacing * old_shape / shape``, same field of view and
        centre in world coordinates. ``history`` gains a ``"resize"`` record
        (``shape``, ``order``, ``antialias``).

    Examples
    --------
    >>> from tutorial_utils import load_sample
    >>> small = resize_volume(load_sample("epi"), (64, 64, 24))
    >>> small.shape, tuple(round(s, 2) for s in small.spacing)
    ((64, 64, 24), (4.0, 3.0, 2.2))
    """
    volume = check_volume(volume)
    return apply_recorded(
        volume, "resize", shape=check_shape(shape), order=check_order(order), antialias=_check_antialias(antialias)
    )

