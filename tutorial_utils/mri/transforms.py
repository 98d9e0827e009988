"""MRI artifacts on a ``Volume``: one recorded, replayable step per artifact.

Each step changes the image only. The label and the affine pass through
untouched: an intensity artifact moves no anatomy, and the label says where
the anatomy is, which is what a network must still find under the artifact.
``motion_volume`` is image-only too, for a reason given in its docstring.

The steps take the voxel size from the volume's affine (mm), and the k-space
artifacts (all but ``thick_slices_volume``) need a magnitude image (>= 0, as
stored by the scanner): apply them before z-scoring.

The bias field of :mod:`tutorial_utils.intensity` (``random_bias_field``,
step ``"bias_field"``) is the seventh MRI artifact; this topic re-exports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._checks import check_non_negative_int
from ..records import volume_transform
from ..volume import Volume
from .artifact_ops import ghosting, gibbs, rician_noise, spike
from .kspace_ops import Axes
from .motion_ops import motion
from .slice_ops import thick_slices


@volume_transform("motion")
def motion_volume(
    volume: Volume,
    *,
    degrees: Sequence[Sequence[float]],
    translation: Sequence[Sequence[float]],
    times: Sequence[float],
    axis: int = 1,
) -> Volume:
    """Motion during the scan: k-space segments along ``axis`` measured at other head poses (see :func:`motion`).

    Image-only: the label is not moved. The image shows the anatomy at the
    pose held while the centre of k-space was measured (the centre carries
    the contrast and most of the signal); the other poses add blur, ghosts
    and ripples but do not displace the anatomy, so the label, drawn on the
    anatomy, still fits it. Moving the label with any one pose would teach
    the network a misplaced boundary. Rotations and shifts are in degrees and
    mm on the volume's voxel grid (the spacing from the affine).

    Parameters
    ----------
    volume : Volume
        A magnitude image (>= 0).
    degrees, translation : (M, 3) sequence of float
        Pose after each movement, from the start: rotation about axes 0, 1, 2
        (degrees) and shift along them (mm).
    times : (M,) sequence of float
        When each movement happens, increasing fractions of the scan in (0, 1).
    axis : int
        Phase-encoding axis (1: anterior-posterior in a RAS volume, the usual
        choice for axial brain scans).

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((6, 8, 4)), np.eye(4), np.ones((6, 8, 4), np.uint8))
    >>> out = motion_volume(vol, degrees=[(0, 0, 5)], translation=[(0, 2, 0)], times=[0.8])
    >>> out.history[-1].name, out.label is vol.label
    ('motion', True)
    """
    image = motion(
        volume.image, degrees=degrees, translation=translation, times=times, axis=axis, spacing=volume.spacing
    )
    return volume.replace(image=image)


@volume_transform("ghosting")
def ghosting_volume(volume: Volume, *, intensity: float, period: int = 2, axis: int = 1) -> Volume:
    """Ghosts along the phase-encoding ``axis``: every ``period``-th k-space line loses ``intensity`` (see :func:`ghosting`).

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((4, 8, 4)), np.eye(4))
    >>> ghosting_volume(vol, intensity=0.5).history[-1]
    TransformRecord(name='ghosting', params={'intensity': 0.5, 'period': 2, 'axis': 1})
    """
    return volume.replace(image=ghosting(volume.image, intensity=intensity, period=period, axis=axis))


@volume_transform("spike")
def spike_volume(volume: Volume, *, positions: Sequence[Sequence[float]], intensity: float) -> Volume:
    """Herringbone stripes from bright k-space points at ``positions`` (fractions of k-space; see :func:`spike`).

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((4, 4, 4)), np.eye(4))
    >>> out = spike_volume(vol, positions=[(0.0, 0.25, 0.0)], intensity=0.2)
    >>> round(float(out.image.max()), 2), round(float(out.image.min()), 2)
    (1.2, 0.8)
    """
    return volume.replace(image=spike(volume.image, positions=positions, intensity=intensity))


@volume_transform("gibbs")
def gibbs_volume(volume: Volume, *, fraction: float, axes: Axes = (0, 1, 2)) -> Volume:
    """Gibbs ringing: only the central ``fraction`` of k-space is kept along ``axes`` (see :func:`gibbs`).

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.ones((4, 4, 4)), np.eye(4))
    >>> bool(np.allclose(gibbs_volume(vol, fraction=0.5).image, 1.0, atol=1e-5))  # no edge, no ringing
    True
    """
    return volume.replace(image=gibbs(volume.image, fraction=fraction, axes=axes))


@volume_transform("thick_slices")
def thick_slices_volume(volume: Volume, *, thickness: float, axis: int = 2) -> Volume:
    """Slices ``thickness`` mm thick along ``axis``, back on the volume's grid (see :func:`thick_slices`).

    Shape, affine and label are kept: the label is the anatomy at full
    resolution, which a network should learn to recover from the blurred
    input.

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.arange(8.0).reshape(1, 1, 8), np.diag([1.0, 1.0, 2.0, 1.0]))
    >>> out = thick_slices_volume(vol, thickness=4.0)  # two 2 mm voxels per slice: a ramp stays a ramp
    >>> out.shape, [round(float(v), 2) for v in out.image.ravel()]
    ((1, 1, 8), [0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.5])
    """
    image = thick_slices(volume.image, thickness, axis=axis, spacing=volume.spacing)
    return volume.replace(image=image)


@volume_transform("rician_noise")
def rician_noise_volume(volume: Volume, *, std: float, seed: int) -> Volume:
    """Rician noise of ``std`` (image units) per channel, the field generated from ``seed`` (see :func:`rician_noise`).

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.zeros((20, 20, 20)), np.eye(4))
    >>> out = rician_noise_volume(vol, std=1.0, seed=0)
    >>> round(float(out.image.mean()), 2)  # the background rises to about sqrt(pi / 2) * std = 1.25
    1.25
    """
    image = rician_noise(volume.image, std, rng=check_non_negative_int(seed, "seed"))
    return volume.replace(image=image)


__all__ = [
    "ghosting_volume",
    "gibbs_volume",
    "motion_volume",
    "rician_noise_volume",
    "spike_volume",
    "thick_slices_volume",
]
