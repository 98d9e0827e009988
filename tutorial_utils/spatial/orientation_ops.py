"""Orientation codes and exact reorientation of arrays (permute and flip axes, no interpolation).

An orientation code names, for each array axis, the world direction it
points to: ``"RAS"`` means ``i`` runs to the patient's Right, ``j`` to
Anterior, ``k`` to Superior (NIfTI's and this package's world frame);
``"LPS"`` is the frame of DICOM, ITK and SimpleITK; many NIfTI converters
write ``"LAS"``. Two scans with different codes hold the same anatomy in
differently ordered arrays, so a network sees a mirrored brain unless both
are brought to one code first.

The math is nibabel's :mod:`nibabel.orientations` (``io_orientation``,
``axcodes2ornt``, ``ornt_transform``, ``apply_orientation``,
``inv_ornt_aff``); this module only names the steps and checks the input.
An orientation ``ornt`` is an ``(3, 2)`` array whose row ``n`` says which
output axis array axis ``n`` becomes and whether it is flipped (-1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from nibabel import orientations

from .._checks import check_array_3d, check_homogeneous_matrix, describe

__all__ = ["check_axcodes", "orientation_change", "reorient_array", "reoriented_affine"]

_PAIRS = (("L", "R"), ("P", "A"), ("I", "S"))


def check_axcodes(axcodes: Any, name: str = "axcodes") -> str:
    """Return ``axcodes`` as an upper-case 3-letter code, one letter from each of L/R, P/A, I/S.

    Raises
    ------
    TypeError
        Not a string (or a sequence of three one-letter strings).
    ValueError
        Not three letters naming each world axis once.

    Examples
    --------
    >>> check_axcodes("las"), check_axcodes(("L", "P", "S"))
    ('LAS', 'LPS')
    """
    if isinstance(axcodes, (tuple, list)) and all(isinstance(c, str) and len(c) == 1 for c in axcodes):
        axcodes = "".join(axcodes)
    if not isinstance(axcodes, str):
        raise TypeError(f"{name} must be a 3-letter orientation code such as 'RAS' or 'LPS'; got {describe(axcodes)}")
    code = axcodes.upper()
    counts = [sum(letter in pair for letter in code) for pair in _PAIRS]
    if len(code) != 3 or counts != [1, 1, 1]:
        raise ValueError(
            f"{name} must be 3 letters naming each world axis once: one of L/R, one of A/P, one of "
            f"S/I (e.g. 'RAS', 'LPS', 'LAS', 'PSR'); got {axcodes!r}"
        )
    return code


def orientation_change(affine: Any, axcodes: str = "RAS") -> np.ndarray:
    """The axis permutation and flips that bring an array with ``affine`` to ``axcodes``.

    Each array axis is matched to the world axis it is closest to
    (``nibabel.orientations.io_orientation``), so an oblique affine gets the
    nearest code, exactly as ``nibabel.as_closest_canonical`` does.

    Parameters
    ----------
    affine : (4, 4) array_like
        Voxel-to-world matrix of the array.
    axcodes : str
        Target code (see :func:`check_axcodes`).

    Returns
    -------
    (3, 2) ndarray
        nibabel orientation transform: row ``n`` is (new position of axis
        ``n``, 1 or -1 for a flip). The identity is ``[[0, 1], [1, 1], [2, 1]]``.

    Examples
    --------
    >>> orientation_change(np.diag([-2.0, 2.0, 2.2, 1.0]), "RAS").tolist()  # a LAS scan
    [[0.0, -1.0], [1.0, 1.0], [2.0, 1.0]]
    """
    matrix = check_homogeneous_matrix(affine, "affine")
    code = check_axcodes(axcodes)
    return orientations.ornt_transform(orientations.io_orientation(matrix), orientations.axcodes2ornt(code))


def reorient_array(array: Any, ornt: np.ndarray) -> np.ndarray:
    """Permute and flip the axes of a 3D array as ``ornt`` says; values are copied, never interpolated.

    Parameters
    ----------
    array : (I, J, K) array_like
        Image or label map; its dtype is kept.
    ornt : (3, 2) ndarray
        From :func:`orientation_change`.

    Returns
    -------
    ndarray
        A new C-contiguous array (never a view of ``array``, so it can go
        straight into ``torch.from_numpy``); its shape is ``array``'s shape
        permuted.

    Examples
    --------
    >>> a = np.arange(6).reshape(1, 2, 3)
    >>> reorient_array(a, np.array([[2, 1], [1, -1], [0, 1]])).shape
    (3, 2, 1)
    """
    arr = check_array_3d(array, "array")
    return np.array(orientations.apply_orientation(arr, ornt), order="C", copy=True)


def reoriented_affine(affine: Any, ornt: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """Affine of the reoriented array, so that every voxel keeps its world position.

    ``affine @ inv_ornt_aff(ornt, shape)``: the reoriented voxel ``v``
    holds the value of the old voxel ``inv_ornt_aff(ornt, shape) @ v``.

    Parameters
    ----------
    affine : (4, 4) array_like
        Affine of the array before reorientation.
    ornt : (3, 2) ndarray
        From :func:`orientation_change`.
    shape : tuple of 3 ints
        Shape of the array *before* reorientation (a flip needs the axis length).

    Returns
    -------
    (4, 4) ndarray

    Examples
    --------
    >>> ornt = orientation_change(np.diag([-2.0, 2.0, 2.2, 1.0]), "RAS")
    >>> reoriented_affine(np.diag([-2.0, 2.0, 2.2, 1.0]), ornt, (10, 4, 4))[0].tolist()
    [2.0, 0.0, 0.0, -18.0]
    """
    matrix = check_homogeneous_matrix(affine, "affine")
    return matrix @ orientations.inv_ornt_aff(ornt, shape)
