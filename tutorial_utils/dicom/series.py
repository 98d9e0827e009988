"""Finding the DICOM series in a folder: read headers only, group them by ``SeriesInstanceUID``.

A folder from a hospital export often holds several series (a localizer, the
scan, a reconstruction with another kernel, ...), in files whose names say
nothing. Each file is one slice; the ``SeriesInstanceUID`` tag says which
series it belongs to. Only headers are read here (``stop_before_pixels``),
so listing a large folder is fast.

pydicom is imported inside the functions: ``import tutorial_utils`` stays
fast for code that never reads DICOM.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._checks import describe
from .geometry import slice_normal

__all__ = ["DicomSeries", "SliceHeader", "list_dicom_series", "read_header", "scan_folder", "select_series"]


@dataclass(frozen=True)
class SliceHeader:
    """What one DICOM image file says about itself (no pixel data)."""

    path: Path
    series_uid: str
    modality: str
    description: str
    rows: int
    columns: int
    position: np.ndarray | None = field(repr=False)
    orientation: np.ndarray | None = field(repr=False)
    pixel_spacing: np.ndarray | None = field(repr=False)
    thickness: float | None = None
    frames: int = 1
    image_type: tuple[str, ...] = ()


@dataclass(frozen=True)
class DicomSeries:
    """One row of :func:`list_dicom_series`.

    Attributes
    ----------
    uid : str
        ``SeriesInstanceUID``; pass it to ``load_dicom(folder, series_uid=...)``.
    modality : str
        ``"CT"``, ``"MR"``, ...
    description : str
        ``SeriesDescription`` (may be empty).
    slices : int
        Number of image files.
    shape : tuple of 3 ints
        ``(columns, rows, slices)``: the ``[i, j, k]`` shape ``load_dicom`` returns.
    spacing : tuple of 3 floats, or None
        ``(column spacing, row spacing, slice spacing)`` in mm; the slice
        spacing is the median distance between slice positions (None when
        the files carry no geometry).
    files : tuple of Path
        The files of the series, in folder order.
    """

    uid: str
    modality: str
    description: str
    slices: int
    shape: tuple[int, int, int]
    spacing: tuple[float, float, float] | None
    files: tuple[Path, ...] = field(repr=False)

    def __str__(self) -> str:
        spacing = "no geometry" if self.spacing is None else "x".join(f"{s:.3g}" for s in self.spacing) + " mm"
        return f"{self.uid}  {self.modality}  {self.description!r}  {self.slices} slices  shape {self.shape}  {spacing}"


def _floats(value: Any, n: int) -> np.ndarray | None:
    """``value`` (a DICOM multi-value of numbers) as ``n`` floats, or None when missing or malformed."""
    try:
        numbers = np.array([float(v) for v in value], dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return numbers if numbers.shape == (n,) and np.isfinite(numbers).all() else None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) and number > 0 else None


def read_header(path: str | os.PathLike[str]) -> SliceHeader | None:
    """Read one file's header; None when it is not a DICOM image (not DICOM, or DICOM without pixels).

    Raises
    ------
    ValueError
        The file starts like DICOM but its header cannot be parsed (the
        message names the file).
    """
    import pydicom

    path = Path(path)
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
    except pydicom.errors.InvalidDicomError:
        return None
    except (OSError, EOFError, ValueError, KeyError) as exc:
        raise ValueError(f"cannot read the DICOM header of {str(path)!r}: {type(exc).__name__}: {exc}") from exc
    if "Rows" not in ds or "Columns" not in ds:
        return None
    thickness = _number(ds.get("SpacingBetweenSlices")) or _number(ds.get("SliceThickness"))
    return SliceHeader(
        path=path,
        series_uid=str(ds.get("SeriesInstanceUID", "")),
        modality=str(ds.get("Modality", "")),
        description=str(ds.get("SeriesDescription", "")),
        rows=int(ds.Rows),
        columns=int(ds.Columns),
        position=_floats(ds.get("ImagePositionPatient", ()), 3),
        orientation=_floats(ds.get("ImageOrientationPatient", ()), 6),
        pixel_spacing=_floats(ds.get("PixelSpacing", ()), 2),
        thickness=thickness,
        frames=int(ds.get("NumberOfFrames", 1) or 1),
        image_type=tuple(str(v) for v in ds.get("ImageType", ())),
    )


def scan_folder(folder: str | os.PathLike[str]) -> tuple[list[SliceHeader], int]:
    """Headers of every DICOM image in ``folder`` and its subfolders, and the number of files looked at.

    Raises
    ------
    TypeError
        ``folder`` is not a path.
    NotADirectoryError, FileNotFoundError
        It is not an existing folder.
    """
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path; got {describe(folder)}")
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"folder not found: {str(root)!r}")
    if not root.is_dir():
        raise NotADirectoryError(f"folder must be a folder; {str(root)!r} is a file (load_dicom reads single files)")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    headers = [h for h in map(read_header, files) if h is not None]
    return headers, len(files)


def _slice_spacing(headers: Sequence[SliceHeader]) -> float | None:
    placed = [h for h in headers if h.position is not None and h.orientation is not None]
    if not placed:
        return None
    if len(placed) == 1:
        return placed[0].thickness
    distance = np.sort([h.position @ slice_normal(placed[0].orientation) for h in placed])
    return float(np.median(np.diff(distance)))


def _describe_series(uid: str, headers: Sequence[SliceHeader]) -> DicomSeries:
    first = headers[0]
    spacing = None
    slice_spacing = _slice_spacing(headers)
    if first.pixel_spacing is not None and slice_spacing is not None:
        spacing = (float(first.pixel_spacing[1]), float(first.pixel_spacing[0]), slice_spacing)
    return DicomSeries(
        uid=uid,
        modality=first.modality,
        description=first.description,
        slices=len(headers),
        shape=(first.columns, first.rows, len(headers)),
        spacing=spacing,
        files=tuple(h.path for h in headers),
    )


def _group(headers: Sequence[SliceHeader]) -> dict[str, list[SliceHeader]]:
    groups: dict[str, list[SliceHeader]] = {}
    for header in headers:
        groups.setdefault(header.series_uid, []).append(header)
    return groups


def list_dicom_series(folder: str | os.PathLike[str]) -> list[DicomSeries]:
    """One row per DICOM series found in ``folder`` (and its subfolders), largest first.

    Parameters
    ----------
    folder : path-like
        A folder of DICOM files (any file names; files that are not DICOM
        images are skipped).

    Returns
    -------
    list of DicomSeries
        UID, modality, description, number of slices, ``[i, j, k]`` shape and
        spacing of each series; ``print(row)`` shows one line.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from tutorial_utils import Volume, save_dicom_series
    >>> folder = save_dicom_series(Volume(np.zeros((4, 3, 2)), np.eye(4)), tempfile.mkdtemp())
    >>> [(row.modality, row.slices, row.shape, row.spacing) for row in list_dicom_series(folder)]
    [('CT', 2, (4, 3, 2), (1.0, 1.0, 1.0))]
    """
    headers, _ = scan_folder(folder)
    rows = [_describe_series(uid, group) for uid, group in _group(headers).items()]
    return sorted(rows, key=lambda row: (-row.slices, row.uid))


def select_series(folder: str | os.PathLike[str], series_uid: str | None) -> list[SliceHeader]:
    """Headers of the one series to load from ``folder``.

    Raises
    ------
    ValueError
        No DICOM image in the folder; several series and no ``series_uid``
        (each one is listed with its description and slice count); a
        ``series_uid`` that is not there.
    """
    if series_uid is not None and not isinstance(series_uid, str):
        raise TypeError(f"series_uid must be a SeriesInstanceUID string or None; got {describe(series_uid)}")
    headers, n_files = scan_folder(folder)
    where = f"folder {str(folder)!r}"
    if not headers:
        raise ValueError(
            f"{where} holds no DICOM images ({n_files} files looked at, in subfolders too; a DICOM file "
            f"starts with a 128-byte preamble and 'DICM', and an image has Rows and Columns)"
        )
    groups = _group(headers)
    if series_uid is None and len(groups) == 1:
        return next(iter(groups.values()))
    if series_uid in groups:
        return groups[series_uid]
    listing = "\n".join(
        f"  {row.uid}  ({row.modality}, {row.description!r}, {row.slices} slices)"
        for row in sorted((_describe_series(u, g) for u, g in groups.items()), key=lambda r: -r.slices)
    )
    problem = (
        f"holds {len(groups)} series; choose one with series_uid="
        if series_uid is None
        else f"has no series {series_uid!r}; it holds"
    )
    raise ValueError(f"{where} {problem}\n{listing}")
