"""A realistic sample CT dataset, generated offline in the nnU-Net raw layout.

Public CT datasets vary in ways a pipeline must survive: pixel spacing (0.6 to
1 mm in-plane), slice spacing (0.8 to 5 mm), the number of slices, where the
patient lay on the table, the orientation the converter wrote (RAS, LAS,
LPS) and, now and then, stored values without the -1024 HU intercept. The
phantoms here vary the same way, with their tissue labels, so the course can
show a whole-dataset workflow without a download. They are **synthetic**
(:func:`~tutorial_utils.phantom.make_ct_phantom`), not anatomy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np

from .._checks import check_non_negative_int, describe
from ..io import check_writable_folder
from ..phantom import make_ct_phantom
from ..seeding import sample_rng
from .cases import CHANNEL_SUFFIX, DATASET_JSON, IMAGES, LABELS
from .ops import reorient_arrays

#: nnU-Net ``dataset.json`` label names of the phantom's label values.
LABEL_NAMES = {"background": 0, "fat": 1, "soft_tissue": 2, "lung": 3, "liver": 4, "bone": 5, "vessel": 6}
#: Orientations written, case ``i`` gets ``ORIENTATIONS[i % 3]``.
ORIENTATIONS = ("LPS", "RAS", "LAS")
#: Slice spacings (mm) a case draws from, with their probabilities.
SLICE_SPACINGS = (0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 5.0)
_SLICE_P = (0.08, 0.12, 0.14, 0.1, 0.14, 0.22, 0.1, 0.1)
#: Every case whose index is 4 modulo 5 stores values without the -1024 HU intercept (air = 24, not -1000).
OFFSET_EVERY, OFFSET_HU = 5, 1024
#: In-plane matrix of a real CT (at ``scale=1``).
IN_PLANE = 512


def case_parameters(seed: int, index: int, scale: float = 1.0) -> dict[str, Any]:
    """What case ``index`` of ``make_sample_dataset(..., seed)`` will look like (drawn from ``sample_rng(seed, index)``).

    Examples
    --------
    >>> p = case_parameters(0, 4)
    >>> p["orientation"], p["intensity_offset"], 0.6 <= p["spacing"][0] <= 1.0
    ('RAS', 1024, True)
    """
    rng = sample_rng(seed, index)
    pixel = round(float(rng.uniform(0.6, 1.0)), 4)
    slice_spacing = float(rng.choice(SLICE_SPACINGS, p=_SLICE_P))
    coverage = float(rng.uniform(120.0, 260.0))
    in_plane = max(16, round(IN_PLANE * scale))
    slices = max(16, round(coverage / slice_spacing * scale))
    return {
        "shape": (in_plane, in_plane, slices),
        "spacing": (pixel, pixel, slice_spacing),
        "orientation": ORIENTATIONS[index % len(ORIENTATIONS)],
        "table_offset_mm": tuple(round(float(v), 1) for v in rng.uniform(-40.0, 40.0, size=3)),
        "noise_std": round(float(rng.uniform(8.0, 25.0)), 1),
        "intensity_offset": OFFSET_HU if index % OFFSET_EVERY == OFFSET_EVERY - 1 else 0,
        "noise_seed": int(rng.integers(2**31)),
    }


def _case_images(parameters: dict[str, Any]) -> tuple[nib.Nifti1Image, nib.Nifti1Image]:
    """The case's image (int16 stored values) and label (uint8), in its orientation."""
    ct = make_ct_phantom(
        shape=parameters["shape"],
        spacing=parameters["spacing"],
        noise_std=parameters["noise_std"],
        rng=parameters["noise_seed"],
    )
    affine = ct.affine.copy()
    affine[:3, 3] += parameters["table_offset_mm"]
    stored = np.rint(ct.image + parameters["intensity_offset"]).clip(-32768, 32767).astype(np.int16)
    (stored, label), affine = reorient_arrays([stored, ct.label], affine, parameters["orientation"])
    images = []
    for array in (stored, label):
        image = nib.Nifti1Image(array, affine)
        image.set_qform(affine, code=1)
        image.set_sform(affine, code=1)
        images.append(image)
    return images[0], images[1]


def _check_indices(values: Any, name: str, n_cases: int) -> set[int]:
    if isinstance(values, (int, np.integer)) and not isinstance(values, bool):
        values = (values,)
    if not isinstance(values, Iterable) or isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a case index or a sequence of them; got {describe(values)}")
    indices = {check_non_negative_int(v, name) for v in values}
    outside = sorted(i for i in indices if i >= n_cases)
    if outside:
        raise ValueError(f"{name} must hold case indices below n_cases={n_cases}; got {outside}")
    return indices


def _write_dataset_json(folder: Path, n_cases: int, seed: int, scale: float) -> None:
    description = {
        "name": "SampleCT",
        "description": (
            "Synthetic torso CT phantoms (tutorial_utils.make_sample_dataset) that vary as real scans do: "
            "spacing, slice count, table position, orientation (RAS/LAS/LPS) and, every fifth case, stored "
            "values without the -1024 HU intercept. Not anatomy."
        ),
        "reference": f"tutorial_utils.make_sample_dataset(folder, n_cases={n_cases}, seed={seed}, scale={scale})",
        "channel_names": {"0": "CT"},
        "labels": LABEL_NAMES,
        "numTraining": n_cases,
        "file_ending": ".nii.gz",
    }
    (folder / DATASET_JSON).write_text(json.dumps(description, indent=2) + "\n")


def make_sample_dataset(
    folder: str | os.PathLike[str],
    n_cases: int = 12,
    seed: int = 0,
    *,
    scale: float = 1.0,
    corrupt: int | Iterable[int] = (),
    mismatch: int | Iterable[int] = (),
) -> Path:
    """Write a sample CT dataset with labels in the nnU-Net raw layout; nothing is downloaded.

    Case ``i`` (``case_000``, ``case_001``, ...) is drawn from
    ``sample_rng(seed, i)`` (see :func:`case_parameters`), so the same seed
    writes the same files and adding cases does not change the others:

    * pixel spacing 0.6-1.0 mm, slice spacing 0.8-5 mm, 120-260 mm covered
      (so 24 to 325 slices at ``scale=1``), a 512 x 512 matrix;
    * table position: the world origin moves up to 40 mm per axis;
    * orientation ``LPS``, ``RAS``, ``LAS`` in turn: true reorientations of
      the same anatomy (the liver is on the patient's right in all of them),
      written with nibabel's orientation tools;
    * image stored as int16 HU, except cases 4, 9, 14, ...: stored without
      the -1024 intercept (air at +24), as a converter that drops the
      rescale intercept writes them.

    Parameters
    ----------
    folder : path-like
        Created if missing; must not already hold a dataset.
    n_cases : int
        Number of cases (at least 1).
    seed : int
        Seed of the whole dataset.
    scale : float
        Fraction of a real CT's matrix: 1 writes 512 x 512 slices (about 12
        to 170 MB per case in memory), 0.25 writes 128 x 128 with the same
        spacings (the anatomy is smaller) for quick demos and tests. At least
        16 voxels per axis.
    corrupt : int or sequence of int
        Cases whose image file is cut in half (a truncated download).
    mismatch : int or sequence of int
        Cases whose label map has one slice fewer than the image.

    Returns
    -------
    Path
        ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> root = make_sample_dataset(tempfile.mkdtemp(), n_cases=2, scale=0.05)
    >>> sorted(p.name for p in (root / "imagesTr").iterdir())
    ['case_000_0000.nii.gz', 'case_001_0000.nii.gz']
    """
    n_cases = check_non_negative_int(n_cases, "n_cases")
    if n_cases < 1:
        raise ValueError(f"n_cases must be >= 1; got {n_cases}")
    seed = check_non_negative_int(seed, "seed")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 4:
        raise ValueError(f"scale must be a number in (0, 4]; got {describe(scale)}")
    corrupt_set = _check_indices(corrupt, "corrupt", n_cases)
    mismatch_set = _check_indices(mismatch, "mismatch", n_cases)
    root = check_writable_folder(folder)
    if (root / IMAGES).exists() or (root / DATASET_JSON).exists():
        raise FileExistsError(f"folder {str(root)!r} already holds a dataset; use an empty or new folder")
    (root / IMAGES).mkdir()
    (root / LABELS).mkdir()
    for index in range(n_cases):
        name = f"case_{index:03d}"
        image, label = _case_images(case_parameters(seed, index, scale))
        if index in mismatch_set:
            label = label.slicer[:, :, :-1]
        image_path = root / IMAGES / f"{name}{CHANNEL_SUFFIX}.nii.gz"
        nib.save(image, image_path)
        nib.save(label, root / LABELS / f"{name}.nii.gz")
        if index in corrupt_set:
            data = image_path.read_bytes()
            image_path.write_bytes(data[: len(data) // 2])
    _write_dataset_json(root, n_cases, seed, scale)
    return root
