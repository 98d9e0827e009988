"""NAIVE handling of a reader's own scans, as commonly written: for demonstration only.

Reproduces, in our own short code, what goes wrong when scans from other
sources arrive:

1. ``stack_batch`` stacks the arrays of several volumes into one batch and
   ignores their affines: a LAS scan enters the batch mirrored left-right
   against the RAS scans next to it;
2. ``load_dicom_folder`` reads a DICOM folder the quick way: files in name
   order, the stored integers as they are (no ``RescaleSlope`` /
   ``RescaleIntercept``, so no Hounsfield units) and the slice spacing taken
   from ``SliceThickness``.

Use :func:`tutorial_utils.reorient` before batching and
:func:`tutorial_utils.load_dicom` instead.
"""

from __future__ import annotations

import os

import numpy as np


def stack_batch(volumes):
    """NAIVE: ``(images, labels)`` stacked as arrays; the affines (and so the orientations) are ignored."""
    return np.stack([v.image for v in volumes]), np.stack([v.label for v in volumes])


def load_dicom_folder(folder):
    """NAIVE: ``(array, spacing)``: slices in file-name order, stored values, spacing from SliceThickness."""
    import pydicom

    slices = [pydicom.dcmread(os.path.join(folder, name)) for name in sorted(os.listdir(folder))]
    array = np.stack([s.pixel_array.T for s in slices], axis=-1)
    spacing = (float(slices[0].PixelSpacing[1]), float(slices[0].PixelSpacing[0]), float(slices[0].SliceThickness))
    return array, spacing
