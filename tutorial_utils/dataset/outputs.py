"""Where a preprocessing run writes: never onto an input, never two cases onto one file, nothing stale left.

Three rules, each checked before any case runs (or, for the last, as cases end):

* ``out_dir`` lies apart from the inputs: it is refused when it holds an
  input (at any depth) or lies in (or is) the folder of an input. The outputs
  are named after the cases (``case.nii.gz``), so an ``out_dir`` equal to the
  scans' own folder would overwrite them, and a folder that mixes inputs with
  outputs makes every later glob ambiguous. Paths are compared resolved
  (symbolic links followed).
* Every case owns three file names (:func:`~tutorial_utils.io.output_names`:
  ``<case>.nii.gz``, ``<case>_label.nii.gz``, ``<case>_history.json``), the
  label's even when the case has no label; two cases that would share one
  (``scan`` and ``scan_label``, as soon as images and labels sit side by side
  in one folder) are refused, naming both. Names are compared case-folded,
  as a macOS or Windows disk does.
* A case that fails has the outputs of an earlier run removed
  (:func:`remove_outputs`; removed, not moved aside: a subfolder of stale
  files would still be picked up by a recursive glob), so nothing loading by
  pattern picks them up, and its manifest row says which; a case done
  without a label has an earlier run's label output removed.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from ..io import NIFTI_SUFFIX, output_names
from .cases import Case

__all__ = ["check_output_names", "check_out_dir", "output_paths", "remove_outputs"]


def check_out_dir(out_dir: str | os.PathLike[str], cases: Sequence[Case]) -> None:
    """Raise ``ValueError`` if ``out_dir`` holds an input or lies in (or is) the folder of one.

    Examples
    --------
    >>> from pathlib import Path
    >>> check_out_dir("/data/out", [Case("ct1", Path("/data/scans/ct1.nii.gz"), None)])
    >>> check_out_dir("/data/scans", [Case("ct1", Path("/data/scans/ct1.nii.gz"), None)])
    Traceback (most recent call last):
    ...
    ValueError: out_dir '/data/scans' must lie apart from the inputs, but it is the folder of the image of case 'ct1' ('/data/scans/ct1.nii.gz'): the outputs are named after the cases and would overwrite or mix with the inputs. Choose a folder outside every input folder, e.g. '/data/scans-preprocessed'
    """
    out = Path(out_dir).resolve()
    for case in cases:
        for what, path in (("image", case.image), ("label", case.label)):
            if path is None:
                continue
            source = Path(path).resolve()
            if out == source.parent:
                relation = "the folder of"
            elif out in source.parents:
                relation = "a folder that holds"
            elif source.parent in out.parents:
                relation = "inside the folder of"
            else:
                continue
            raise ValueError(
                f"out_dir {str(out_dir)!r} must lie apart from the inputs, but it is {relation} the {what} of "
                f"case {case.name!r} ({str(path)!r}): the outputs are named after the cases and would "
                f"overwrite or mix with the inputs. Choose a folder outside every input folder, e.g. "
                f"{str(source.parent) + '-preprocessed'!r}"
            )


def check_output_names(cases: Sequence[Case]) -> None:
    """Raise ``ValueError`` naming both cases if two cases would write a file of the same name.

    Examples
    --------
    >>> from pathlib import Path
    >>> check_output_names([Case("scan", Path("a/scan.nii.gz"), Path("a/seg.nii.gz")),
    ...                     Case("scan_label", Path("a/scan_label.nii.gz"), None)])
    Traceback (most recent call last):
    ...
    ValueError: cases 'scan' and 'scan_label' would both write 'scan_label.nii.gz' in out_dir (the label of case 'scan' and the image of case 'scan_label'); one would overwrite the other. Give one of the two cases another name (rename its image file), or leave the label files out of the list of images
    """
    owners: dict[str, tuple[str, str]] = {}
    for case in cases:
        for kind, name in output_names(case.name).items():
            key = name.casefold()
            if key in owners:
                other, other_kind = owners[key]
                raise ValueError(
                    f"cases {other!r} and {case.name!r} would both write {name!r} in out_dir (the {other_kind} of "
                    f"case {other!r} and the {kind} of case {case.name!r}); one would overwrite the other. Give "
                    f"one of the two cases another name (rename its image file), or leave the label files out "
                    f"of the list of images"
                )
            owners[key] = (case.name, kind)


def output_paths(folder: Path, case: str) -> dict[str, Path]:
    """``{"image", "label", "history"}``: where case ``case`` writes in ``folder``."""
    return {kind: folder / name for kind, name in output_names(case).items()}


def remove_outputs(folder: Path, case: str, kinds: Sequence[str] = ("image", "label", "history")) -> list[str]:
    """Remove case ``case``'s output files of ``kinds`` from ``folder``; return the names of those that existed.

    The hidden half-written files of a killed worker (``.<name>.partial-<pid>...``,
    see :func:`~tutorial_utils.io.save_volume`) go too, unlisted.
    """
    removed = []
    for kind in kinds:
        path = output_paths(folder, case)[kind]
        stem = path.name[: -len(NIFTI_SUFFIX)] if path.name.endswith(NIFTI_SUFFIX) else path.name
        for leftover in folder.glob(f".{glob.escape(stem)}.partial-*"):
            leftover.unlink(missing_ok=True)
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path.name)
    return removed
