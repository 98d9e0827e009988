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

from .crop import (
    center_crop,
    crop,
    crop_or_pad,
    crop_start_around,
    foreground_bbox,
    pad_to_shape,
    random_crop_start,
)
from .crop_plots import crop_box_annotator, draw_crop_box
from .crop_volume import (
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
from .phantom import CT_PHANTOM_HU, CT_PHANTOM_LABELS, make_ct_phantom
from .records import apply_recorded, registered_names, replay, replayable
from .resample import grid_affine, resample_to_spacing, resize_volume
from .resize import antialias_sigma, random_zoom, rescale, resize, zoom, zoom_volume
from .volume import TransformRecord, Volume

__version__ = "0.1.0"

__all__ = [
    "antialias_sigma",
    "apply_recorded",
    "center_crop",
    "center_crop_volume",
    "crop",
    "crop_box_annotator",
    "crop_or_pad",
    "crop_or_pad_volume",
    "crop_start_around",
    "crop_volume",
    "CT_PHANTOM_HU",
    "CT_PHANTOM_LABELS",
    "draw_crop_box",
    "foreground_bbox",
    "grid_affine",
    "LABEL_COLORS",
    "list_samples",
    "load_nifti",
    "load_sample",
    "make_ct_phantom",
    "MNI_LABELS",
    "pad_to_shape",
    "pad_volume",
    "random_crop",
    "random_crop_start",
    "random_zoom",
    "registered_names",
    "replay",
    "replayable",
    "resample_to_spacing",
    "rescale",
    "resize",
    "resize_volume",
    "show_comparison",
    "show_mid_slice",
    "show_slices",
    "SliceViewer",
    "TransformExplorer",
    "TransformRecord",
    "Volume",
    "zoom",
    "zoom_volume",
]
