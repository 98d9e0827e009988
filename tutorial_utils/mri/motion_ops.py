"""Motion during the scan, from k-space: each segment of lines is measured at another head pose.

The model is TorchIO's ``RandomMotion`` (Shaw et al. 2019, "MRI k-space
motion artefact augmentation", MIDL; ``torchio/transforms/augmentation/
intensity/random_motion.py``, version 1.2): k-space lines along the
phase-encoding axis are measured one after the other, from one edge of
k-space to the other; at a few moments the head moves rigidly to a new pose,
so each segment of lines is the k-space of the head at another pose. Two
differences from TorchIO, both physical:

* TorchIO swaps the unmoved spectrum into the segment that holds the centre
  of k-space. Here every pose is expressed relative to the pose held while
  the centre was measured: the image shows the anatomy at that pose, and
  every other pose is a movement away from it.
* Only the phase-encoding axis is transformed, slab by slab (each pose's
  slab resampled as it is needed, so no moved volume is held whole). Each segment is a set of
  whole lines along the other two axes, so their transforms cancel between
  the forward and the inverse: ``|F_pe^-1 (sum_p M_p F_pe x_p)|`` with
  ``M_p`` the lines of pose ``p``. TorchIO transforms every pose's whole
  volume in 3D.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.fft

from .._checks import as_triple, check_axis, describe
from .._resampling import affine_transform, block_occupancy
from ..spatial.affine_ops import affine_matrix
from .kspace_ops import Slab, check_magnitude, map_lines, signed_frequencies


def check_poses(degrees: Any, translation: Any, times: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``degrees`` and ``translation`` as (M, 3) float arrays and ``times`` as (M,), increasing in (0, 1)."""
    arrays = []
    for name, value, what in (
        ("degrees", degrees, "rotation angles in degrees about axes 0, 1 and 2"),
        ("translation", translation, "translations in mm along axes 0, 1 and 2"),
    ):
        try:
            arr = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be a sequence of (3,) {what}, one per movement; got {describe(value)}"
            ) from None
        arr = arr.reshape(0, 3) if arr.size == 0 else arr
        if arr.ndim != 2 or arr.shape[1] != 3 or not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite {what}, shape (M, 3), one row per movement; got {describe(value)}")
        arrays.append(arr)
    try:
        moments = np.array(times, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"times must be a sequence of numbers in (0, 1); got {describe(times)}") from None
    if not (len(moments) == len(arrays[0]) == len(arrays[1])):
        raise ValueError(
            f"degrees, translation and times must describe the same number of movements; got "
            f"{len(arrays[0])}, {len(arrays[1])} and {len(moments)}"
        )
    if not np.isfinite(moments).all() or ((moments <= 0) | (moments >= 1)).any() or (np.diff(moments) < 0).any():
        raise ValueError(
            f"times must be increasing fractions of the scan in (0, 1), when each movement happens; got {describe(times)}"
        )
    return arrays[0], arrays[1], moments


def segment_bounds(n: int, times: np.ndarray) -> np.ndarray:
    """First line of each pose's segment (and ``n`` at the end): lines measured in order 0 .. n - 1.

    Examples
    --------
    >>> segment_bounds(10, np.array([0.25, 0.7])).tolist()
    [0, 2, 7, 10]
    """
    return np.concatenate([[0], (n * times).astype(int), [n]])


def pose_matrices(
    shape: tuple[int, ...], degrees: np.ndarray, translation: np.ndarray, reference: int, spacing: Sequence[float]
) -> list[np.ndarray]:
    """OUTPUT -> INPUT voxel matrices of every pose relative to pose ``reference`` (pose 0 is the start).

    Pose ``p`` moves the anatomy by ``T_p`` (rotation about the volume centre
    in mm, then translation); seen from the reference pose it moved by
    ``T_p T_r^-1``, whose resampling matrix is ``A_r^-1 A_p`` with ``A = T^-1``
    from :func:`~tutorial_utils.spatial.affine_ops.affine_matrix`.
    """
    pullbacks = [np.eye(4)] + [
        affine_matrix(shape, rotation=d, translation=t, spacing=spacing, translation_units="mm")
        for d, t in zip(degrees, translation)
    ]
    back = np.linalg.inv(pullbacks[reference])
    return [back @ a for a in pullbacks]


def motion(
    image: Any,
    *,
    degrees: Sequence[Sequence[float]],
    translation: Sequence[Sequence[float]],
    times: Sequence[float],
    axis: int = 2,
    spacing: Sequence[float] | float = 1.0,
) -> np.ndarray:
    """Motion artifact: the head moves to new poses while k-space lines along ``axis`` are measured.

    The scan starts at the pose of ``image`` and measures the k-space lines
    along the phase-encoding ``axis`` in order; at ``times[m]`` (a fraction
    of the scan) the head moves to pose ``m + 1``: rotated by ``degrees[m]``
    about the volume centre, then shifted by ``translation[m]`` mm, both
    from the start. The output shows the anatomy at the pose held while the
    centre of k-space was measured (that is where a scan's image is: the
    centre carries the contrast and most of the signal); the other poses
    blur it and add ghosts and ripples along ``axis``. See the module
    docstring for the model and its source (TorchIO).

    Parameters
    ----------
    image : (I, J, K) array_like
        Magnitudes, >= 0.
    degrees : (M, 3) sequence of float
        Rotation of each pose about axes 0, 1 and 2, in degrees (as
        :func:`~tutorial_utils.affine_matrix`).
    translation : (M, 3) sequence of float
        Shift of each pose along axes 0, 1 and 2, in mm.
    times : (M,) sequence of float
        When each movement happens, increasing fractions of the scan in
        (0, 1). An empty sequence (no movement) returns the image.
    axis : int
        The phase-encoding axis: the axis along which lines are measured
        one after the other.
    spacing : float or (3,) sequence of float
        Voxel size in mm (rotations and shifts act in mm). The moved poses
        are resampled linearly (TorchIO's default), the outside filled with
        the image minimum.

    Returns
    -------
    (I, J, K) float32 ndarray
        The magnitude image.

    Examples
    --------
    >>> x = np.zeros((8, 8, 16), np.float32); x[2:6, 2:6, 4:12] = 1.0
    >>> still = motion(x, degrees=[(0, 0, 0)], translation=[(0, 0, 0)], times=[0.3])
    >>> bool(np.allclose(still, x, atol=1e-5))
    True
    >>> moved = motion(x, degrees=[(0, 0, 0)], translation=[(0, 0, 3)], times=[0.8])
    >>> bool(np.allclose(moved, x, atol=1e-5)), round(float((moved**2).sum() / (x**2).sum()), 4)  # energy kept
    (False, 1.0)
    """
    x = check_magnitude(image)
    degrees, translation, times = check_poses(degrees, translation, times)
    axis = check_axis(axis)
    spacing = as_triple(spacing, "spacing", positive=True, allow_zero=False)
    n = x.shape[axis]
    bounds = segment_bounds(n, times)
    reference = int(np.searchsorted(bounds[1:], n // 2, side="right"))
    matrices = pose_matrices(x.shape, degrees, translation, reference, spacing)
    centred = signed_frequencies(n) + n // 2  # centred line of each FFT index
    line_pose = np.searchsorted(bounds[1:], centred, side="right")
    poses = [p for p in range(len(matrices)) if (line_pose == p).any()]
    offsets = centred - n // 2
    fill = float(x.min())
    moved = [p for p in poses if not np.allclose(matrices[p], np.eye(4))]
    occupancy = block_occupancy(x, fill) if moved else None

    def pose_slab(pose: int, slab: Slab) -> np.ndarray:
        """The slab of the image seen at ``pose``: resampled here, so no moved volume is ever held whole."""
        if pose not in moved:
            return x[slab]
        matrix = matrices[pose]
        start = np.array([s.start or 0 for s in slab], dtype=np.float64)
        shape = tuple(len(range(*s.indices(size))) for s, size in zip(slab, x.shape))
        linear, offset = matrix[:3, :3], matrix[:3, 3] + matrix[:3, :3] @ start
        return affine_transform(
            x, linear, offset, output_shape=shape, order=1, cval=fill, threads=1, occupancy=occupancy
        )

    def work(slab: Slab) -> np.ndarray:
        spectrum = np.empty(x[slab].shape, np.complex64)
        index: list[Any] = [slice(None)] * 3
        for pose in poses:
            # offsets 0 .. n // 2; a real image's negative ones are their complex conjugates
            half = scipy.fft.rfft(pose_slab(pose, slab), axis=axis)
            for sign in (1, -1):
                lines = np.flatnonzero((line_pose == pose) & (sign * offsets >= 0) & ((sign > 0) | (offsets != 0)))
                index[axis] = lines
                values = np.take(half, sign * offsets[lines], axis=axis)
                spectrum[tuple(index)] = values if sign > 0 else np.conj(values)
        return np.abs(scipy.fft.ifft(spectrum, axis=axis, overwrite_x=True))

    return map_lines(x.shape, axis, work)


__all__ = ["check_poses", "motion", "pose_matrices", "segment_bounds"]
