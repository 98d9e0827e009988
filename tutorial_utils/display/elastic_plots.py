"""Pictures of a displacement field: a warped grid, and how far each voxel moves.

Both draw on the three planes of :func:`~tutorial_utils.show_slices` (voxel
indices as data coordinates), over an image such as the warped volume.

* :func:`show_deformation_grid`: grid planes every ``step`` voxels, warped
  by the field exactly as the image is, so you see where anatomy went.
* :func:`show_displacement_magnitude`: the length of the displacement, in mm
  when the spacing is known, as a colour overlay with a colour bar.
* :func:`show_jacobian`: the Jacobian determinant (local volume change) with a
  colour bar, folded voxels in red, through the most folded voxel.
* :func:`grid_label`: the same grid as a label map; put it in a Volume and
  any label-aware display (e.g. :class:`~tutorial_utils.TransformExplorer`)
  shows the warped grid.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from .._checks import describe
from ..elastic.field import check_field, check_shape, spacing_or_ones
from ..elastic.stats import jacobian_determinant
from ..volume import Volume
from ._panels import static_figsize
from .slicing import check_indices, crosshair_position, panel_extent, plane_axes
from .static import show_slices

#: Colour of the ring that ``mark=True`` draws around the voxel the planes pass through.
MARK_COLOR = "red"


def _check_step(step: Any) -> int:
    if isinstance(step, (bool, np.bool_)) or not isinstance(step, (numbers.Integral, np.integer)):
        raise TypeError(f"step must be an int >= 2 (voxels between grid planes); got {describe(step)}")
    if step < 2:
        raise ValueError(f"step must be >= 2 voxels between grid planes; got {step}")
    return int(step)


def _grid_offsets(shape: Sequence[int], step: int) -> list[int]:
    """Plane positions ``offset + m * step``, halfway between the centre slices' neighbours."""
    return [(n // 2 + step // 2) % step for n in shape]


def grid_label(shape: Sequence[int], step: int = 10) -> np.ndarray:
    """Label map of grid planes every ``step`` voxels along each axis (1 on a plane, else 0).

    The planes sit halfway between the centre slices, so the centre slice of
    each plane shows grid *lines*, not a filled plane. Warp a Volume whose
    label is this grid (e.g. with :func:`~tutorial_utils.random_elastic`)
    and its label overlay shows the deformation.

    Parameters
    ----------
    shape : tuple of 3 ints
        Volume shape ``(I, J, K)``.
    step : int, default 10
        Voxels between planes (>= 2).

    Returns
    -------
    (I, J, K) uint8 ndarray

    Examples
    --------
    >>> grid = grid_label((9, 9, 9), step=4)
    >>> grid[4, 4].tolist()
    [0, 0, 1, 0, 0, 0, 1, 0, 0]
    """
    shape = check_shape(shape)
    step = _check_step(step)
    on_plane = [((np.arange(n) - offset) % step == 0) for n, offset in zip(shape, _grid_offsets(shape, step))]
    grid = on_plane[0][:, None, None] | on_plane[1][None, :, None] | on_plane[2][None, None, :]
    return grid.astype(np.uint8)


def _field_slice(field: np.ndarray, axis: int, index: int) -> np.ndarray:
    """Sample positions ``x + u(x)`` on one plane, shape ``(3, n_v, n_h)`` as ``imshow`` wants."""
    h, v = plane_axes(axis)
    positions = np.take(field, index, axis=axis + 1).astype(np.float32)
    positions[axis] += index
    positions[h] += np.arange(field.shape[h + 1], dtype=np.float32)[:, None]
    positions[v] += np.arange(field.shape[v + 1], dtype=np.float32)[None, :]
    return positions.transpose(0, 2, 1)


def _grid_alpha(positions: np.ndarray, shape: Sequence[int], step: int, axis: int) -> np.ndarray:
    """Opacity of the grid lines of plane ``axis`` seen at ``positions``: 1 on a line, fading over a voxel.

    Only the planes across the panel count (those along its two in-plane
    axes); the planes parallel to the slice would show up as blobs wherever
    the field pushes one through it.
    """
    offsets = _grid_offsets(shape, step)
    distance = np.full(positions.shape[1:], np.inf, dtype=np.float32)
    for component in plane_axes(axis):
        phase = np.mod(positions[component] - offsets[component], step)
        np.minimum(distance, np.minimum(phase, step - phase), out=distance)
    return np.clip(1.0 - distance, 0.0, 1.0)


def _background(image: Any, field: np.ndarray) -> tuple[Any, dict[str, Any]]:
    """What :func:`show_slices` draws under an overlay: the image without its label, or black."""
    if image is None:
        return np.zeros(field.shape[1:], np.float32), {"vmin": 0.0, "vmax": 1.0}
    if isinstance(image, Volume):
        return image.image, {"affine": image.affine}
    return image, {}


def _mark(axes: Sequence[Any], indices: Sequence[int]) -> None:
    """Circle the voxel ``indices`` on each of the three panels."""
    for axis, ax in enumerate(axes):
        x, y = crosshair_position(indices, axis)
        ax.plot(x, y, marker="o", markersize=16, markerfacecolor="none", markeredgecolor=MARK_COLOR, mew=1.8)


def _check_mark(mark: Any) -> bool:
    if not isinstance(mark, (bool, np.bool_)):
        raise TypeError(f"mark must be True or False; got {describe(mark)}")
    return bool(mark)


def _check_image_shape(image: Any, field: np.ndarray) -> None:
    shape = image.shape if isinstance(image, Volume) else np.shape(image)
    if tuple(shape) != field.shape[1:]:
        raise ValueError(f"image must have the field's shape {field.shape[1:]}; got {tuple(shape)}")


def show_deformation_grid(
    field: np.ndarray,
    image: Any = None,
    *,
    step: int = 10,
    indices: Any = None,
    color: Any = "yellow",
    mark: bool = False,
    axes: Any = None,
    title: str | None = None,
) -> Figure:
    """Show a regular grid warped by ``field`` on the three planes.

    The grid is what a warp with the same field does to grid lines drawn
    every ``step`` voxels in the input: straight lines that bend, bunch
    together (compression) or spread (stretching). Where lines cross or
    fold back, the field folds. Each panel shows the lines across it; the
    movement through the slice is not visible here (see
    :func:`show_displacement_magnitude`).

    Parameters
    ----------
    field : (3, I, J, K) float ndarray
        Displacement in voxels.
    image : Volume or (I, J, K) array_like, optional
        Drawn underneath (without its label), usually the warped image;
        default black.
    step : int, default 10
        Voxels between grid planes.
    indices : (3,) sequence of int, optional
        Voxel the three planes pass through; default the centre.
    color : matplotlib colour
        Colour of the grid.
    mark : bool
        Circle (in red) the voxel the three planes pass through, e.g. the
        most folded voxel found with :func:`show_jacobian`.
    axes : sequence of 3 Axes, optional
        Draw into these (sagittal, coronal, axial).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from tutorial_utils.elastic.field import random_displacement_field
    >>> field = random_displacement_field((30, 30, 30), max_displacement=4.0, rng=0)
    >>> fig = show_deformation_grid(field, step=6, mark=True)
    >>> len(fig.axes), len(fig.axes[0].lines)
    (3, 1)
    """
    field = check_field(field)
    step = _check_step(step)
    mark = _check_mark(mark)
    if image is not None:
        _check_image_shape(image, field)
    idx = check_indices(indices, field.shape[1:])
    background, limits = _background(image, field)
    fig = show_slices(background, idx, axes=axes, title=title, **limits)
    rgba = np.zeros(4)
    rgba[:3] = to_rgb(color)
    panels = fig.axes[:3] if axes is None else list(axes)
    for axis, ax in enumerate(panels):
        alpha = _grid_alpha(_field_slice(field, axis, idx[axis]), field.shape[1:], step, axis)
        overlay = np.broadcast_to(rgba, (*alpha.shape, 4)).copy()
        overlay[..., 3] = alpha
        ax.imshow(overlay, origin="lower", extent=panel_extent(field.shape[1:], axis), interpolation="nearest")
    if mark:
        _mark(panels, idx)
    return fig


def show_displacement_magnitude(
    field: np.ndarray,
    image: Any = None,
    *,
    spacing: Sequence[float] | float | None = None,
    indices: Any = None,
    cmap: Any = "inferno",
    alpha: float = 0.6,
    vmax: float | None = None,
    colorbar: bool = True,
    axes: Any = None,
    title: str | None = None,
) -> Figure:
    """Show how far each voxel moves, as a colour overlay on the three planes.

    Parameters
    ----------
    field : (3, I, J, K) float ndarray
        Displacement in voxels.
    image : Volume or (I, J, K) array_like, optional
        Drawn underneath (without its label); default black. A Volume also
        gives the spacing.
    spacing : float or tuple of 3 floats, optional
        Voxel size in mm: lengths are shown in mm (default: the Volume's, or
        voxels for a bare array).
    indices : (3,) sequence of int, optional
        Voxel the three planes pass through; default the centre.
    cmap : str or Colormap
        Colormap of the length.
    alpha : float
        Opacity of the overlay.
    vmax : float, optional
        Length shown with the brightest colour; default the largest on the
        three slices.
    colorbar : bool, default True
        A colour bar of the length next to the axial panel (without it the
        colours have no scale: leave it on unless ``axes`` already has one).
    axes : sequence of 3 Axes, optional
        Draw into these.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from tutorial_utils.elastic.field import random_displacement_field
    >>> field = random_displacement_field((30, 30, 30), max_displacement=4.0, rng=0)
    >>> fig = show_displacement_magnitude(field, spacing=2.0)
    >>> fig.axes[-1].get_ylabel()
    'displacement (mm)'
    """
    field = check_field(field)
    if not isinstance(colorbar, (bool, np.bool_)):
        raise TypeError(f"colorbar must be True or False; got {describe(colorbar)}")
    if image is not None:
        _check_image_shape(image, field)
    if spacing is None and isinstance(image, Volume):
        spacing = image.spacing
    unit = "voxels" if spacing is None else "mm"
    scale = np.reshape(spacing_or_ones(spacing), (3, 1, 1))
    idx = check_indices(indices, field.shape[1:])
    lengths = [np.sqrt(((np.take(field, idx[axis], axis=axis + 1) * scale) ** 2).sum(axis=0)).T for axis in range(3)]
    top = max(float(length.max()) for length in lengths) if vmax is None else float(vmax)
    background, limits = _background(image, field)
    if axes is None:
        limits["figsize"] = static_figsize(field.shape[1:], spacing_or_ones(spacing), colorbar=bool(colorbar))
    fig = show_slices(background, idx, axes=axes, title=title, **limits)
    panels = fig.axes[:3] if axes is None else list(axes)
    for axis, ax in enumerate(panels):
        artist = ax.imshow(
            lengths[axis],
            cmap=cmap,
            vmin=0.0,
            vmax=max(top, 1e-6),
            alpha=alpha,
            origin="lower",
            extent=panel_extent(field.shape[1:], axis),
            interpolation="nearest",
        )
    if colorbar:
        fig.colorbar(artist, ax=panels, shrink=0.8, pad=0.02, label=f"displacement ({unit})")
    return fig


def show_jacobian(
    field: np.ndarray,
    *,
    affine: Any = None,
    indices: Any = None,
    vmax: float = 2.0,
    alpha: float = 0.8,
    mark: bool = True,
    axes: Any = None,
    title: str | None = None,
) -> Figure:
    """Show the Jacobian determinant of ``x -> x + u(x)``, folded voxels in red, with a colour bar.

    The determinant is the local volume change: 1 keeps volume, 0.5 halves
    it (black), 2 doubles it (white), and <= 0 means the mapping folds
    (red): the warped image shows tissue mirrored there.

    Parameters
    ----------
    field : (3, I, J, K) float ndarray
        Displacement in voxels.
    affine : (4, 4) array_like, optional
        Voxel-to-world matrix of the image the field belongs to (aspect and
        orientation letters).
    indices : (3,) sequence of int, optional
        Voxel the three planes pass through; default the most folded one
        (the smallest determinant).
    vmax : float, default 2.0
        Determinant shown white (0 is black).
    alpha : float, default 0.8
        Opacity of the red folding overlay.
    mark : bool, default True
        Circle the voxel ``indices`` in red on each panel.
    axes : sequence of 3 Axes, optional
        Draw into these.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        With a colour bar labelled "Jacobian determinant".

    Examples
    --------
    >>> from tutorial_utils.elastic.field import random_displacement_field
    >>> field = random_displacement_field((30, 30, 30), max_displacement=4.0, rng=0)
    >>> show_jacobian(field).axes[-1].get_ylabel()
    'Jacobian determinant'
    """
    field = check_field(field)
    mark = _check_mark(mark)
    jacobian = jacobian_determinant(field)
    if indices is None:
        indices = np.unravel_index(int(np.argmin(jacobian)), jacobian.shape)
    idx = check_indices(indices, jacobian.shape)
    folded = (jacobian <= 0).astype(np.uint8)
    fig = show_slices(
        jacobian,
        idx,
        label=folded,
        affine=affine,
        vmin=0.0,
        vmax=vmax,
        overlay="fill",  # folded voxels are black (determinant <= 0): a fill hides nothing there
        alpha=alpha,
        axes=axes,
        title=title,
        colorbar="Jacobian determinant",
    )
    if mark:
        _mark(fig.axes[:3] if axes is None else list(axes), idx)
    return fig
