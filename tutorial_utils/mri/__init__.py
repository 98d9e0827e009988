"""MRI topic: artifacts made from the physics, in k-space.

An MRI scanner measures k-space (the image's spatial frequencies) line by
line, and the image is the magnitude of its inverse Fourier transform. Each
artifact here is a change to that measurement:

* Array layer (numpy in, numpy out): :mod:`.kspace_ops` (``to_kspace``,
  ``from_kspace``), :mod:`.motion_ops` (``motion``), :mod:`.artifact_ops`
  (``ghosting``, ``spike``, ``gibbs``, ``rician_noise``) and
  :mod:`.slice_ops` (``thick_slices``); :mod:`.stats_ops`
  (``tissue_statistics``: what an artifact does to a network's input).
* Volume layer (one record per call): :mod:`.transforms` (the steps
  ``motion_volume``, ``ghosting_volume``, ``spike_volume``, ``gibbs_volume``,
  ``thick_slices_volume``, ``rician_noise_volume``) and
  :mod:`.random_transforms` (``random_motion``, ``random_ghosting``,
  ``random_spike``, ``random_gibbs``, ``random_anisotropy``,
  ``random_rician_noise``).
* The bias field, the slow shading of a receive coil, lives in
  :mod:`tutorial_utils.intensity` (step ``"bias_field"``) and is re-exported
  here: ``cosine_bias_field``, ``random_bias_field``.

Labels are never changed: an artifact degrades the picture, not the anatomy.
"""

from ..intensity import cosine_bias_field, random_bias_field
from .artifact_ops import ghosting, gibbs, rician_noise, spike
from .kspace_ops import from_kspace, to_kspace
from .motion_ops import motion
from .random_transforms import (
    random_anisotropy,
    random_ghosting,
    random_gibbs,
    random_motion,
    random_rician_noise,
    random_spike,
)
from .slice_ops import thick_slices
from .stats_ops import tissue_statistics
from .transforms import (
    ghosting_volume,
    gibbs_volume,
    motion_volume,
    rician_noise_volume,
    spike_volume,
    thick_slices_volume,
)

__all__ = [
    "cosine_bias_field",
    "from_kspace",
    "ghosting",
    "ghosting_volume",
    "gibbs",
    "gibbs_volume",
    "motion",
    "motion_volume",
    "random_anisotropy",
    "random_bias_field",
    "random_ghosting",
    "random_gibbs",
    "random_motion",
    "random_rician_noise",
    "random_spike",
    "rician_noise",
    "rician_noise_volume",
    "spike",
    "spike_volume",
    "thick_slices",
    "thick_slices_volume",
    "tissue_statistics",
    "to_kspace",
]
