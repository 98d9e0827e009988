"""Pure geometry behind every display: which slice, which way up, how tall, which letters.

Nothing here draws. Each function takes arrays and numbers and returns arrays
and numbers, so the display logic is tested without matplotlib or a browser;
:mod:`~tutorial_utils.display.overlay` turns the slices into colours.

Display conventions (the same in :func:`~tutorial_utils.show_slices`,
:class:`~tutorial_utils.SliceViewer` and
:class:`~tutorial_utils.TransformExplorer`):

* plane ``axis`` 0, 1, 2 is the sagittal, coronal, axial plane: the slice
  ``volume[i, :, :]``, ``volume[:, j, :]``, ``volume[:, :, k]``;
* a slice is shown transposed with ``origin="lower"``: the first remaining
  array axis runs left to right, the second bottom to top, and the data
  coordinates of the panel are voxel indices;
* one voxel is drawn ``spacing[v] / spacing[h]`` times as tall as it is wide,
  so a 1 x 1 x 3 mm voxel looks three times as tall as wide, as in reality;
* a display convention may mirror a panel, never resample it, and the
  orientation letters follow (:mod:`~tutorial_utils.display.orientation`).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, NamedTuple

import nibabel as nib
import numpy as np

from .._checks import as_float32_image, as_triple, check_label_array, describe
from ..volume import Volume, _check_affine

#: Plane names, indexed by the array axis that is held fixed.
PLANES: tuple[str, str, str] = ("sagittal", "coronal", "axial")

#: Index letter of each array axis, for axis labels and titles.
AXIS_NAMES: tuple[str, str, str] = ("i", "j", "k")


class DisplayData(NamedTuple):
    """What a display needs from a ``Volume`` or an array.

    ``affine`` is None for a bare array (no orientation known); ``spacing`` is
    then (1, 1, 1).
    """

    image: np.ndarray
    label: np.ndarray | None
    affine: np.ndarray | None
    spacing: tuple[float, float, float]


def as_display_data(
    data: Any,
    label: Any = None,
    affine: Any = None,
    name: str = "data",
) -> DisplayData:
    """Split a ``Volume`` or a 3D array into image, label, affine and spacing.

    Parameters
    ----------
    data : Volume or (I, J, K) array_like
        What to show. A float32 image is used without a copy.
    label : (I, J, K) integer array_like, optional
        Label map; overrides ``data.label`` of a Volume.
    affine : (4, 4) array_like, optional
        Voxel-to-world matrix; overrides ``data.affine``. Without one a bare
        array is shown with 1 mm voxels and no orientation letters.
    name : str
        Parameter name used in error messages.

    Examples
    --------
    >>> import numpy as np
    >>> d = as_display_data(np.zeros((2, 3, 4), np.int16))
    >>> d.image.dtype, d.spacing, d.affine
    (dtype('float32'), (1.0, 1.0, 1.0), None)
    """
    if isinstance(data, Volume):
        image = data.image
        label = data.label if label is None else label
        affine = data.affine if affine is None else affine
    else:
        image = as_float32_image(data, name)
    if label is not None:
        label = check_label_array(label, "label")
        if label.shape != image.shape:
            raise ValueError(f"label must have the image's shape {image.shape}; got {label.shape}")
    spacing = (1.0, 1.0, 1.0)
    if affine is not None:
        affine = _check_affine(affine)
        spacing = tuple(float(s) for s in nib.affines.voxel_sizes(affine))
    return DisplayData(image, label, affine, spacing)  # type: ignore[arg-type]


def plane_axes(axis: int) -> tuple[int, int]:
    """Array axes shown horizontally and vertically in the panel of plane ``axis``.

    Examples
    --------
    >>> [plane_axes(a) for a in range(3)]
    [(1, 2), (0, 2), (0, 1)]
    """
    h, v = (a for a in range(3) if a != axis)
    return h, v


def center_indices(shape: Sequence[int]) -> tuple[int, int, int]:
    """Middle slice index along each axis, ``n // 2`` (the centre voxel for odd ``n``).

    Examples
    --------
    >>> center_indices((197, 233, 24))
    (98, 116, 12)
    """
    return tuple(int(n) // 2 for n in shape)  # type: ignore[return-value]


def check_indices(indices: Any, shape: Sequence[int], name: str = "indices") -> tuple[int, int, int]:
    """Return ``indices`` as three ints inside ``shape``; None gives the centre.

    Raises
    ------
    TypeError, ValueError
        Not three integers, or one outside ``[0, n)`` (negative indices are
        refused: they are almost always a bug in a display call).

    Examples
    --------
    >>> check_indices(None, (4, 5, 6)), check_indices((0, 4, 5), (4, 5, 6))
    ((2, 2, 3), (0, 4, 5))
    """
    if indices is None:
        return center_indices(shape)
    if isinstance(indices, (str, bytes)) or not isinstance(indices, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be three voxel indices (i, j, k) or None; got {describe(indices)}")
    values = list(np.asarray(indices).ravel()) if isinstance(indices, np.ndarray) else list(indices)
    if len(values) != 3:
        raise ValueError(f"{name} must be three voxel indices (i, j, k); got {describe(indices)}")
    checked = []
    for axis, (value, n) in enumerate(zip(values, shape)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must hold integers; got {describe(indices)}")
        if not 0 <= int(value) < int(n):
            raise ValueError(f"{name}[{axis}] must be in [0, {int(n) - 1}] for shape {tuple(shape)}; got {int(value)}")
        checked.append(int(value))
    return tuple(checked)  # type: ignore[return-value]


def plane_slice(array: np.ndarray, axis: int, index: int) -> np.ndarray:
    """The slice of plane ``axis`` at ``index``, transposed for ``imshow(origin="lower")``.

    Returns a view, shape ``(n_v, n_h)``: rows run along the vertical array
    axis, columns along the horizontal one (see :func:`plane_axes`).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(24).reshape(2, 3, 4)
    >>> np.array_equal(plane_slice(a, 2, 1), a[:, :, 1].T)
    True
    """
    return np.take(array, index, axis=axis).T


def three_slices(array: np.ndarray, indices: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sagittal, coronal and axial slices through voxel ``indices`` (see :func:`plane_slice`).

    Examples
    --------
    >>> import numpy as np
    >>> [s.shape for s in three_slices(np.zeros((4, 5, 6)), (1, 2, 3))]
    [(6, 5), (6, 4), (5, 4)]
    """
    return tuple(plane_slice(array, axis, int(indices[axis])) for axis in range(3))  # type: ignore[return-value]


def display_aspect(spacing: Sequence[float], axis: int) -> float:
    """``imshow`` aspect of plane ``axis``: height over width of one voxel on screen.

    Examples
    --------
    >>> display_aspect((2.0, 2.0, 2.2), 0)  # sagittal panel of the EPI: k is 2.2 mm, j 2 mm
    1.1
    """
    h, v = plane_axes(axis)
    return float(spacing[v]) / float(spacing[h])


def panel_extent(shape: Sequence[int], axis: int) -> tuple[float, float, float, float]:
    """``imshow`` extent putting pixel centres on voxel indices: ``(-0.5, n_h - 0.5, -0.5, n_v - 0.5)``.

    Examples
    --------
    >>> panel_extent((4, 5, 6), 2)
    (-0.5, 3.5, -0.5, 4.5)
    """
    h, v = plane_axes(axis)
    return (-0.5, int(shape[h]) - 0.5, -0.5, int(shape[v]) - 0.5)


def check_region(region: Any, shape: Sequence[int], name: str = "region") -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A voxel box ``(start, size)`` inside ``shape`` (each an int or three), as two int triples.

    The same box convention as :func:`tutorial_utils.crop` and
    :func:`tutorial_utils.foreground_bbox`: voxels ``start`` to
    ``start + size - 1`` along each axis.

    Examples
    --------
    >>> check_region(((2, 0, 1), 4), (10, 10, 10))
    ((2, 0, 1), (4, 4, 4))
    """
    if isinstance(region, (str, bytes)) or not isinstance(region, (Sequence, np.ndarray)) or len(region) != 2:
        raise TypeError(f"{name} must be a voxel box (start, size); got {describe(region)}")
    start, size = (as_triple(part, f"{name} {what}", integer=True) for part, what in zip(region, ("start", "size")))
    for axis, (s0, n0, n) in enumerate(zip(start, size, shape)):
        if s0 < 0 or n0 < 1 or s0 + n0 > int(n):
            raise ValueError(
                f"{name} must lie inside the volume {tuple(shape)}: start >= 0, size >= 1, start + size <= shape; "
                f"got start={start}, size={size} (axis {axis})"
            )
    return tuple(int(v) for v in start), tuple(int(v) for v in size)


def panel_limits(
    shape: Sequence[int],
    axis: int,
    region: tuple[Sequence[int], Sequence[int]] | None = None,
    flips: tuple[bool, bool] = (False, False),
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Data limits ``(xlim, ylim)`` of the panel of plane ``axis``: the whole slice, or ``region``'s part of it.

    Voxel centres are integer coordinates, so voxels ``a .. b`` span
    ``a - 0.5`` to ``b + 0.5``. A flipped direction (:func:`display_flips`)
    gives its limits in reverse order, which mirrors the panel.

    Examples
    --------
    >>> panel_limits((4, 5, 6), 2)
    ((-0.5, 3.5), (-0.5, 4.5))
    >>> panel_limits((4, 5, 6), 2, region=((1, 2, 0), (2, 2, 6)), flips=(True, False))
    ((2.5, 0.5), (1.5, 3.5))
    """
    h, v = plane_axes(axis)
    start, size = region if region is not None else ((0, 0, 0), tuple(shape))
    limits = []
    for a, flip in zip((h, v), flips):
        low, high = int(start[a]) - 0.5, int(start[a]) + int(size[a]) - 0.5
        limits.append((high, low) if flip else (low, high))
    return limits[0], limits[1]


def panel_sizes_mm(shape: Sequence[int], spacing: Sequence[float]) -> list[tuple[float, float]]:
    """Physical ``(width, height)`` in mm of the sagittal, coronal and axial panels.

    Used to size figures so that each panel gets the room its anatomy needs.

    Examples
    --------
    >>> panel_sizes_mm((10, 20, 5), (1.0, 1.0, 3.0))
    [(20.0, 15.0), (10.0, 15.0), (10.0, 20.0)]
    """
    sizes = []
    for axis in range(3):
        h, v = plane_axes(axis)
        sizes.append((float(shape[h] * spacing[h]), float(shape[v] * spacing[v])))
    return sizes


def crosshair_position(indices: Sequence[int], axis: int) -> tuple[int, int]:
    """Where the other two planes cut the panel of plane ``axis``: ``(x, y)`` in voxel indices.

    The vertical line is at ``x = indices[h]``, the horizontal one at
    ``y = indices[v]`` (see :func:`plane_axes`).

    Examples
    --------
    >>> crosshair_position((10, 20, 30), 1)  # coronal panel: i across, k up
    (10, 30)
    """
    h, v = plane_axes(axis)
    return int(indices[h]), int(indices[v])
