"""Check functions for the exercises of notebook 08 (your own scans).

Each ``check_exercise_N`` prints what is right and what is wrong, and returns
True when the answer is right.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..dicom.geometry import stack_geometry
from ..dicom.series import read_header
from ..spatial.orientation_transforms import reorient
from ..volume import Volume


def _report(ok: bool, right: str, wrong: str) -> bool:
    print(("right: " + right) if ok else ("not yet: " + wrong))
    return ok


def check_exercise_1(answer: Any, epi: Volume) -> bool:
    """Exercise 1: ``epi`` (LAS) brought to RAS by hand, as a Volume (np.flip and a new affine)."""
    expected = reorient(epi)
    if not isinstance(answer, Volume):
        return _report(
            False, "", f"expected a Volume; got {type(answer).__name__}. Build one: tu.Volume(image, affine)."
        )
    if answer.shape != expected.shape:
        return _report(False, "", f"expected shape {expected.shape}; got {answer.shape}. A flip keeps the shape.")
    image_ok = bool(np.array_equal(answer.image, expected.image))
    affine_ok = bool(np.allclose(answer.affine, expected.affine, atol=1e-6))
    if image_ok and not affine_ok:
        return _report(
            False,
            "",
            "the array is right, but the affine still places voxel 0 where the old voxel 0 was. After the flip, "
            "new voxel i is old voxel n - 1 - i: new_affine = affine @ F with F = [[-1, 0, 0, n - 1], [0, 1, 0, 0], "
            "[0, 0, 1, 0], [0, 0, 0, 1]].",
        )
    if affine_ok and not image_ok:
        return _report(
            False, "", "the affine is right but the array is not flipped along axis 0: np.flip(image, axis=0)."
        )
    return _report(
        image_ok and affine_ok,
        f"axcodes {''.join(answer.axcodes)}, identical to tu.reorient(epi): x of voxel 0 went from "
        f"{epi.affine[0, 3]:.1f} to {answer.affine[0, 3]:.1f} mm: voxel 0 is now at the patient's left, and i runs to the right.",
        f"axcodes {''.join(answer.axcodes)}; flip axis 0 of the image and update the affine.",
    )


def check_exercise_2(answer: Any, folder: str | os.PathLike[str]) -> bool:
    """Exercise 2: the files of ``folder`` in slice order, sorted by position along the slice normal."""
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    headers = [read_header(p) for p in files]
    geometry = stack_geometry(
        np.stack([h.position for h in headers]), np.stack([h.orientation for h in headers]), str(folder)
    )
    expected = [files[i].name for i in geometry.order]
    try:
        given = [Path(a).name for a in answer]
    except TypeError:
        given = []
    if given == expected[::-1]:
        return _report(False, "", "the right order, reversed: sort by increasing position along the normal.")
    if given == sorted(expected):
        return _report(False, "", "that is file-name order; sort by np.dot(ImagePositionPatient, normal).")
    return _report(
        given == expected,
        f"{len(expected)} files, from {expected[0]} to {expected[-1]}: the order load_dicom uses.",
        f"expected {len(expected)} file names (or paths) starting {expected[:3]}; got {given[:3]}...",
    )


def check_exercise_3(answer: Any) -> bool:
    """Exercise 3: CT_small.dcm's pixels in Hounsfield units, shape (rows, columns)."""
    import pydicom
    from pydicom.data import get_testdata_file
    from pydicom.pixels import apply_modality_lut

    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    expected = apply_modality_lut(ds.pixel_array, ds)
    given = np.asarray(answer, dtype=np.float64)
    if given.shape != expected.shape:
        return _report(False, "", f"expected shape {expected.shape} (rows, columns); got {given.shape}.")
    if np.array_equal(given, ds.pixel_array):
        return _report(False, "", "these are the stored values: HU = stored * RescaleSlope + RescaleIntercept.")
    return _report(
        bool(np.allclose(given, expected)),
        f"HU from {expected.min():.0f} to {expected.max():.0f}: the stored values shifted by RescaleIntercept "
        f"{float(ds.RescaleIntercept):g}, what pydicom.pixels.apply_modality_lut gives.",
        f"values from {given.min():g} to {given.max():g}; expected {expected.min():g} to {expected.max():g}.",
    )
