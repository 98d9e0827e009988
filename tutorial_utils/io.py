"""Saving volumes safely: NIfTI files that viewers accept, never half-written."""

from __future__ import annotations

import os
from pathlib import Path

import nibabel as nib

from ._checks import describe
from .records import records_to_json
from .volume import Volume

NIFTI_SUFFIX = ".nii.gz"


def check_writable_folder(folder: str | os.PathLike[str], name: str = "folder") -> Path:
    """Create ``folder`` if needed and make sure files can be written there.

    Raises
    ------
    NotADirectoryError
        ``folder`` exists and is a file.
    PermissionError
        The folder is not writable.
    OSError
        The folder cannot be created (the message says why).
    """
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path; got {describe(folder)}")
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{name} must be a folder; {str(path)!r} is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise type(exc)(f"{name} {str(path)!r} cannot be created: {exc.strerror or exc}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise PermissionError(f"{name} {str(path)!r} is not writable")
    return path


def _atomic_save(image: nib.Nifti1Image, target: Path) -> None:
    """Write to a hidden temporary name in the same folder, then rename over ``target``."""
    temporary = target.with_name(f".{target.name[: -len(NIFTI_SUFFIX)]}.partial-{os.getpid()}{NIFTI_SUFFIX}")
    try:
        nib.save(image, temporary)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()


def output_names(name: str) -> dict[str, str]:
    """The file names :func:`save_volume` gives ``name``'s image, label and history (the label's even if none).

    Examples
    --------
    >>> output_names("case0")
    {'image': 'case0.nii.gz', 'label': 'case0_label.nii.gz', 'history': 'case0_history.json'}
    """
    return {"image": f"{name}{NIFTI_SUFFIX}", "label": f"{name}_label{NIFTI_SUFFIX}", "history": f"{name}_history.json"}


def save_volume(volume: Volume, folder: str | os.PathLike[str], name: str) -> dict[str, Path]:
    """Save ``volume`` as ``name.nii.gz`` (+ ``name_label.nii.gz`` and ``name_history.json``).

    Each file is written under a temporary name and renamed when complete, so
    a crash never leaves a truncated NIfTI that looks valid. Image and label
    carry the volume's affine as sform and qform (code 1, scanner), which
    viewers such as ITK-SNAP, 3D Slicer and FSLeyes read. The label is written
    in the smallest NIfTI integer type that holds its values (any integer
    dtype works, int64 from ``np.argmax`` included), so
    :func:`~tutorial_utils.load_nifti` gives back exactly the same values.

    Returns
    -------
    dict
        ``{"image": path, "label": path (if any), "history": path}``.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> paths = save_volume(Volume(np.zeros((2, 2, 2)), np.eye(4)), tempfile.mkdtemp(), "case0")
    >>> sorted(paths), paths["image"].name
    (['history', 'image'], 'case0.nii.gz')
    """
    if not isinstance(volume, Volume):
        raise TypeError(f"volume must be a Volume; got {describe(volume)}")
    if not isinstance(name, str) or not name or os.sep in name or name.startswith("."):
        raise ValueError(f"name must be a plain file name without a folder or leading dot; got {name!r}")
    path = check_writable_folder(folder)
    image_nii, label_nii = volume.to_nifti()
    names = output_names(name)
    paths = {"image": path / names["image"]}
    _atomic_save(image_nii, paths["image"])
    if label_nii is not None:
        paths["label"] = path / names["label"]
        _atomic_save(label_nii, paths["label"])
    paths["history"] = path / names["history"]
    temporary = paths["history"].with_name(f".{paths['history'].name}.partial-{os.getpid()}")
    try:
        temporary.write_text(records_to_json(volume.history))
        os.replace(temporary, paths["history"])
    finally:
        if temporary.exists():
            temporary.unlink()
    return paths
