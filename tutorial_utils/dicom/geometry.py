"""Where DICOM slices lie: sorting along the slice normal, spacing from positions, the affine.

Plain numpy, no pydicom: the three tags that place a slice are numbers.

* ``ImageOrientationPatient`` (IOP): two unit vectors, the direction in
  which a row runs (column index increases) and the direction in which a
  column runs (row index increases).
* ``ImagePositionPatient`` (IPP): the centre of the first pixel (row 0,
  column 0), in mm.
* ``PixelSpacing``: (distance between rows, distance between columns) in mm
  (note the order: the row spacing first).

All three are in DICOM's patient frame, **LPS** (x to the patient's Left,
y to Posterior, z to Superior). The world point of pixel (row ``r``, column
``c``) is ``IPP + c * PixelSpacing[1] * IOP[:3] + r * PixelSpacing[0] * IOP[3:]``.
The slices of a series are ordered by their position along the normal
``IOP[:3] x IOP[3:]`` (not by file name, not by ``InstanceNumber``), and the
slice spacing is the distance between neighbouring positions, never
``SliceThickness`` (thick slices can overlap or leave gaps).

Our arrays are ``[i, j, k]`` = (column, row, slice): ``i`` runs along a row,
the order in which the pixel data is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LPS_TO_RAS", "StackGeometry", "series_affine", "slice_normal", "stack_geometry"]

#: Turns LPS world coordinates (DICOM, ITK) into RAS (NIfTI, this package): x and y change sign.
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])

#: Largest difference between two slices' orientations (direction cosines) still called parallel.
ORIENTATION_TOLERANCE = 1e-4
#: A gap between neighbouring slices may differ from the median gap by this fraction (plus 1e-3 mm).
SPACING_TOLERANCE = 0.01
#: Largest angle (degrees) between the slice normal and the line through the slice positions.
TILT_TOLERANCE_DEG = 0.1


@dataclass(frozen=True)
class StackGeometry:
    """The result of :func:`stack_geometry`: slice order, step between slices, and the first slice.

    Attributes
    ----------
    order : (N,) ndarray of int
        Indices into the input that sort the slices along the normal.
    step : (3,) ndarray
        Vector (mm, LPS) from one slice's position to the next one's.
    origin : (3,) ndarray
        Position of the first slice (after sorting).
    """

    order: np.ndarray
    step: np.ndarray
    origin: np.ndarray

    @property
    def spacing(self) -> float:
        """Distance between neighbouring slices in mm."""
        return float(np.linalg.norm(self.step))


def slice_normal(orientation: np.ndarray) -> np.ndarray:
    """Unit normal of a slice with ``ImageOrientationPatient`` ``orientation`` (6 numbers): row x column.

    Examples
    --------
    >>> slice_normal(np.array([1.0, 0, 0, 0, 1, 0])).tolist()  # an axial slice: the normal points to S
    [0.0, 0.0, 1.0]
    """
    orientation = np.asarray(orientation, dtype=np.float64)
    normal = np.cross(orientation[:3], orientation[3:])
    return normal / np.linalg.norm(normal)


def stack_geometry(
    positions: np.ndarray, orientations: np.ndarray, where: str, single_slice_spacing: float = 1.0
) -> StackGeometry:
    """Sort slices along their normal and check that they form a regular stack.

    Parameters
    ----------
    positions : (N, 3) array_like
        ``ImagePositionPatient`` of each slice (mm, LPS), in any order.
    orientations : (N, 6) array_like
        ``ImageOrientationPatient`` of each slice.
    where : str
        What the slices are (e.g. ``"folder '/data/ct'"``), for messages.
    single_slice_spacing : float
        Thickness given to a lone slice (it has no neighbour to measure).

    Returns
    -------
    StackGeometry

    Raises
    ------
    ValueError
        Slices not parallel; two slices at the same position; uneven
        spacing (a missing slice: the message says between which positions);
        positions not along the normal (gantry tilt, the angle is given).

    Examples
    --------
    >>> iop = np.array([[1.0, 0, 0, 0, 1, 0]] * 3)
    >>> geo = stack_geometry(np.array([[0, 0, 5.0], [0, 0, 0.0], [0, 0, 2.5]]), iop, "example")
    >>> geo.order.tolist(), geo.spacing
    ([1, 2, 0], 2.5)
    """
    positions = np.asarray(positions, dtype=np.float64).reshape(-1, 3)
    orientations = np.asarray(orientations, dtype=np.float64).reshape(-1, 6)
    differs = np.abs(orientations - orientations[0]).max(axis=1) > ORIENTATION_TOLERANCE
    if differs.any():
        raise ValueError(
            f"{where}: the slices are not parallel: slice {int(np.argmax(differs))} has orientation "
            f"{orientations[differs][0].round(4).tolist()}, slice 0 {orientations[0].round(4).tolist()} "
            f"(a localizer in the series, or several stacks): split the series before loading it"
        )
    normal = slice_normal(orientations[0])
    distance = positions @ normal
    order = np.argsort(distance, kind="stable")
    if len(order) == 1:
        return StackGeometry(order, normal * float(single_slice_spacing), positions[0])
    gaps = np.diff(distance[order])
    typical = float(np.median(gaps))
    if gaps.min() < 1e-3:
        k = int(np.argmin(gaps))
        raise ValueError(
            f"{where}: two slices lie at the same position ({distance[order][k]:.3f} mm along the normal): "
            f"duplicates, or several echoes/phases/acquisitions in one series; select one of them first"
        )
    uneven = np.abs(gaps - typical) > SPACING_TOLERANCE * typical + 1e-3
    if uneven.any():
        k = int(np.argmax(uneven))
        raise ValueError(
            f"{where}: the slices are not evenly spaced: {gaps[k]:.3f} mm between sorted slices {k} and {k + 1} "
            f"(at {distance[order][k]:.3f} and {distance[order][k + 1]:.3f} mm along the normal) where "
            f"{typical:.3f} mm is typical; a missing slice? A regular grid cannot hold this series"
        )
    step = (positions[order[-1]] - positions[order[0]]) / (len(order) - 1)
    tilt = np.degrees(np.arccos(np.clip(abs(step @ normal) / np.linalg.norm(step), -1.0, 1.0)))
    if tilt > TILT_TOLERANCE_DEG:
        raise ValueError(
            f"{where}: the slice positions do not line up along the slice normal; the stack is sheared by "
            f"{tilt:.2f} degrees (a gantry tilt). Resample it onto a straight grid first (e.g. dcm2niix "
            f"does this and writes the result as NIfTI)"
        )
    return StackGeometry(order, step, positions[order[0]])


def series_affine(
    origin: np.ndarray, orientation: np.ndarray, pixel_spacing: np.ndarray, step: np.ndarray
) -> np.ndarray:
    """RAS voxel-to-world affine of a ``[column, row, slice]`` array.

    Parameters
    ----------
    origin : (3,) array_like
        ``ImagePositionPatient`` of the first sorted slice (mm, LPS).
    orientation : (6,) array_like
        ``ImageOrientationPatient``.
    pixel_spacing : (2,) array_like
        ``PixelSpacing`` as stored: (row spacing, column spacing).
    step : (3,) array_like
        From one slice's position to the next (mm, LPS).

    Returns
    -------
    (4, 4) ndarray
        ``LPS_TO_RAS @ A`` where ``A``'s columns are ``IOP[:3] * PixelSpacing[1]``,
        ``IOP[3:] * PixelSpacing[0]``, ``step`` and ``origin``.

    Examples
    --------
    >>> series_affine(np.zeros(3), np.array([1.0, 0, 0, 0, 1, 0]), np.array([0.5, 0.7]), np.array([0, 0, 2.0]))
    array([[-0.7, -0. ,  0. , -0. ],
           [ 0. , -0.5,  0. , -0. ],
           [ 0. ,  0. ,  2. ,  0. ],
           [ 0. ,  0. ,  0. ,  1. ]])
    """
    orientation = np.asarray(orientation, dtype=np.float64)
    lps = np.eye(4)
    lps[:3, 0] = orientation[:3] * float(pixel_spacing[1])
    lps[:3, 1] = orientation[3:] * float(pixel_spacing[0])
    lps[:3, 2] = np.asarray(step, dtype=np.float64)
    lps[:3, 3] = np.asarray(origin, dtype=np.float64)
    return LPS_TO_RAS @ lps
