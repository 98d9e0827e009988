"""tutorial_utils: the tested helpers behind the 3D medical image preprocessing course.

Conventions (the same in every module and notebook):

* A volume is a 3D numpy array indexed ``[i, j, k]`` exactly as nibabel loads
  it. Nothing is transposed except for display.
* The 4x4 affine maps voxel ``(i, j, k, 1)`` to world ``(x, y, z, 1)`` in mm,
  RAS+ as in NIfTI; the voxel size is ``nibabel.affines.voxel_sizes(affine)``.
* Geometric transforms act about the volume centre ``(n - 1) / 2`` and in mm
  when the spacing is known.
* Label maps are resampled with nearest neighbour only: never a new label value.
* Every random function takes ``rng`` (Generator, int seed or None) and never
  touches the global ``np.random`` state; what it drew is recorded in
  ``Volume.history`` and can be replayed with :func:`replay`.
* Image math runs in float32; inputs are never modified.
"""

from .spatial.affine_ops import affine_matrix, apply_affine, flip, rotate, shift
from .intensity.augment_ops import (
    add_noise,
    adjust_gamma,
    cosine_bias_field,
    random_bias_field,
    random_gamma,
    random_intensity_scale_shift,
    random_noise,
)
from .spatial.affine_transforms import (
    affine_volume,
    flip_volume,
    random_affine,
    random_flip,
    random_rotate,
    random_shift,
    rotate_volume,
    shift_volume,
)
from .batch import augment_and_save
from .crop.ops import (
    center_crop,
    crop,
    crop_or_pad,
    crop_start_around,
    foreground_bbox,
    pad_to_shape,
    random_crop_start,
)
from .display.crop_plots import crop_box_annotator, draw_crop_box
from .crop.transforms import (
    center_crop_volume,
    crop_or_pad_volume,
    crop_volume,
    pad_volume,
    random_crop,
)
from .data import list_samples, load_nifti, load_sample, MNI_LABELS
from .display import (
    LABEL_COLORS,
    show_comparison,
    show_mid_slice,
    show_slices,
    SliceViewer,
    TransformExplorer,
)
from .elastic.ops import elastic_transform, random_elastic, warp
from .elastic.field import gaussian_displacement_field, random_displacement_field
from .display.elastic_plots import grid_label, show_deformation_grid, show_displacement_magnitude
from .elastic.stats import displacement_stats, FoldingWarning, jacobian_determinant
from .intensity.ops import (
    clip_range,
    CT_WINDOWS,
    normalize_intensity,
    normalize_volume,
    percentile_bounds,
    percentile_clip,
    percentile_clip_volume,
    window,
    window_limits,
    window_volume,
)
from .display.intensity_plots import (
    compare_histograms,
    draw_limits,
    limits_annotator,
    percentile_annotator,
    plot_histogram,
    resolve_window,
    window_annotator,
    WINDOW_CHOICES,
    window_hu,
)
from .io import save_volume
from .records import records_from_json, records_to_json
from .phantom import CT_PHANTOM_HU, CT_PHANTOM_LABELS, make_ct_phantom
from .pipeline import Compose, OneOf, RandomApply
from .records import apply_recorded, replay, replayable, step_names as registered_names
from .spatial.resize_transforms import grid_affine, resample_to_spacing, resize_volume
from .spatial.resize_ops import antialias_sigma, random_zoom, rescale, resize, zoom, zoom_volume
from .seeding import sample_rng, sample_seed_sequence, seed_worker
from .volume import TransformRecord, Volume

__version__ = "0.1.0"

__all__ = [
    "add_noise",
    "adjust_gamma",
    "affine_matrix",
    "affine_volume",
    "antialias_sigma",
    "apply_affine",
    "apply_recorded",
    "augment_and_save",
    "center_crop",
    "center_crop_volume",
    "clip_range",
    "compare_histograms",
    "Compose",
    "cosine_bias_field",
    "crop",
    "crop_box_annotator",
    "crop_or_pad",
    "crop_or_pad_volume",
    "crop_start_around",
    "crop_volume",
    "CT_PHANTOM_HU",
    "CT_PHANTOM_LABELS",
    "CT_WINDOWS",
    "displacement_stats",
    "draw_crop_box",
    "draw_limits",
    "elastic_transform",
    "flip",
    "flip_volume",
    "FoldingWarning",
    "foreground_bbox",
    "gaussian_displacement_field",
    "grid_affine",
    "grid_label",
    "jacobian_determinant",
    "LABEL_COLORS",
    "limits_annotator",
    "list_samples",
    "load_nifti",
    "load_sample",
    "make_ct_phantom",
    "MNI_LABELS",
    "normalize_intensity",
    "normalize_volume",
    "OneOf",
    "pad_to_shape",
    "pad_volume",
    "percentile_annotator",
    "percentile_bounds",
    "percentile_clip",
    "percentile_clip_volume",
    "plot_histogram",
    "random_affine",
    "random_bias_field",
    "random_crop",
    "random_crop_start",
    "random_displacement_field",
    "random_elastic",
    "random_flip",
    "random_gamma",
    "random_intensity_scale_shift",
    "random_noise",
    "random_rotate",
    "random_shift",
    "random_zoom",
    "RandomApply",
    "records_from_json",
    "records_to_json",
    "registered_names",
    "replay",
    "replayable",
    "resample_to_spacing",
    "rescale",
    "resize",
    "resize_volume",
    "resolve_window",
    "rotate",
    "rotate_volume",
    "sample_rng",
    "sample_seed_sequence",
    "save_volume",
    "seed_worker",
    "shift",
    "shift_volume",
    "show_comparison",
    "show_deformation_grid",
    "show_displacement_magnitude",
    "show_mid_slice",
    "show_slices",
    "SliceViewer",
    "TransformExplorer",
    "TransformRecord",
    "Volume",
    "warp",
    "window",
    "window_annotator",
    "WINDOW_CHOICES",
    "window_hu",
    "window_limits",
    "window_volume",
    "zoom",
    "zoom_volume",
]
