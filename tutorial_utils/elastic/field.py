"""Random displacement fields for elastic deformation.

A displacement field ``u`` has shape ``(3, I, J, K)``: for every output voxel
``x`` it holds the vector ``u(x)`` (in voxels, one component per array axis)
such that the warped image takes its value from ``x + u(x)`` in the input.

Two ways to make a smooth random field:

* :func:`random_displacement_field`: random vectors on a coarse grid of
  control points, interpolated with a cubic B-spline (the free-form
  deformation of Rueckert et al. 1999, also what TorchIO uses). Its
  ``max_displacement`` is a guaranteed bound, in mm.
* :func:`gaussian_displacement_field`: white noise smoothed by a Gaussian,
  times ``alpha`` (Simard et al. 2003, what the usual blog code does). Its
  strength depends on ``alpha``, ``sigma`` *and* the number of dimensions,
  which is why 2D settings copied to 3D barely move anything.

Measure what a field does with
:func:`~tutorial_utils.elastic.stats.displacement_stats`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import ndimage

from .._checks import RngLike, as_rng, as_triple, describe

# --------------------------------------------------------------------------- checks


def check_shape(shape: Any, name: str = "shape", minimum: int = 1) -> tuple[int, int, int]:
    """Return ``shape`` as three ints >= ``minimum`` (1: a single slice is a valid volume)."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of 3 ints (I, J, K); got {describe(shape)}")
    values = tuple(shape)
    if len(values) != 3:
        raise ValueError(f"{name} must have 3 entries (I, J, K); got {len(values)}: {describe(shape)}")
    if not all(isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{name} must hold ints; got {describe(shape)}")
    if min(values) < minimum:
        raise ValueError(f"{name} must be at least {minimum} voxels along every axis; got {describe(shape)}")
    return tuple(int(v) for v in values)  # type: ignore[return-value]


def check_nonnegative(value: Any, name: str) -> float:
    """Return ``value`` as a finite float >= 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a number >= 0; got {describe(value)}")
    if not math.isfinite(float(value)) or float(value) < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value}")
    return float(value)


def check_num_control_points(value: Any) -> int:
    """Return ``num_control_points`` as an int >= 4."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"num_control_points must be an int >= 4; got {describe(value)}")
    if value < 4:
        raise ValueError(
            f"num_control_points must be >= 4 (the border points are locked, so fewer "
            f"leave at most one moving point per axis); got {value}"
        )
    return int(value)


def check_field(field: Any, name: str = "field") -> np.ndarray:
    """Return ``field`` as a finite float array of shape ``(3, I, J, K)``."""
    if not isinstance(field, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of shape (3, I, J, K); got {describe(field)}")
    if field.ndim != 4 or field.shape[0] != 3:
        raise ValueError(f"{name} must have shape (3, I, J, K); got {field.shape}")
    if not np.issubdtype(field.dtype, np.floating):
        raise TypeError(f"{name} must hold floats (displacements in voxels); got {describe(field)}")
    if min(field.shape[1:]) < 1:
        raise ValueError(f"{name} must be at least 1 voxel along every axis; got {field.shape}")
    if not all(np.isfinite(component).all() for component in field):
        raise ValueError(f"{name} holds NaN or infinite values")
    return field


def spacing_or_ones(spacing: Any) -> tuple[float, float, float]:
    """Return ``spacing`` (mm) as three floats > 0; ``None`` means 1 voxel = 1 unit."""
    if spacing is None:
        return (1.0, 1.0, 1.0)
    return as_triple(spacing, "spacing", positive=True, allow_zero=False)


# --------------------------------------------------------------- B-spline field


def _bspline_matrix(size: int, num_control_points: int) -> np.ndarray:
    """Cubic B-spline weights from ``num_control_points`` knots to ``size`` voxels.

    The knots sit at ``linspace(0, size - 1, num_control_points)``, so the two
    border knots lie on the first and last voxel. One ghost knot beyond each
    border holds minus its mirror image, which makes the field exactly zero on
    the faces of the volume. Every weight of a row is >= 0 except the folded
    ghosts, and the absolute weights sum to at most 1, so the field is a
    convex combination of +/- the control vectors: it never exceeds them.

    An axis of one voxel (a single slice) has no border to lock: its voxel
    sits in the middle of the knots, so the field there is the central plane
    of a 3D field (see :class:`BSplineField`).
    """
    n = num_control_points
    if size == 1:
        t = np.array([(n - 1) / 2.0])
    else:
        t = np.arange(size, dtype=np.float64) * (n - 1) / (size - 1)
    cell = np.minimum(np.floor(t).astype(np.intp), n - 2)
    s = t - cell
    weights = np.stack([(1 - s) ** 3, 3 * s**3 - 6 * s**2 + 4, -3 * s**3 + 3 * s**2 + 3 * s + 1, s**3], axis=1) / 6.0
    padded = np.zeros((size, n + 2))
    rows = np.arange(size)
    for k in range(4):
        padded[rows, cell + k] = weights[:, k]
    matrix = padded[:, 1:-1].copy()
    matrix[:, 1] -= padded[:, 0]
    matrix[:, n - 2] -= padded[:, n + 1]
    return matrix.astype(np.float32)


def _contract_axes_1_2(w1: np.ndarray, w2: np.ndarray, coarse: np.ndarray) -> np.ndarray:
    """Interpolate a ``(3, A, B, C)`` coarse field along axes 2 and 1: ``(3, A, J, K)`` float32."""
    along_k = coarse.astype(np.float32) @ w2.T
    return np.ascontiguousarray(w1 @ along_k, dtype=np.float32)


def _combine_rows(weights: np.ndarray, partial: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Interpolate along axis 0: ``out[:, x] = sum_a weights[x, a] * partial[:, a]``.

    Each row of ``weights`` has at most four non-zero entries, so this sums
    only those (a dense product would mostly multiply by zero).
    """
    shape = (3, weights.shape[0], *partial.shape[2:])
    out = np.empty(shape, dtype=np.float32) if out is None else out
    for x, row in enumerate(weights):
        out[:, x] = 0
        for a in np.flatnonzero(row):
            out[:, x] += row[a] * partial[:, a]
    return out


def draw_control_displacements(
    num_control_points: int,
    max_displacement: float,
    spacing: tuple[float, float, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """Random control vectors, uniform in a ball of radius ``max_displacement`` (mm).

    Returns a ``(3, n, n, n)`` float64 array in voxels; the control points on
    the border of the grid stay at zero.
    """
    n = num_control_points
    inner = (n - 2,) * 3
    directions = rng.standard_normal((3, *inner))
    directions /= np.maximum(np.sqrt((directions**2).sum(axis=0)), np.finfo(float).tiny)
    radii = max_displacement * rng.random(inner) ** (1.0 / 3.0)
    control = np.zeros((3, n, n, n))
    control[:, 1:-1, 1:-1, 1:-1] = directions * radii / np.reshape(spacing, (3, 1, 1, 1))
    return control


class BSplineField:
    """A cubic B-spline displacement field kept as its control points.

    Evaluating it a few rows at a time (:meth:`rows`) lets a warp use the
    field without ever holding the whole ``(3, I, J, K)`` array in memory.

    Along an axis of one voxel (a single slice stored as a 3D volume) the
    field is two-dimensional: its component along that axis is zero, so
    nothing moves out of the slice, and the in-plane components are those of
    the central plane of the control grid.

    Parameters
    ----------
    shape : tuple of 3 ints
        Shape of the volume the field covers.
    control : (3, n, n, n) ndarray
        Control displacements in voxels, border points zero.

    Attributes
    ----------
    max_abs : tuple of 3 floats
        A bound on ``abs(field[axis])`` per axis, in voxels.
    """

    def __init__(self, shape: tuple[int, int, int], control: np.ndarray) -> None:
        self.shape = shape
        flat = [axis for axis, size in enumerate(shape) if size == 1]
        if flat:
            control = control.copy()
            control[flat] = 0.0
        self.control = control
        n = control.shape[1]
        w0, w1, w2 = (_bspline_matrix(size, n) for size in shape)
        self._w0 = w0
        self._partial = _contract_axes_1_2(w1, w2, control)
        # Rows of _w0 have absolute sums <= 1, so no row exceeds the partial sums.
        self.max_abs = tuple(float(np.abs(p).max()) for p in self._partial)

    def rows(self, start: int, stop: int, out: np.ndarray | None = None) -> np.ndarray:
        """The field for rows ``start:stop`` along axis 0, shape ``(3, stop - start, J, K)``."""
        weights = self._w0[start:stop]
        used = np.flatnonzero((weights != 0).any(axis=0))
        if out is None:
            out = np.empty((3, stop - start, *self.shape[1:]), np.float32)
        if used.size == 0:
            out[...] = 0
            return out
        band = slice(used[0], used[-1] + 1)
        return np.einsum("xa,pajk->pxjk", weights[:, band], self._partial[:, band], out=out)

    def dense(self) -> np.ndarray:
        """The whole field, ``(3, I, J, K)`` float32."""
        return self.rows(0, self.shape[0])


def bspline_field(
    shape: tuple[int, int, int],
    num_control_points: int,
    max_displacement: float,
    spacing: tuple[float, float, float],
    rng: RngLike,
) -> BSplineField:
    """Checked parameters in, a random :class:`BSplineField` out."""
    control = draw_control_displacements(num_control_points, max_displacement, spacing, as_rng(rng))
    return BSplineField(shape, control)


def random_displacement_field(
    shape: Sequence[int],
    *,
    num_control_points: int = 7,
    max_displacement: float = 8.0,
    spacing: Sequence[float] | float | None = None,
    rng: RngLike = None,
) -> np.ndarray:
    """Smooth random displacement field from a coarse grid of control points.

    Every interior control point moves by a random vector drawn uniformly from
    a ball of radius ``max_displacement``; the control points on the border
    stay put. A cubic B-spline turns the control vectors into a dense field,
    which is therefore exactly zero on the faces of the volume (nothing is
    pulled in from outside) and never longer than ``max_displacement``.

    Parameters
    ----------
    shape : tuple of 3 ints
        Shape ``(I, J, K)`` of the volume to deform (each >= 1). Along an
        axis of one voxel (a single slice) the field is 2D: no displacement
        along that axis.
    num_control_points : int, default 7
        Control points per axis, border included (>= 4). More points give a
        wigglier field for the same displacement, and fold sooner.
    max_displacement : float, default 8.0
        Upper bound on the length of every displacement vector: in mm when
        ``spacing`` is given, else in voxels. The *typical* displacement is
        much smaller (about a sixth of it with 7 control points): measure it
        with :func:`displacement_stats`.
    spacing : float or tuple of 3 floats, optional
        Voxel size in mm, e.g. ``volume.spacing``.
    rng : numpy.random.Generator, int or None
        Source of randomness; the same seed gives the same field.

    Returns
    -------
    (3, I, J, K) float32 ndarray
        Displacement in voxels along each array axis; the warped image at
        ``x`` takes its value from ``x + field[:, x]``.

    Raises
    ------
    ValueError
        ``num_control_points`` < 4, a negative ``max_displacement``, a shape
        with no voxel along an axis.

    Examples
    --------
    >>> field = random_displacement_field((20, 20, 20), max_displacement=3.0, rng=0)
    >>> field.shape, field.dtype
    ((3, 20, 20, 20), dtype('float32'))
    >>> bool(np.sqrt((field**2).sum(axis=0)).max() <= 3.0), float(abs(field[:, 0]).max())
    (True, 0.0)
    """
    shape = check_shape(shape)
    num_control_points = check_num_control_points(num_control_points)
    max_displacement = check_nonnegative(max_displacement, "max_displacement")
    spacing_mm = spacing_or_ones(spacing)
    return bspline_field(shape, num_control_points, max_displacement, spacing_mm, rng).dense()


# --------------------------------------------------------------- Gaussian field


def _linear_matrix(size: int, coarse_size: int, step: int) -> np.ndarray:
    """Linear-interpolation weights from coarse nodes ``0, step, 2 step, ...`` to voxels."""
    t = np.arange(size, dtype=np.float64) / step
    left = np.minimum(np.floor(t).astype(np.intp), coarse_size - 2)
    s = t - left
    matrix = np.zeros((size, coarse_size))
    rows = np.arange(size)
    matrix[rows, left] = 1 - s
    matrix[rows, left + 1] = s
    return matrix.astype(np.float32)


def gaussian_displacement_field(
    shape: Sequence[int],
    alpha: float,
    sigma: float,
    *,
    rng: RngLike = None,
) -> np.ndarray:
    """Simard-style field: uniform noise in [-1, 1], Gaussian-smoothed, times ``alpha``.

    This is the field of the usual ``elastic_transform_3d`` blog code (and of
    Simard et al. 2003), computed on a grid ``sigma // 4`` times coarser and
    interpolated linearly, so ``sigma = 35`` costs milliseconds instead of
    seconds. The coarse noise is scaled so that the result has the same
    statistics as smoothing full-resolution noise.

    How strong is it? Smoothing averages the noise away. Away from the
    border, each component is roughly normal with standard deviation

    ``std = alpha * sqrt(1/3) / (2 * sqrt(pi) * sigma) ** (3/2)`` voxels

    and the mean length of the displacement vector is about ``1.6 * std``.
    The exponent 3/2 is the dimension over 2: in 2D it is 1/2, which is why
    2D settings such as ``alpha=34, sigma=4`` move pixels by about one
    pixel, while the same recipe in 3D with ``alpha=4, sigma=35`` gives
    ``std = 0.0017`` voxel: nothing moves. To get a mean of 2 voxels at
    ``sigma = 35`` you need ``alpha`` of about 3000.

    Prefer :func:`random_displacement_field`, whose ``max_displacement`` is
    in mm and is a guaranteed bound; this function exists to explain the
    blog's parameters.

    Parameters
    ----------
    shape : tuple of 3 ints
        Shape ``(I, J, K)`` (each >= 2: this recipe has no 2D case).
    alpha : float
        Scale of the displacement (>= 0), in voxels times the noise.
    sigma : float
        Smoothing, the Gaussian's standard deviation in voxels (>= 0).
    rng : numpy.random.Generator, int or None
        Source of randomness.

    Returns
    -------
    (3, I, J, K) float32 ndarray
        Displacement in voxels. Not zero on the border: a warp with this
        field pulls in ``cval`` along the faces wherever it points outwards.

    Examples
    --------
    >>> field = gaussian_displacement_field((40, 40, 40), alpha=4, sigma=35, rng=0)
    >>> field.shape, bool(abs(field).max() < 0.01)
    ((3, 40, 40, 40), True)
    """
    shape = check_shape(shape, minimum=2)
    alpha = check_nonnegative(alpha, "alpha")
    sigma = check_nonnegative(sigma, "sigma")
    rng = as_rng(rng)
    step = max(1, int(sigma // 4))
    coarse = tuple(-(-(size - 1) // step) + 1 for size in shape)
    noise = rng.random((3, *coarse), dtype=np.float32)
    noise *= 2.0
    noise -= 1.0
    noise *= alpha * step**-1.5
    smooth = np.stack([ndimage.gaussian_filter(component, sigma / step, mode="constant") for component in noise])
    if step == 1:
        return smooth
    w0, w1, w2 = (_linear_matrix(size, n, step) for size, n in zip(shape, coarse))
    return _combine_rows(w0, _contract_axes_1_2(w1, w2, smooth))
