"""Checks for the exercises of notebook 08 (your own scans: orientation, DICOM, Hounsfield units).

Each exercise asks for a small function; its check calls it on the notebook's
data and on data the notebook does not show (another shape and spacing, a
sagittal series with scrambled instance numbers, other rescale values), prints
notes about the reader's own results, then ``Correct:`` or ``Not yet:`` with
one line per problem (:func:`~._feedback.verdict`), and returns None. It never
prints the expected value. An unfilled answer (``...``) raises
``NotImplementedError`` with a hint.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .._checks import describe
from ..dicom.geometry import stack_geometry
from ..dicom.series import read_header
from ..dicom.writer import save_dicom_series
from ..volume import Volume
from ._feedback import is_unfilled, require, verdict

#: Seed of the inputs the checks build and the notebook does not show.
UNSEEN_SEED = 2008


def _your_turn(name: str, hint: str) -> NotImplementedError:
    return NotImplementedError(f"Your turn: replace the ... inside {name} and run the cell again. Hint: {hint}")


def _call(function: Callable, argument: Any, call: str, problems: list[str], name: str, hint: str) -> Any:
    """``function(argument)``; a failure becomes a problem (returns None), an unfilled result raises."""
    try:
        result = function(argument)
    except Exception as error:  # the reader's function failed: say how, do not crash the check
        problems.append(f"{call} raised {type(error).__name__}: {error}")
        return None
    if is_unfilled(result):
        raise _your_turn(name, hint)
    return result


# --- exercise 1: flip the first axis, keep world positions -------------------------------------------------------


def flip_first_axis_reference(volume: Volume) -> Volume:
    """``volume`` with array axis 0 reversed and an affine that keeps every voxel's world position.

    New voxel ``i`` is old voxel ``n - 1 - i``: ``new_affine = affine @ F``
    with ``F`` mapping ``(i, j, k)`` to ``(n - 1 - i, j, k)``.

    Examples
    --------
    >>> v = Volume(np.arange(4, dtype=np.float32).reshape(4, 1, 1), np.diag([-2.0, 1, 1, 1]))
    >>> flipped = flip_first_axis_reference(v)
    >>> flipped.image.ravel().tolist(), flipped.affine[0].tolist()
    ([3.0, 2.0, 1.0, 0.0], [2.0, 0.0, 0.0, -6.0])
    """
    flip = np.eye(4)
    flip[0, 0], flip[0, 3] = -1.0, volume.shape[0] - 1
    return Volume(np.flip(volume.image, axis=0).copy(), volume.affine @ flip)


def _unseen_volume() -> Volume:
    """A small oblique-free volume the notebook never shows: another shape, spacing, origin, stored RAS."""
    image = np.random.default_rng(UNSEEN_SEED).random((13, 9, 7), dtype=np.float32)
    return Volume(image, np.array([[2.5, 0, 0, -40.0], [0, 1.5, 0, 12.0], [0, 0, 3.0, 7.5], [0, 0, 0, 1]]))


def _flip_problem(result: Any, volume: Volume, where: str) -> str | None:
    """What is wrong with ``flip_first_axis(volume)``, in the reader's terms (None when right)."""
    call = f"flip_first_axis({where})"
    if not isinstance(result, Volume):
        return f"{call} must return a Volume (tu.Volume(image, affine)); got {describe(result)}."
    expected = flip_first_axis_reference(volume)
    if result.shape != volume.shape:
        return f"{call} returned shape {result.shape}; a flip keeps the shape."
    image_ok = bool(np.array_equal(result.image, expected.image))
    affine_ok = bool(np.allclose(result.affine, expected.affine, atol=1e-6))
    if image_ok and affine_ok:
        return None
    if not image_ok:
        if np.array_equal(result.image, volume.image):
            return f"{call}: the array is not flipped along axis 0."
        return f"{call}: the array is not the input reversed along axis 0."
    affine = result.affine
    n = volume.shape[0]
    if np.allclose(affine, volume.affine):
        return (
            f"{call}: the affine still places voxel 0 where the old voxel 0 was; after the flip it is old voxel n - 1."
        )
    if np.allclose(affine[:, :3], expected.affine[:, :3]) and np.allclose(affine[:3, 3], volume.affine[:3, 3]):
        return f"{call}: the first column is negated but the origin did not move: new voxel 0 is old voxel n - 1."
    for offset, what in ((n, "n"), (n - 2, "n - 2")):
        flip = np.eye(4)
        flip[0, 0], flip[0, 3] = -1.0, offset
        if np.allclose(affine, volume.affine @ flip):
            return f"{call}: the origin is one voxel off ({what}); the last index along axis 0 is n - 1."
    flip = np.eye(4)
    flip[0, 0], flip[0, 3] = -1.0, n - 1
    if np.allclose(affine, flip @ volume.affine):
        return f"{call}: the flip acts on voxel indices, so it multiplies the affine on the right, not the world side."
    return f"{call}: the affine does not keep every voxel at its world position."


def check_exercise_1(flip_first_axis: Any, epi: Volume) -> None:
    """Check ``flip_first_axis(volume)`` on the LAS ``epi`` sample and on a volume the notebook does not show.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> check_exercise_1(flip_first_axis_reference, tu.load_sample("epi"))  # doctest: +ELLIPSIS
    epi: your result points RAS; x of voxel 0 went from 117.9 to -136.1 mm
    Correct: ...
    """
    require(flip_first_axis, "flip_first_axis", "write a function of one Volume that returns a new Volume.")
    if not callable(flip_first_axis):
        return verdict([f"flip_first_axis must be a function of a Volume; got {describe(flip_first_axis)}."], "")
    hint = "new voxel i is old voxel n - 1 - i: which voxel-to-voxel matrix says that, and on which side of the affine?"
    problems, notes = [], []
    for where, volume in (("epi", epi), ("a volume you have not seen", _unseen_volume())):
        result = _call(flip_first_axis, volume, f"flip_first_axis({where})", problems, "flip_first_axis", hint)
        if result is None:
            continue
        if where == "epi" and isinstance(result, Volume):
            notes.append(
                f"epi: your result points {''.join(result.axcodes)}; x of voxel 0 went from "
                f"{epi.affine[0, 3]:.1f} to {result.affine[0, 3]:.1f} mm"
            )
        problem = _flip_problem(result, volume, where)
        if problem:
            problems.append(problem)
    return verdict(
        problems,
        "identical to tu.reorient(epi): voxel 0 is now at the patient's left and i runs to the right. "
        "tu.reorient builds the same matrix from nibabel's orientation tools, for any permutation and any flips.",
        notes,
    )


# --- exercise 2: sort slices along the normal ---------------------------------------------------------------------


def slice_order_reference(paths: list[Path]) -> list[str]:
    """File names of ``paths`` sorted along the slice normal, as :func:`tutorial_utils.load_dicom` sorts them."""
    headers = [read_header(p) for p in paths]
    positions = np.stack([h.position for h in headers])
    orientations = np.stack([h.orientation for h in headers])
    order = stack_geometry(positions, orientations, "the exercise's series").order
    return [paths[i].name for i in order]


def _write_unseen_sagittal_series(folder: Path) -> list[Path]:
    """A sagittal series under shuffled names whose ``InstanceNumber``s are scrambled; returns its paths."""
    import pydicom

    rng = np.random.default_rng(UNSEEN_SEED)
    affine = np.array([[0, 0, 2.0, -9.0], [1.5, 0, 0, -20.0], [0, 1.5, 0, 5.0], [0, 0, 0, 1]])  # slices along x
    volume = Volume(rng.normal(0, 100, (10, 12, 9)).astype(np.float32), affine)
    series = save_dicom_series(volume, folder / "written", dtype="int16")
    files = sorted(series.iterdir())
    names = rng.permutation(len(files))
    instances = rng.permutation(len(files)) + 1
    shuffled = folder / "sagittal"
    shuffled.mkdir()
    for path, name, instance in zip(files, names, instances):
        ds = pydicom.dcmread(path)
        ds.InstanceNumber = int(instance)
        ds.save_as(shuffled / f"IM{name:04d}")
    shutil.rmtree(series)
    return sorted(shuffled.iterdir())


def _order_problem(result: Any, paths: list[Path], where: str) -> str | None:
    """What is wrong with ``sort_slices(paths)``, in the reader's terms (None when right)."""
    call = f"sort_slices({where})"
    try:
        given = [Path(p).name for p in result]
    except TypeError:
        return f"{call} must return a list of paths; got {describe(result)}."
    expected = slice_order_reference(paths)
    if given == expected:
        return None
    if sorted(given) != sorted(expected):
        return f"{call} must return every file of the series once; got {len(given)} names for {len(expected)} files."
    if given == expected[::-1]:
        return f"{call} is in the right order, reversed: sort by increasing position along the normal."
    if given == sorted(expected):
        return f"{call} is in file-name order: names say nothing about where a slice lies."
    import pydicom

    by_instance = sorted(paths, key=lambda p: int(pydicom.dcmread(p, stop_before_pixels=True).InstanceNumber))
    if given == [p.name for p in by_instance]:
        return f"{call} follows InstanceNumber, which this series scrambles: use the positions."
    return (
        f"{call} is not sorted along the slice normal: project each ImagePositionPatient on the normal "
        "(a sagittal or oblique series does not move along z)."
    )


def check_exercise_2(sort_slices: Any, folder: str | os.PathLike[str]) -> None:
    """Check ``sort_slices(paths)`` on the shuffled folder and on an unseen sagittal series.

    Parameters
    ----------
    sort_slices : callable
        ``list of paths -> list of paths`` in slice order (along the normal).
    folder : path-like
        The notebook's folder of shuffled file names.

    Examples
    --------
    >>> import tempfile
    >>> def by_position(paths):
    ...     order = slice_order_reference(paths)
    ...     return sorted(paths, key=lambda p: order.index(p.name))
    >>> with tempfile.TemporaryDirectory() as scratch:
    ...     _ = _write_unseen_sagittal_series(Path(scratch))
    ...     check_exercise_2(by_position, Path(scratch) / "sagittal")  # doctest: +ELLIPSIS
    your order for the shuffled folder: IM..., IM..., IM..., ...
    Correct: ...
    """
    require(sort_slices, "sort_slices", "write a function of a list of paths that returns them in slice order.")
    if not callable(sort_slices):
        return verdict([f"sort_slices must be a function of a list of paths; got {describe(sort_slices)}."], "")
    hint = "read each header, take the slice normal from ImageOrientationPatient and each slice's position along it."
    problems, notes = [], []
    paths = sorted(p for p in Path(folder).iterdir() if p.is_file())
    with tempfile.TemporaryDirectory(prefix="nb08_unseen_") as scratch:
        cases = {
            "the shuffled folder": paths,
            "a sagittal series you have not seen": _write_unseen_sagittal_series(Path(scratch)),
        }
        for where, inputs in cases.items():
            given_order = [inputs[i] for i in np.random.default_rng(UNSEEN_SEED).permutation(len(inputs))]
            result = _call(sort_slices, given_order, f"sort_slices({where})", problems, "sort_slices", hint)
            if result is None:
                continue
            if where == "the shuffled folder" and not isinstance(result, (str, bytes)):
                try:
                    names = [Path(p).name for p in result]
                    notes.append(f"your order for {where}: {', '.join(names[:3])}, ...")
                except TypeError:
                    pass
            problem = _order_problem(result, inputs, where)
            if problem:
                problems.append(problem)
    return verdict(
        problems,
        "the order tu.load_dicom uses, for axial and sagittal series alike; file names and InstanceNumber are "
        "only labels, the positions say where each slice lies.",
        notes,
    )


# --- exercise 3: stored values to Hounsfield units --------------------------------------------------------------


def _ct_small_variants() -> dict[str, Any]:
    """CT_small.dcm as shipped and with rescale values the notebook does not show."""
    import pydicom
    from pydicom.data import get_testdata_file

    path = get_testdata_file("CT_small.dcm")
    variants = {"CT_small.dcm": pydicom.dcmread(path)}
    for slope, intercept in ((2.0, -1000.0), (0.5, 24.0)):
        ds = pydicom.dcmread(path)
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
        variants[f"a copy with slope {slope:g} and intercept {intercept:g}"] = ds
    return variants


def _hu_problem(result: Any, ds: Any, where: str) -> str | None:
    """What is wrong with ``to_hu(ds)``, in the reader's terms (None when right)."""
    from pydicom.pixels import apply_modality_lut

    call = f"to_hu({where})"
    stored = ds.pixel_array.astype(np.float64)
    try:
        given = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{call} must return an array of numbers; got {describe(result)}."
    if given.shape != stored.shape:
        return f"{call} returned shape {given.shape}; the slice is (rows, columns) = {stored.shape}."
    expected = apply_modality_lut(ds.pixel_array, ds).astype(np.float64)
    if np.allclose(given, expected):
        return None
    slope, intercept = float(ds.RescaleSlope), float(ds.RescaleIntercept)
    if np.array_equal(given, stored):
        return f"{call} returns the stored values; a real value is stored * RescaleSlope + RescaleIntercept."
    if np.allclose(given, stored + intercept):
        return f"{call} ignores RescaleSlope."
    if np.allclose(given, (stored + intercept) * slope):
        return f"{call} adds the intercept before the slope; the slope multiplies the stored value first."
    if np.allclose(given, stored * slope - 1024) or np.allclose(given, stored - 1024):
        return f"{call} uses fixed rescale values (CT_small's); read RescaleSlope and RescaleIntercept from the header."
    return f"{call} is not stored * RescaleSlope + RescaleIntercept (mind integer overflow: compute in float)."


def check_exercise_3(to_hu: Any) -> None:
    """Check ``to_hu(ds)`` on ``CT_small.dcm`` and on copies with other rescale values.

    Examples
    --------
    >>> check_exercise_3(lambda ds: ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept))
    ... # doctest: +ELLIPSIS
    CT_small.dcm: your values run from -896 to 1167
    Correct: ...
    """
    require(to_hu, "to_hu", "write a function of a pydicom Dataset that returns an array.")
    if not callable(to_hu):
        return verdict([f"to_hu must be a function of a pydicom Dataset; got {describe(to_hu)}."], "")
    hint = "the modality LUT of section 3: two header values turn a stored integer into a real value."
    problems, notes = [], []
    for where, ds in _ct_small_variants().items():
        result = _call(to_hu, ds, f"to_hu({where})", problems, "to_hu", hint)
        if result is None:
            continue
        problem = _hu_problem(result, ds, where)
        if where == "CT_small.dcm" and (problem is None or "must return" not in problem):
            values = np.asarray(result, dtype=np.float64)
            notes.append(f"{where}: your values run from {values.min():.0f} to {values.max():.0f}")
        if problem:
            problems.append(problem)
    return verdict(
        problems,
        "pydicom.pixels.apply_modality_lut gives the same (it also handles the rarer lookup-table form). In HU, "
        "air is about -1000 and water 0 in every scanner's files, whatever integers they store.",
        notes,
    )
