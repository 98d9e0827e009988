"""Dataset topic: a whole dataset, from a sample on disk to preprocessed files, on Dask.

* :mod:`.sample`: :func:`make_sample_dataset`, CT phantoms in the nnU-Net raw
  layout that vary as real scans do (spacing, size, orientation, offsets).
* :mod:`.fingerprint`: :func:`fingerprint_dataset` measures every case in
  parallel; :class:`DatasetFingerprint` holds the table and the statistics.
* :mod:`.plan`: :class:`PreprocessingPlan`, nnU-Net's rules for target
  spacing, crop-or-pad shape and CT normalization, with the reason for each.
* :mod:`.preprocess`: :func:`preprocess_dataset`, the pipeline on every case
  on a Dask cluster (local or remote), with a resumable manifest
  (:mod:`.manifest`) keyed on a hash of the pipeline's code and parameters
  (:mod:`.identity`) and on whole output files; :mod:`.outputs` keeps the
  outputs apart from the inputs and from each other;
  :mod:`.augment`: :func:`augment_and_save` for volumes in memory.
* Layers: :mod:`.ops` (arrays: orientation, CT normalization) and
  :mod:`.transforms` (the recorded ``Volume`` step ``ct_normalize``; plans
  start with :func:`tutorial_utils.reorient`); :mod:`.cluster` (the only module that imports
  ``distributed``) and :mod:`.cases` (listing cases).

Importing this subpackage imports neither dask, distributed nor pandas: they
load when a function that needs them runs.
"""

from .augment import augment_and_save
from .fingerprint import DatasetFingerprint, fingerprint_dataset
from .manifest import read_manifest
from .plan import PreprocessingPlan
from .preprocess import preprocess_dataset
from .sample import make_sample_dataset
from .transforms import ct_normalize_volume

__all__ = [
    "DatasetFingerprint",
    "PreprocessingPlan",
    "augment_and_save",
    "ct_normalize_volume",
    "fingerprint_dataset",
    "make_sample_dataset",
    "preprocess_dataset",
    "read_manifest",
]
