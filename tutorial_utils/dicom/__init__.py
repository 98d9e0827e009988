"""DICOM topic: from a folder of hospital files to a RAS ``Volume`` in real-world units, and back.

* :mod:`.geometry` (numpy only): slice normal, sorting along it, spacing
  from positions, the LPS affine turned into RAS.
* :mod:`.series`: headers only; find and list the series in a folder
  (``list_dicom_series``).
* :mod:`.reader`: ``load_dicom`` (sort, check, modality LUT to HU, affine).
* :mod:`.writer`: ``save_dicom_series`` (a classic one-file-per-slice series).

pydicom is imported inside the functions, so ``import tutorial_utils`` does
not pay for it (about half a second here) unless DICOM is read or written.
"""

from .reader import load_dicom
from .series import DicomSeries, list_dicom_series
from .writer import save_dicom_series

__all__ = ["DicomSeries", "list_dicom_series", "load_dicom", "save_dicom_series"]
