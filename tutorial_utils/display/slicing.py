"""Pure functions behind every display: slices, aspect, orientation, windowing, overlays.

Nothing here draws. Each function takes arrays and numbers and returns arrays
and numbers, so the display logic is tested without matplotlib or a browser.

Display conventions (the same in :func:`~tutorial_utils.show_slices`,
:class:`~tutorial_utils.SliceViewer` and
:class:`~tutorial_utils.TransformExplorer`):

* plane ``axis`` 0, 1, 2 is the sagittal, coronal, axial plane: the slice
  ``volume[i, :, :]``, ``volume[:, j, :]``, ``volume[:, :, k]``;
* a slice is shown transposed with ``origin="lower"``: the first remaining
  array axis runs left to right, the second bottom to top, and the data
  coordinates of the panel are voxel indices;
* one voxel is drawn ``spacing[v] / spacing[h]`` times as tall as it is wide,
  so a 1 x 1 x 3 mm voxel looks three times as tall as wide, as in reality.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, NamedTuple

import nibabel as nib
import numpy as np

from .._checks import as_float32_image, check_label_array, describe
from ..volume import Volume, _check_affine

#: Plane names, indexed by the array axis that is held fixed.
PLANES: tuple[str, str, str] = ("sagittal", "coronal", "axial")

#: Index letter of each array axis, for axis labels and titles.
AXIS_NAMES: tuple[str, str, str] = ("i", "j", "k")

#: RGB colour of label 1, 2, 3, ... (ITK-SNAP's first six, then four more);
#: label ``v > 0`` gets row ``(v - 1) % 10``. Label 0 (background) is transparent.
LABEL_COLORS: np.ndarray = np.array(
    [
        (255, 0, 0),
        (0, 255, 0),
        (0, 0, 255),
        (255, 255, 0),
        (0, 255, 255),
        (255, 0, 255),
        (255, 128, 0),
        (128, 0, 255),
        (160, 82, 45),
        (255, 105, 180),
    ],
    dtype=np.uint8,
)
LABEL_COLORS.setflags(write=False)

_OPPOSITE = {"R": "L", "L": "R", "A": "P", "P": "A", "S": "I", "I": "S"}


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
            raise ValueError(
                f"{name}[{axis}] must be in [0, {int(n) - 1}] for shape {tuple(shape)}; got {int(value)}"
            )
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


def orientation_labels(affine: np.ndarray | None, axis: int) -> dict[str, str]:
    """Anatomical direction at each edge of the panel of plane ``axis``.

    The right edge is where the horizontal array axis grows, so it gets that
    axis' code from :func:`nibabel.aff2axcodes`; the left edge gets the
    opposite letter; likewise top and bottom. For an oblique affine the
    letters name the closest direction. Without an affine (a bare array) the
    orientation is unknown and the dict is empty.

    Returns
    -------
    dict
        Keys ``"left"``, ``"right"``, ``"bottom"``, ``"top"``, values in
        ``R L A P S I``.

    Examples
    --------
    >>> import numpy as np
    >>> las = np.diag([-2.0, 2.0, 2.2, 1.0])
    >>> orientation_labels(las, 2)  # axial panel of an LAS volume: patient's left on the right
    {'left': 'R', 'right': 'L', 'bottom': 'P', 'top': 'A'}
    """
    if affine is None:
        return {}
    codes = nib.aff2axcodes(affine)
    h, v = plane_axes(axis)
    return {
        "left": _OPPOSITE[codes[h]],
        "right": codes[h],
        "bottom": _OPPOSITE[codes[v]],
        "top": codes[v],
    }


def intensity_range(
    image: np.ndarray, percentiles: tuple[float, float] = (0.5, 99.5), max_samples: int = 1 << 20
) -> tuple[float, float]:
    """Robust display limits: the given percentiles of ``image`` as Python floats.

    A strided subsample of at most about ``max_samples`` voxels is used, so
    the cost stays small on big volumes and the result is deterministic.
    A constant image gets ``(value, value + 1)`` so the limits never coincide.

    Examples
    --------
    >>> import numpy as np
    >>> intensity_range(np.arange(1001, dtype=np.float32).reshape(1, 1, -1), (0, 100))
    (0.0, 1000.0)
    """
    flat = image.reshape(-1)
    step = max(1, flat.size // max_samples)
    low, high = np.percentile(flat[::step], percentiles)
    low, high = float(low), float(high)
    if high <= low:
        high = low + 1.0
    return low, high


def to_uint8(slice_2d: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """Map ``[vmin, vmax]`` linearly to ``0..255`` (values outside are clipped).

    This is what a grey colormap does with ``vmin``/``vmax``: everything at or
    below ``vmin`` is black, at or above ``vmax`` white. A CT window given as
    level and width is ``vmin, vmax = tutorial_utils.window_limits(level, width)``.

    Examples
    --------
    >>> import numpy as np
    >>> to_uint8(np.array([[-10.0, 0.0, 5.0, 10.0, 99.0]]), 0.0, 10.0)
    array([[  0,   0, 128, 255, 255]], dtype=uint8)
    """
    if not float(vmax) > float(vmin):
        raise ValueError(f"vmax must be > vmin; got vmin={vmin}, vmax={vmax}")
    scale = np.float32(255.0 / (float(vmax) - float(vmin)))
    scaled = (np.asarray(slice_2d, dtype=np.float32) - np.float32(vmin)) * scale
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def label_colors(label_slice: np.ndarray) -> np.ndarray:
    """RGB colour of every pixel's label, shape ``(H, W, 3)`` uint8 (black for 0).

    Examples
    --------
    >>> import numpy as np
    >>> label_colors(np.array([[0, 1, 11]]))[0].tolist()
    [[0, 0, 0], [255, 0, 0], [255, 0, 0]]
    """
    rows = color_index(label_slice)
    rgb = LABEL_COLORS[np.maximum(rows - 1, 0)]
    rgb[rows == 0] = 0
    return rgb


def color_of(value: int) -> tuple[float, float, float]:
    """Matplotlib colour (floats in [0, 1]) of label ``value`` > 0, as in :data:`LABEL_COLORS`.

    Examples
    --------
    >>> color_of(2)
    (0.0, 1.0, 0.0)
    """
    return tuple(float(c) / 255 for c in LABEL_COLORS[(int(value) - 1) % len(LABEL_COLORS)])  # type: ignore[return-value]


def label_rgba(label_slice: np.ndarray, alpha: float = 0.4) -> np.ndarray:
    """Translucent colour overlay of a label slice, shape ``(H, W, 4)`` uint8.

    Label 0 is fully transparent; every other label gets its colour from
    :data:`LABEL_COLORS` with opacity ``alpha``. Draw it with
    ``imshow(..., interpolation="nearest")`` on top of the grey image.

    Examples
    --------
    >>> import numpy as np
    >>> label_rgba(np.array([[0, 3]]), alpha=0.5).tolist()
    [[[0, 0, 0, 0], [0, 0, 255, 128]]]
    """
    alpha = check_alpha(alpha)
    label_slice = np.asarray(label_slice)
    rgba = np.empty(label_slice.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = label_colors(label_slice)
    rgba[..., 3] = np.where(label_slice != 0, np.uint8(round(alpha * 255)), np.uint8(0))
    return rgba


def color_index(label_slice: np.ndarray) -> np.ndarray:
    """Row of each pixel in an :func:`overlay_table`: 0 for background, ``(v - 1) % 10 + 1`` else.

    Examples
    --------
    >>> import numpy as np
    >>> color_index(np.array([0, 1, 3, 11, -1])).tolist()
    [0, 1, 3, 1, 9]
    """
    label_slice = np.asarray(label_slice)
    rows = np.mod(label_slice.astype(np.int64) - 1, len(LABEL_COLORS)) + 1
    rows[label_slice == 0] = 0
    return rows


def overlay_table(base: np.ndarray, alpha: float = 0.4) -> np.ndarray:
    """Colour of every (label colour, grey level) pair, shape ``(11, 256, 4)`` uint8.

    Row 0 is ``base``, the colormap as 256 RGBA entries (e.g. black to
    white); row ``r`` mixes it with label colour ``LABEL_COLORS[r - 1]``:
    ``(1 - alpha) * base + alpha * colour``, fully opaque. Looking a slice up
    in this table (:func:`composite`) blends image and labels in one step.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.full((256, 4), 255, np.uint8); grey[:, :3] = np.arange(256)[:, None]
    >>> overlay_table(grey, alpha=0.5)[1, 100].tolist()  # grey 100 under label 1 (red)
    [178, 50, 50, 255]
    """
    alpha = check_alpha(alpha)
    base = np.asarray(base)
    if base.shape != (256, 4) or base.dtype != np.uint8:
        raise ValueError(f"base must be a (256, 4) uint8 RGBA table; got {describe(base)}")
    table = np.empty((len(LABEL_COLORS) + 1, 256, 4), dtype=np.uint8)
    table[0] = base
    mixed = (1 - alpha) * base[None, :, :3].astype(np.float32) + alpha * LABEL_COLORS[:, None, :].astype(np.float32)
    table[1:, :, :3] = np.rint(mixed).astype(np.uint8)
    table[1:, :, 3] = 255
    return table


def composite(
    slice_2d: np.ndarray,
    label_slice: np.ndarray | None,
    vmin: float,
    vmax: float,
    table: np.ndarray,
) -> np.ndarray:
    """Window an image slice and blend its labels into one RGBA image, ``(H, W, 4)`` uint8.

    ``slice_2d`` is mapped to grey levels 0..255 by :func:`to_uint8`, then each
    pixel is looked up in ``table`` (from :func:`overlay_table`) at its
    label colour row (row 0 where the label is 0 or there is no label).

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.full((256, 4), 255, np.uint8); grey[:, :3] = np.arange(256)[:, None]
    >>> out = composite(np.array([[0.0, 10.0]]), np.array([[0, 2]]), 0.0, 10.0, overlay_table(grey, 0.5))
    >>> out.tolist()
    [[[0, 0, 0, 255], [128, 255, 128, 255]]]
    """
    gray = to_uint8(slice_2d, vmin, vmax)
    if label_slice is None:
        return table[0][gray]
    label_slice = np.asarray(label_slice)
    if label_slice.shape != gray.shape:
        raise ValueError(f"label_slice must have slice_2d's shape {gray.shape}; got {label_slice.shape}")
    return table[color_index(label_slice), gray]


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


def check_alpha(alpha: Any) -> float:
    """Return ``alpha`` (an opacity) as a float in [0, 1], or raise naming ``alpha``."""
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a number in [0, 1]; got {describe(alpha)}")
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"alpha must be in [0, 1]; got {alpha}")
    return float(alpha)
