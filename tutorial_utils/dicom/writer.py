"""``save_dicom_series``: write a ``Volume`` as a classic DICOM series (one file per slice).

What a scanner writes, so the course has a realistic series to read without
downloads: 16-bit stored integers with ``RescaleSlope``/``RescaleIntercept``
(real value = slope * stored + intercept), the geometry in LPS
(``ImagePositionPatient`` per slice, ``ImageOrientationPatient``,
``PixelSpacing``), and UIDs tying the slices into one series.

This is a teaching and testing tool, not an anonymiser or a PACS exporter:
the patient is "Anonymous", dates are empty, and the UIDs are derived from
the volume's content (the same volume gives the same files).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from .._checks import describe
from ..io import check_writable_folder
from ..volume import Volume, check_volume
from .geometry import LPS_TO_RAS, TILT_TOLERANCE_DEG

__all__ = ["save_dicom_series", "stored_value_scaling"]

_SOP_CLASSES = {"CT": "1.2.840.10008.5.1.4.1.1.2", "MR": "1.2.840.10008.5.1.4.1.1.4"}
_STORED_DTYPES = {"int16": np.dtype("<i2"), "uint16": np.dtype("<u2")}


def _ds_number(value: float) -> float:
    """``value`` as DICOM writes it (a decimal string of at most 16 characters), read back."""
    from pydicom.valuerep import format_number_as_ds

    return float(format_number_as_ds(float(value)))


def stored_value_scaling(
    image: np.ndarray, dtype: str, slope: float | None, intercept: float | None
) -> tuple[np.ndarray, float, float]:
    """Stored integers, slope and intercept so that ``slope * stored + intercept`` ~ ``image``.

    With ``slope=None``: 1 when the image holds integers that fit the
    stored range, else the finest step that fits (error at most
    ``slope / 2``). With ``intercept=None``: 0 when that fits, else the
    value that maps the image's minimum to the dtype's minimum (CT in
    uint16 gets the usual -1024).

    Returns
    -------
    stored : ndarray of ``dtype``
    slope, intercept : float
        As written to the file (decimal strings, read back).

    Raises
    ------
    ValueError
        The values do not fit ``dtype`` with the given slope and intercept.

    Examples
    --------
    >>> stored, slope, intercept = stored_value_scaling(np.array([-1024.0, 0.0, 3071.0]), "uint16", None, None)
    >>> stored.tolist(), slope, intercept
    ([0, 1024, 4095], 1.0, -1024.0)
    """
    if dtype not in _STORED_DTYPES:
        raise ValueError(f"dtype must be one of {sorted(_STORED_DTYPES)} (the stored 16-bit integers); got {dtype!r}")
    info = np.iinfo(_STORED_DTYPES[dtype])
    low, high = float(image.min()), float(image.max())
    span = float(info.max) - float(info.min)
    if slope is None:
        integral = bool(np.all(image == np.round(image)))
        slope = 1.0 if (integral and high - low <= span) or high == low else (high - low) / (span - 2.0)
    if not isinstance(slope, (int, float)) or isinstance(slope, bool) or not slope > 0:
        raise ValueError(f"slope must be a positive number or None; got {describe(slope)}")
    slope = _ds_number(slope)
    if intercept is None:
        intercept = 0.0 if info.min * slope <= low and high <= info.max * slope else low - info.min * slope
    if not isinstance(intercept, (int, float)) or isinstance(intercept, bool) or not np.isfinite(intercept):
        raise ValueError(f"intercept must be a finite number or None; got {describe(intercept)}")
    intercept = _ds_number(intercept)
    stored = np.rint((image.astype(np.float64) - intercept) / slope)
    if stored.min() < info.min or stored.max() > info.max:
        raise ValueError(
            f"values from {low:g} to {high:g} do not fit {dtype} with slope {slope:g} and intercept "
            f"{intercept:g} (stored {stored.min():g} to {stored.max():g}); leave slope/intercept as None"
        )
    return stored.astype(_STORED_DTYPES[dtype]), slope, intercept


def _lps_grid(affine: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Orientation (6), pixel spacing (row, column), slice step (3) and origin (3) in LPS."""
    lps = LPS_TO_RAS @ affine
    columns = lps[:3, :3]
    sizes = np.linalg.norm(columns, axis=0)
    row_dir, col_dir = columns[:, 0] / sizes[0], columns[:, 1] / sizes[1]
    if abs(row_dir @ col_dir) > 1e-6:
        raise ValueError(
            "volume.affine: the i and j axes are not perpendicular (a sheared grid); a DICOM slice is a "
            "rectangular pixel grid; resample the volume first"
        )
    normal = np.cross(row_dir, col_dir)
    tilt = np.degrees(np.arccos(np.clip(abs(normal @ columns[:, 2]) / sizes[2], -1.0, 1.0)))
    if tilt > TILT_TOLERANCE_DEG:
        raise ValueError(
            f"volume.affine: the k axis is {tilt:.2f} degrees off the slice normal (a sheared stack); "
            f"load_dicom would refuse it as gantry tilt; resample the volume first"
        )
    return np.concatenate([row_dir, col_dir]), np.array([sizes[1], sizes[0]]), columns[:, 2], lps[:3, 3]


def _uid(*parts: str) -> str:
    from pydicom.uid import generate_uid

    return str(generate_uid(entropy_srcs=list(parts)))


def save_dicom_series(
    volume: Volume,
    folder: str | os.PathLike[str],
    *,
    modality: str = "CT",
    dtype: str = "int16",
    slope: float | None = None,
    intercept: float | None = None,
    description: str = "tutorial_utils export",
    series_uid: str | None = None,
    slice_thickness: float | None = None,
    name: str = "slice",
) -> Path:
    """Write ``volume.image`` as a one-file-per-slice DICOM series; returns ``folder``.

    Slice ``k`` goes to ``folder/{name}_{k + 1:04d}.dcm`` with
    ``InstanceNumber`` ``k + 1``. The label is not written (DICOM stores
    segmentations as a different kind of object).

    Parameters
    ----------
    volume : Volume
        Image in real-world units (HU for CT). Its affine must be a
        rectangular grid (no shear).
    folder : path-like
        Created if needed. Files of the same names are overwritten; write
        two series into one folder with two ``name`` values.
    modality : {"CT", "MR"}
        Sets the SOP class (CT Image Storage or MR Image Storage).
    dtype : {"int16", "uint16"}
        Stored integer type.
    slope, intercept : float, optional
        ``RescaleSlope``/``RescaleIntercept``; see :func:`stored_value_scaling`
        for the defaults. Reading back gives the image to within ``slope / 2``.
    description : str
        ``SeriesDescription``.
    series_uid : str, optional
        ``SeriesInstanceUID``; default one derived from the volume's content,
        so exporting the same volume twice gives identical files.
    slice_thickness : float, optional
        ``SliceThickness`` in mm; default the slice spacing. Scanners often
        reconstruct thick slices at a smaller spacing (5 mm slices every
        2.5 mm, overlapping): readers must take the spacing from the
        positions, never from this tag.
    name : str
        File name prefix.

    Returns
    -------
    Path
        ``folder``, ready for :func:`~tutorial_utils.load_dicom`.

    Notes
    -----
    A reader sorts slices along the normal ``row x column`` direction. For a
    volume whose axes are left-handed (e.g. LAS), the k axis points against
    that normal, so ``load_dicom`` returns it with k reversed: the same
    voxels at the same world positions (``reorient`` both to compare).

    Examples
    --------
    >>> import tempfile
    >>> folder = save_dicom_series(Volume(np.zeros((4, 3, 2)), np.eye(4)), tempfile.mkdtemp())
    >>> sorted(p.name for p in folder.iterdir())
    ['slice_0001.dcm', 'slice_0002.dcm']
    """
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    check_volume(volume)
    if modality not in _SOP_CLASSES:
        raise ValueError(f"modality must be one of {sorted(_SOP_CLASSES)}; got {modality!r}")
    for label, value in (("description", description), ("name", name)):
        if not isinstance(value, str):
            raise TypeError(f"{label} must be a string; got {describe(value)}")
    if not name or os.sep in name or name.startswith("."):
        raise ValueError(f"name must be a plain file name prefix; got {name!r}")
    if series_uid is not None and not isinstance(series_uid, str):
        raise TypeError(f"series_uid must be a UID string or None; got {describe(series_uid)}")
    if slice_thickness is not None and (
        isinstance(slice_thickness, bool) or not isinstance(slice_thickness, (int, float)) or not slice_thickness > 0
    ):
        raise ValueError(f"slice_thickness must be a positive number of mm or None; got {describe(slice_thickness)}")
    target = check_writable_folder(folder)
    orientation, pixel_spacing, step, origin = _lps_grid(volume.affine)
    stored, slope, intercept = stored_value_scaling(volume.image, dtype, slope, intercept)
    if series_uid is None:
        content = hashlib.sha1(volume.image.tobytes()).hexdigest()
        series_uid = _uid(
            content, volume.affine.tobytes().hex(), modality, dtype, str(slope), str(intercept), description
        )
    study_uid, frame_uid = _uid(series_uid, "study"), _uid(series_uid, "frame of reference")
    normal = np.cross(orientation[:3], orientation[3:])
    columns, rows, n_slices = volume.shape
    for k in range(n_slices):
        position = origin + k * step
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.MediaStorageSOPClassUID = _SOP_CLASSES[modality]
        ds.file_meta.MediaStorageSOPInstanceUID = _uid(series_uid, str(k))
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID, ds.SOPInstanceUID = _SOP_CLASSES[modality], ds.file_meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, frame_uid
        ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = "Anonymous", "ANON", "", ""
        ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber, ds.ReferringPhysicianName = "", "", "", "", ""
        ds.Modality, ds.SeriesDescription, ds.SeriesNumber, ds.InstanceNumber = modality, description, 1, k + 1
        ds.Manufacturer, ds.ImageType = "tutorial_utils", ["DERIVED", "SECONDARY"]
        ds.ImagePositionPatient = [_ds_number(v) for v in position]
        ds.ImageOrientationPatient = [_ds_number(v) for v in orientation]
        ds.PixelSpacing = [_ds_number(v) for v in pixel_spacing]
        ds.SliceThickness = _ds_number(np.linalg.norm(step) if slice_thickness is None else slice_thickness)
        ds.SliceLocation = _ds_number(position @ normal)
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.Rows, ds.Columns = rows, columns
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
        ds.PixelRepresentation = 1 if dtype == "int16" else 0
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
        ds.RescaleType = "HU" if modality == "CT" else "US"
        ds.PixelData = np.ascontiguousarray(stored[:, :, k].T).tobytes()
        path = target / f"{name}_{k + 1:04d}.dcm"
        partial = target / f".{path.name}.partial-{os.getpid()}"
        ds.save_as(partial, enforce_file_format=True)
        os.replace(partial, path)
    return target
