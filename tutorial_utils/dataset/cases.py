"""Which cases a dataset holds: a folder in the nnU-Net raw layout, or a list of file pairs.

The nnU-Net raw layout (what ``make_sample_dataset`` writes and what most
public segmentation datasets are converted to)::

    dataset/
      dataset.json                     channel names, label names, file ending
      imagesTr/case_000_0000.nii.gz    image of case_000, channel 0000
      labelsTr/case_000.nii.gz         its label map
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from .._checks import describe

IMAGES = "imagesTr"
LABELS = "labelsTr"
DATASET_JSON = "dataset.json"
#: Image file name of a case's first channel in the nnU-Net raw layout.
CHANNEL_SUFFIX = "_0000"
_ENDINGS = (".nii.gz", ".nii")


class Case(NamedTuple):
    """One case: its name (used for the output files), its image and its label map (or None)."""

    name: str
    image: Path
    label: Path | None


def case_name(image: str | os.PathLike[str]) -> str:
    """Name of a case from its image file: the file name without the ending and the ``_0000`` channel suffix.

    Examples
    --------
    >>> case_name("imagesTr/liver_012_0000.nii.gz"), case_name("scans/ct 7.nii")
    ('liver_012', 'ct 7')
    """
    name = Path(image).name
    for ending in _ENDINGS:
        if name.endswith(ending):
            name = name[: -len(ending)]
            break
    return re.sub(rf"{CHANNEL_SUFFIX}$", "", name)


def _from_folder(folder: Path) -> list[Case]:
    images = folder / IMAGES
    if not images.is_dir():
        raise ValueError(
            f"cases must be a dataset folder in the nnU-Net raw layout ({IMAGES}/<case>_0000.nii.gz, "
            f"{LABELS}/<case>.nii.gz, {DATASET_JSON}); {str(folder)!r} has no {IMAGES} folder"
        )
    files = sorted(p for p in images.iterdir() if p.name.endswith(tuple(f"{CHANNEL_SUFFIX}{e}" for e in _ENDINGS)))
    if not files:
        raise ValueError(f"cases: {str(images)!r} holds no <case>_0000.nii.gz image")
    cases = []
    for image in files:
        name = case_name(image)
        ending = ".nii.gz" if image.name.endswith(".nii.gz") else ".nii"
        label = folder / LABELS / f"{name}{ending}"
        cases.append(Case(name, image, label if label.exists() else None))
    return cases


def _from_pairs(pairs: Sequence[Any]) -> list[Case]:
    cases = []
    for i, pair in enumerate(pairs):
        if isinstance(pair, (str, os.PathLike)):
            image, label = pair, None
        elif isinstance(pair, Sequence) and len(pair) == 2:
            image, label = pair
        else:
            raise TypeError(f"cases[{i}] must be an image path or an (image, label or None) pair; got {describe(pair)}")
        for what, value in (("image", image), ("label", label)):
            if value is not None and not isinstance(value, (str, os.PathLike)):
                raise TypeError(f"cases[{i}]: the {what} must be a path; got {describe(value)}")
        cases.append(Case(case_name(image), Path(image), None if label is None else Path(label)))
    return cases


def list_cases(cases: Any) -> list[Case]:
    """The cases of a dataset folder (sorted by name) or of a list of ``(image, label_or_None)`` pairs (in order).

    Parameters
    ----------
    cases : path-like or sequence
        A folder in the nnU-Net raw layout, or a list whose entries are image
        paths or ``(image_path, label_path_or_None)`` pairs.

    Returns
    -------
    list of Case
        Case ``i`` of this list is case ``i`` everywhere (its random stream
        is ``sample_rng(seed, i)``).

    Raises
    ------
    ValueError
        A folder without ``imagesTr`` images, an empty list, or two cases
        with the same name (their outputs would overwrite each other).

    Examples
    --------
    >>> [c.name for c in list_cases([("a/ct_1_0000.nii.gz", None), "b/ct_2.nii.gz"])]
    ['ct_1', 'ct_2']
    """
    if isinstance(cases, (str, os.PathLike)):
        found = _from_folder(Path(cases))
    elif isinstance(cases, Sequence) and not isinstance(cases, (bytes, str)):
        found = _from_pairs(cases)
    else:
        raise TypeError(f"cases must be a dataset folder or a list of (image, label) paths; got {describe(cases)}")
    if not found:
        raise ValueError("cases must hold at least one case; got an empty list")
    names = [c.name for c in found]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"cases must have distinct names (outputs are named after them); repeated: {repeated}")
    return found


def read_dataset_json(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """``dataset.json`` of a dataset folder as a dict (empty if the folder has none)."""
    path = Path(folder) / DATASET_JSON
    return json.loads(path.read_text()) if path.is_file() else {}
