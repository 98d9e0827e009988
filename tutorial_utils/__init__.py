"""tutorial_utils: the tested helpers behind the 3D medical image preprocessing course.

Conventions (the same in every module and notebook):

* A volume is a 3D numpy array indexed ``[i, j, k]`` exactly as nibabel loads
  it. Nothing is transposed except for display.
* The 4x4 affine maps voxel ``(i, j, k, 1)`` to world ``(x, y, z, 1)`` in mm,
  RAS+ as in NIfTI; the voxel size is ``nibabel.affines.voxel_sizes(affine)``.
* Geometric transforms act about the volume centre ``(n - 1) / 2`` and in mm
  when the spacing is known.
* Label maps never get a new label value: nearest neighbour by default, or one-hot
  linear then argmax (``label_mode="onehot"``, smoother boundaries, as nnU-Net does in spirit).
* Every random function takes ``rng`` (Generator, int seed or None) and never
  touches the global ``np.random`` state.
* Image math runs in float32; inputs are never modified.

Architecture:

* One subpackage per topic (``spatial``, ``crop``, ``intensity``,
  ``elastic``, ``mri``, ...), each with two layers. Array modules (``ops``, ``*_ops``,
  ``elastic.field``, ``elastic.stats``) take and return numpy arrays and
  import nothing from ``volume``, ``records``, ``pipeline`` or ``display``.
  Volume modules (``transforms``, ``*_transforms``) take and return a
  :class:`Volume` and record what they did.
* Every public ``Volume`` transform adds exactly one :class:`TransformRecord`
  to ``volume.history`` (see :mod:`tutorial_utils.records`), so
  :func:`replay` repeats a whole pipeline, checking each recorded parameter
  as a direct call does.
* ``display`` (figures and widgets) sits on top; nothing in the package
  imports it. ``import tutorial_utils`` loads neither matplotlib.pyplot nor
  ipywidgets: the display names (``tu.show_slices``, ``tu.SliceViewer``, ...)
  are imported on first use, so DataLoader workers and Dask workers that only
  transform volumes never pay for them.

One vocabulary, the same in every function:

* ``order``: spline interpolation order (0 nearest, 1 linear, 3 cubic), and
  nothing else.
* ``cval``: the value for voxels outside the field of view or added by padding
  (a number, or ``"min"``: the image's minimum, CT air or MRI background);
  labels always get 0.
* ``p``: the probability that a random step happens (per axis for flips).
* ``axes``: the array axes a flip mirrors (an int or a tuple).
* ``rng``: the source of randomness, keyword-only.
* A range is a ``(low, high)`` pair, or one number ``d`` meaning the
  symmetric range about the neutral value (``degrees=10`` is (-10, 10),
  ``scale_range=0.1`` is (0.9, 1.1)).
* Options are keyword-only: ``resize(array, shape, order=3)``.
* Threads: :func:`set_num_threads` (or ``TUTORIAL_UTILS_NUM_THREADS``).
"""

from __future__ import annotations

import importlib
from typing import Any

from ._threads import num_threads, set_num_threads
from .crop import (
    center_crop,
    center_crop_volume,
    crop,
    crop_or_pad,
    crop_or_pad_volume,
    crop_start_around,
    crop_volume,
    foreground_bbox,
    pad_to_shape,
    pad_volume,
    random_crop,
    random_crop_start,
)
from .data import MNI_LABELS, list_samples, load_nifti, load_sample
from .elastic import (
    FoldingWarning,
    displacement_stats,
    elastic_transform,
    elastic_volume,
    gaussian_displacement_field,
    jacobian_determinant,
    random_displacement_field,
    random_elastic,
    warp,
)
from .intensity import (
    CT_WINDOWS,
    add_noise,
    adjust_gamma,
    clip_range,
    cosine_bias_field,
    gamma_volume,
    normalize_intensity,
    normalize_volume,
    percentile_bounds,
    percentile_clip,
    percentile_clip_volume,
    random_bias_field,
    random_gamma,
    random_intensity_scale_shift,
    random_noise,
    scale_shift_volume,
    window,
    window_limits,
    window_volume,
)
from .io import save_volume
from .phantom import CT_PHANTOM_HU, CT_PHANTOM_LABELS, make_ct_phantom
from .pipeline import Compose, OneOf, RandomApply
from .records import records_from_json, records_to_json, replay
from .seeding import AugmentedVolumes, sample_rng, sample_seed_sequence, seed_worker  # AugmentedVolumes: issue 14
from .spatial import (
    affine_matrix,
    affine_volume,
    antialias_sigma,
    apply_affine,
    flip,
    flip_volume,
    grid_affine,
    random_affine,
    random_flip,
    random_rotate,
    random_shift,
    random_zoom,
    resample_to_spacing,
    rescale,
    resize,
    resize_volume,
    rotate,
    rotate_volume,
    shift,
    shift_volume,
    zoom,
    zoom_volume,
)
from .volume import TransformRecord, Volume

# --- issue 15: own scans (orientation, DICOM, scan checks) ---------------------------------
# isort: split
from .dicom import DicomSeries, list_dicom_series, load_dicom, save_dicom_series
from .quality import Finding, check_scan
from .spatial import reorient

# --- end issue 15 ---------------------------------------------------------------------------

# --- inference (issue 17) ---
# isort: split
from .inference import (
    IntensityModel,
    dice_scores,
    flip_transforms,
    invert,
    one_hot,
    predict_sliding_window,
    predict_with_tta,
)

# --- end inference ---
# --- issue 16: whole datasets on Dask (dask, distributed and pandas load on first use) ---
# isort: split
from .dataset import (
    DatasetFingerprint,
    PreprocessingPlan,
    augment_and_save,
    fingerprint_dataset,
    make_sample_dataset,
    preprocess_dataset,
    read_manifest,
)

# --- end issue 16 ---
# --- issue 24: MRI artifacts from k-space ---
# isort: split
from .mri import (
    from_kspace,
    ghosting,
    ghosting_volume,
    gibbs,
    gibbs_volume,
    motion,
    motion_volume,
    random_anisotropy,
    random_ghosting,
    random_gibbs,
    random_motion,
    random_rician_noise,
    random_spike,
    rician_noise,
    rician_noise_volume,
    spike,
    spike_volume,
    thick_slices,
    thick_slices_volume,
    tissue_statistics,
    to_kspace,
)

# --- end issue 24 ---
# --- issue 25: evaluation (pandas loads on first use; the networks live in tutorial_utils.nets, with torch) ---
# isort: split
from .evaluation import segmentation_metrics
from .heldout import heldout_parameters, make_heldout_scan

# --- end issue 25 ---

__version__ = "0.2.0"

#: Names served by :mod:`tutorial_utils.display`, imported on first use.
_DISPLAY_NAMES = (
    "LABEL_COLORS",
    "LABEL_COLOR_NAMES",
    "SliceViewer",
    "TransformExplorer",
    "difference_region",
    "show_comparison",
    "show_mid_slice",
    "show_plane",
    "show_slices",
    "show_training_curve",
    "use_notebook_style",
    "view_3d",
)

__all__ = [
    # data and containers
    "CT_PHANTOM_HU",
    "CT_PHANTOM_LABELS",
    "MNI_LABELS",
    "TransformRecord",
    "Volume",
    "list_samples",
    "load_nifti",
    "load_sample",
    "make_ct_phantom",
    "save_volume",
    # display (lazy)
    *_DISPLAY_NAMES,
    # spatial
    "affine_matrix",
    "affine_volume",
    "antialias_sigma",
    "apply_affine",
    "flip",
    "flip_volume",
    "grid_affine",
    "random_affine",
    "random_flip",
    "random_rotate",
    "random_shift",
    "random_zoom",
    "resample_to_spacing",
    "rescale",
    "resize",
    "resize_volume",
    "rotate",
    "rotate_volume",
    "shift",
    "shift_volume",
    "zoom",
    "zoom_volume",
    # crop
    "center_crop",
    "center_crop_volume",
    "crop",
    "crop_or_pad",
    "crop_or_pad_volume",
    "crop_start_around",
    "crop_volume",
    "foreground_bbox",
    "pad_to_shape",
    "pad_volume",
    "random_crop",
    "random_crop_start",
    # intensity
    "CT_WINDOWS",
    "add_noise",
    "adjust_gamma",
    "clip_range",
    "cosine_bias_field",
    "gamma_volume",
    "normalize_intensity",
    "normalize_volume",
    "percentile_bounds",
    "percentile_clip",
    "percentile_clip_volume",
    "random_bias_field",
    "random_gamma",
    "random_intensity_scale_shift",
    "random_noise",
    "scale_shift_volume",
    "window",
    "window_limits",
    "window_volume",
    # elastic
    "FoldingWarning",
    "displacement_stats",
    "elastic_transform",
    "elastic_volume",
    "gaussian_displacement_field",
    "jacobian_determinant",
    "random_displacement_field",
    "random_elastic",
    "warp",
    # pipelines and reproducibility
    "Compose",
    "OneOf",
    "RandomApply",
    "num_threads",
    "records_from_json",
    "records_to_json",
    "replay",
    "sample_rng",
    "sample_seed_sequence",
    "seed_worker",
    "set_num_threads",
    # --- issue 15: own scans ---
    "DicomSeries",
    "Finding",
    "check_scan",
    "list_dicom_series",
    "load_dicom",
    "reorient",
    "save_dicom_series",
    # --- inference (issue 17) ---
    "IntensityModel",
    "dice_scores",
    "flip_transforms",
    "invert",
    "one_hot",
    "predict_sliding_window",
    "predict_with_tta",
    # --- end inference ---
    # issue 14 (notebooks 05-07, DataLoader seeding)
    "AugmentedVolumes",
    # --- issue 16: whole datasets on Dask ---
    "DatasetFingerprint",
    "PreprocessingPlan",
    "augment_and_save",
    "fingerprint_dataset",
    "make_sample_dataset",
    "preprocess_dataset",
    "read_manifest",
    # --- end issue 16 ---
    # --- issue 24: MRI artifacts (the bias field stays under intensity) ---
    "from_kspace",
    "ghosting",
    "ghosting_volume",
    "gibbs",
    "gibbs_volume",
    "motion",
    "motion_volume",
    "random_anisotropy",
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
    # --- end issue 24 ---
    # --- issue 25: evaluation ---
    "heldout_parameters",
    "make_heldout_scan",
    "segmentation_metrics",
]


def __getattr__(name: str) -> Any:
    """Serve display names (``tu.SliceViewer``, ``tu.show_slices``, ...) by importing ``display`` on first use.

    Doing it here, rather than importing ``display`` at the top, keeps
    ``import tutorial_utils`` free of matplotlib.pyplot and ipywidgets for
    code that never draws (training workers), while ``tu.show_slices`` keeps
    working in notebooks.
    """
    if name == "display":
        return importlib.import_module(".display", __name__)
    display = importlib.import_module(".display", __name__)
    if name in display.__all__:
        return getattr(display, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
