"""``load_dicom``: a DICOM series (or one slice) as a RAS ``Volume`` in real-world units (HU for CT).

What the reader does, in the order a careful person would do it by hand:

1. read every header in the folder and keep one series (``SeriesInstanceUID``);
2. check that the slices can form one regular grid: same size, parallel,
   evenly spaced, not tilted (each failure is a ``ValueError`` that says
   where);
3. sort the slices by their position along the slice normal (not by file
   name or ``InstanceNumber``, which scanners and anonymisers reorder);
4. turn stored values into real-world values with pydicom's modality LUT
   (``RescaleSlope * stored + RescaleIntercept``: Hounsfield units for CT);
5. build the affine from ``ImagePositionPatient``, ``ImageOrientationPatient``
   and ``PixelSpacing`` (LPS) and the measured slice step, then turn it into
   RAS.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._checks import describe
from ..volume import Volume
from .geometry import series_affine, stack_geometry
from .series import SliceHeader, read_header, select_series

__all__ = ["load_dicom", "read_slice"]

_DECODE_ERRORS = (AttributeError, NotImplementedError, RuntimeError, ValueError)


def read_slice(header: SliceHeader) -> np.ndarray:
    """Pixel values of one file in real-world units, shape ``(rows, columns)``.

    Uses ``pydicom.pixels.apply_modality_lut`` (a Modality LUT Sequence, or
    ``RescaleSlope``/``RescaleIntercept``; stored values unchanged without
    them). The dtype is pydicom's (float64 after a rescale); the caller
    stores it as float32.

    Raises
    ------
    ValueError
        The pixel data cannot be decoded (a compression without an installed
        decoder, no pixel data) or is not one grey-value plane; the message
        names the file.
    """
    import pydicom
    from pydicom.pixels import apply_modality_lut

    ds = pydicom.dcmread(header.path)
    if int(ds.get("SamplesPerPixel", 1)) != 1:
        raise ValueError(
            f"{str(header.path)!r} is a colour image (SamplesPerPixel {ds.SamplesPerPixel}); "
            f"load_dicom reads grey-value (MONOCHROME) images"
        )
    try:
        stored = ds.pixel_array
    except _DECODE_ERRORS as exc:
        raise ValueError(f"cannot decode the pixel data of {str(header.path)!r}: {type(exc).__name__}: {exc}") from exc
    return apply_modality_lut(stored, ds)


def _single_file(path: Path, series_uid: str | None) -> list[SliceHeader]:
    header = read_header(path)
    if header is None:
        raise ValueError(f"file {str(path)!r} is not a DICOM image (no DICOM preamble, or no Rows/Columns)")
    if series_uid is not None and header.series_uid != series_uid:
        raise ValueError(f"file {str(path)!r} belongs to series {header.series_uid!r}, not series_uid={series_uid!r}")
    return [header]


def _check_slices(headers: Sequence[SliceHeader], where: str) -> None:
    """Refuse what cannot become one regular grid, saying why and where."""
    if any("MOSAIC" in h.image_type for h in headers):
        raise ValueError(
            f"{where}: a Siemens mosaic (ImageType MOSAIC): one file holds many slices as tiles; read it with "
            f"nibabel.nicom.dicomwrappers.wrapper_from_file (MosaicWrapper) or convert it with dcm2niix"
        )
    if any(h.frames > 1 for h in headers):
        frames = max(h.frames for h in headers)
        raise ValueError(
            f"{where}: a multi-frame file ({frames} frames in one file, an 'enhanced' DICOM); load_dicom reads "
            f"classic one-file-per-slice series. Convert it with dcm2niix, or read it with "
            f"nibabel.nicom.dicomwrappers.wrapper_from_file"
        )
    missing = [h.path.name for h in headers if h.position is None or h.orientation is None or h.pixel_spacing is None]
    if missing:
        raise ValueError(
            f"{where}: {len(missing)} file(s) (e.g. {missing[0]!r}) lack ImagePositionPatient, "
            f"ImageOrientationPatient or PixelSpacing, so they cannot be placed in the patient (a screenshot "
            f"or secondary capture?)"
        )
    sizes = Counter((h.rows, h.columns) for h in headers)
    if len(sizes) > 1:
        listing = ", ".join(f"{n} of {r}x{c}" for (r, c), n in sizes.most_common())
        raise ValueError(f"{where}: the slices have different sizes (rows x columns: {listing}); not one volume")
    spacings = {tuple(np.round(h.pixel_spacing, 6)) for h in headers}
    if len(spacings) > 1:
        raise ValueError(f"{where}: the slices have different PixelSpacing {sorted(spacings)}; not one volume")


def load_dicom(path: str | os.PathLike[str], *, series_uid: str | None = None) -> Volume:
    """Load a DICOM series as a ``Volume``: sorted along the slice normal, RAS affine, real-world values.

    Parameters
    ----------
    path : path-like
        A folder holding the series (files with any names, subfolders too),
        or a single DICOM file (one slice).
    series_uid : str, optional
        The ``SeriesInstanceUID`` to load when the folder holds several
        series (see :func:`~tutorial_utils.list_dicom_series`).

    Returns
    -------
    Volume
        ``image`` float32 ``[i, j, k]`` = (column, row, slice sorted along the
        normal ``IOP[:3] x IOP[3:]``), in real-world units through the modality
        LUT (Hounsfield units for CT); the affine in RAS (DICOM's LPS with x
        and y negated); no label. The slice spacing is measured from the
        positions; a lone slice gets ``SpacingBetweenSlices``, else
        ``SliceThickness``, else 1 mm.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ValueError
        No DICOM images; several series without ``series_uid`` (each is
        listed with its description and slice count); a missing slice
        (uneven spacing: the message says between which positions); gantry
        tilt or non-parallel slices; mixed image sizes; a mosaic or
        multi-frame file; undecodable pixel data. Each message names the
        folder or file.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from tutorial_utils import Volume, save_dicom_series
    >>> ct = Volume(np.full((4, 3, 2), -1000.0), np.diag([0.5, 0.5, 2.0, 1.0]))
    >>> loaded = load_dicom(save_dicom_series(ct, tempfile.mkdtemp()))
    >>> loaded.shape, loaded.spacing, loaded.axcodes, float(loaded.image.max())
    ((4, 3, 2), (0.5, 0.5, 2.0), ('R', 'A', 'S'), -1000.0)
    """
    if series_uid is not None and not isinstance(series_uid, str):
        raise TypeError(f"series_uid must be a SeriesInstanceUID string or None; got {describe(series_uid)}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a folder or file path; got {describe(path)}")
    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(f"path not found: {str(source)!r} (a DICOM folder or file)")
    if source.is_file():
        headers, where = _single_file(source, series_uid), f"file {str(source)!r}"
    else:
        headers, where = select_series(source, series_uid), f"folder {str(source)!r}"
    _check_slices(headers, where)
    first = headers[0]
    geometry = stack_geometry(
        np.stack([h.position for h in headers]),
        np.stack([h.orientation for h in headers]),
        where,
        single_slice_spacing=first.thickness or 1.0,
    )
    # Fill whole contiguous slices, then view them as [column, row, slice]: the array
    # is Fortran-ordered, as nibabel returns NIfTI data, and no transposed copy is made.
    stack = np.empty((len(headers), first.rows, first.columns), dtype=np.float32)
    for k, index in enumerate(geometry.order):
        stack[k] = read_slice(headers[index])
    affine = series_affine(geometry.origin, first.orientation, first.pixel_spacing, geometry.step)
    return Volume(stack.transpose(2, 1, 0), affine)
