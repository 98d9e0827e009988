"""Reading NIfTI files safely: errors that name the file, label maps that keep their values.

* A broken file (truncated ``.nii.gz``, not NIfTI at all) raises an error
  whose message starts with the file's path, so a loop over a dataset says
  which scan is broken.
* A label map keeps its integer values exactly, in an integer dtype wide
  enough for them (uint16 40000 stays 40000). A float label file is accepted
  only when every value is a finite integer.
* Writing picks the smallest NIfTI integer type that holds the label's
  values, so an ``int64`` label (what ``np.argmax`` gives) can be saved.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from typing import Any, TypeVar, Union

import nibabel as nib
import numpy as np

from ._checks import describe

PathOrImage = Union[str, "os.PathLike[str]", nib.spatialimages.SpatialImage]
T = TypeVar("T")

#: NIfTI-1 integer data types, smallest first (signed before unsigned at equal size when both fit).
NIFTI_INTEGER_DTYPES = tuple(
    np.dtype(t) for t in ("uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64")
)
_READ_ERRORS = (nib.filebasedimages.ImageFileError, EOFError, OSError, ValueError, zlib.error)


def describe_source(image: nib.spatialimages.SpatialImage, name: str) -> str:
    """``"label file '/data/seg.nii.gz'"``, or ``"label (a nibabel image in memory)"``, for messages."""
    filename = image.get_filename()
    return f"{name} file {filename!r}" if filename else f"{name} (a nibabel image in memory)"


def _read(action: Callable[[], T], what: str) -> T:
    """Run ``action``; re-raise nibabel's read errors with ``what`` (the file) in the message."""
    try:
        return action()
    except _READ_ERRORS as exc:
        error_type = ValueError if isinstance(exc, ValueError) else type(exc)
        raise error_type(f"cannot read {what}: {type(exc).__name__}: {exc} (a truncated or corrupt file?)") from exc


def open_nifti(value: PathOrImage, name: str) -> nib.spatialimages.SpatialImage:
    """Return ``value`` if it is a nibabel image, else load the file it names (header only until data is read).

    Raises
    ------
    TypeError
        Neither a path nor a nibabel image.
    FileNotFoundError
        The file does not exist.
    nibabel.filebasedimages.ImageFileError, OSError, ValueError
        The file cannot be read as an image; the message names the file.
    """
    if isinstance(value, nib.spatialimages.SpatialImage):
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path or a nibabel image; got {describe(value)}")
    path = os.fspath(value)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{name} file not found: {path!r}")
    return _read(lambda: nib.load(path, mmap=False), f"{name} file {path!r}")


def read_image_data(image: nib.spatialimages.SpatialImage, name: str) -> np.ndarray:
    """The image's voxel values as float32 (scaling applied); read errors name the file."""
    what = describe_source(image, name)
    return _read(lambda: np.asanyarray(image.dataobj), what).astype(np.float32)


def read_label_data(image: nib.spatialimages.SpatialImage, name: str) -> np.ndarray:
    """The label map's values, exactly, in an integer dtype (a new array).

    Integer files keep their dtype (no narrowing, no wraparound); boolean
    ones become uint8. Float files (a float dtype, or integers stored with
    a scale factor) are accepted when every value is a finite integer and
    become the smallest integer dtype holding them.

    Raises
    ------
    ValueError
        A NaN, infinite or non-integer value; the message names the file,
        the first such value and its voxel.

    Examples
    --------
    >>> img = nib.Nifti1Image(np.array([0.0, 2.0, 40000.0]).reshape(1, 1, 3), np.eye(4))
    >>> read_label_data(img, "label").dtype
    dtype('uint16')
    """
    what = describe_source(image, name)
    data = np.array(_read(lambda: np.asanyarray(image.dataobj), what))
    if data.dtype == np.bool_:
        return data.astype(np.uint8)
    if np.issubdtype(data.dtype, np.integer):
        return data
    checks = (
        (~np.isfinite(data), "NaN or infinite", "Replace them (e.g. np.nan_to_num(label, nan=0)) and save again"),
        (
            data != np.round(data),
            "non-integer",
            "A probability map? Threshold it (p > 0.5) or save the argmax over classes",
        ),
    )
    for bad, problem, advice in checks:
        if bad.any():
            flat = int(np.flatnonzero(bad)[0])
            voxel = tuple(int(i) for i in np.unravel_index(flat, data.shape))
            raise ValueError(
                f"{what} must hold integer label values; it holds {problem} values, the first "
                f"{float(data.flat[flat]):.6g} at voxel {voxel}. {advice}"
            )
    return data.astype(smallest_integer_dtype(data.min(initial=0), data.max(initial=0)))


def smallest_integer_dtype(low: Any, high: Any) -> np.dtype:
    """The first of :data:`NIFTI_INTEGER_DTYPES` that holds every integer in ``[low, high]``.

    Examples
    --------
    >>> smallest_integer_dtype(0, 3), smallest_integer_dtype(-1, 200), smallest_integer_dtype(0, 40000)
    (dtype('uint8'), dtype('int16'), dtype('uint16'))
    """
    low, high = int(low), int(high)
    for dtype in NIFTI_INTEGER_DTYPES:
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return dtype
    raise ValueError(f"label values must fit a 64-bit integer; got the range [{low}, {high}]")


def nifti_label_dtype(label: np.ndarray) -> np.dtype:
    """The NIfTI integer type to write ``label`` with: the smallest that holds its values.

    Examples
    --------
    >>> nifti_label_dtype(np.array([0, 1, 2], dtype=np.int64))
    dtype('uint8')
    """
    return smallest_integer_dtype(label.min(initial=0), label.max(initial=0))
