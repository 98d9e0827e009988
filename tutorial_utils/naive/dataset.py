"""NAIVE: preprocess a dataset with a plain loop, as most scripts start out.

For demonstration only. The first unreadable scan stops the whole run with
an exception that does not say which file it was; nothing records which
cases are done, so a rerun starts from zero; files are written in place,
so a crash mid-write leaves a truncated file that looks valid; one process
does everything. See :func:`tutorial_utils.preprocess_dataset` for the fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import nibabel as nib

from ..volume import Volume


def naive_preprocess_loop(
    folder: str | os.PathLike[str], pipeline: Callable[..., Volume], out_dir: str | os.PathLike[str]
) -> None:
    """NAIVE: read, transform and save each case of an nnU-Net raw folder in turn, stopping at the first error."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for image in sorted(Path(folder, "imagesTr").glob("*_0000.nii.gz")):
        label = Path(folder, "labelsTr", image.name.replace("_0000", ""))
        result = pipeline(Volume.from_nifti(image, label))
        nib.save(result.to_nifti()[0], out / image.name.replace("_0000", ""))
