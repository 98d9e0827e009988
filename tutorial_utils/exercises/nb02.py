"""Checks for the exercises of notebook 02 (resize, rescale, resample).

Each ``check_exercise_N`` prints what is right and what is not, ending with
"Correct:" when the answer is right; an unfilled answer (``...``) raises
``NotImplementedError`` with a hint.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._checks import describe
from ..records import replay
from ..spatial import random_zoom, resize
from ..spatial.resize_transforms import grid_affine
from ..volume import Volume
from ._feedback import require, verdict
from ._inputs import call_answer, random_rotation

#: Seed of the inputs the checks make up (fixed, so a verdict never changes between runs).
_CHECK_SEED = 20240102


def resampled_shape(shape: Any, spacing: Any, new_spacing: Any) -> tuple[int, ...]:
    """``round(n * spacing / new_spacing)`` per axis, halves rounded up (as ``resample_to_spacing``).

    Examples
    --------
    >>> resampled_shape((288, 224, 64), (1.25, 1.25, 2.5), 1.5)
    (240, 187, 107)
    """
    new = np.broadcast_to(np.asarray(new_spacing, dtype=float), (len(shape),))
    return tuple(max(1, int(np.floor(n * s / t + 0.5))) for n, s, t in zip(shape, spacing, new))


def resampled_grid(volume: Any, new_spacing: float) -> tuple[tuple[int, ...], np.ndarray]:
    """The shape and affine ``tu.resample_to_spacing(volume, new_spacing)`` gives, computed without resampling.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> shape, affine = resampled_grid(Volume(np.zeros((4, 4, 4), np.float32), np.eye(4)), 2.0)
    >>> shape, affine[:3, 3].tolist()
    ((2, 2, 2), [0.5, 0.5, 0.5])
    """
    shape = resampled_shape(volume.shape, volume.spacing, new_spacing)
    step = np.full(3, float(new_spacing)) / np.asarray(volume.spacing, dtype=float)
    return shape, grid_affine(volume.affine, volume.shape, shape, step)


def grid_cases(ct: Any) -> list[tuple[str, Volume, float]]:
    """``(description, volume, new_spacing)`` on which exercise 1 tries the reader's function.

    The CT phantom at 1.5 mm, then four volumes made up from a fixed seed:
    anisotropic voxels, both signs, oblique axes, grids whose sizes round
    differently. Their images are zeros; only the grid matters.
    """
    cases = [("the CT phantom at 1.5 mm", ct, 1.5)]
    rng = np.random.default_rng(_CHECK_SEED)
    for n in range(4):
        shape = tuple(int(v) for v in rng.integers(11, 60, 3))
        spacing = np.round(rng.uniform(0.6, 3.2, 3), 2)
        rotation = random_rotation(rng, 25.0) if n >= 1 else np.eye(3)
        affine = np.eye(4)
        affine[:3, :3] = rotation @ np.diag(rng.choice([-1.0, 1.0], 3) * spacing)
        affine[:3, 3] = rng.uniform(-120.0, 120.0, 3)
        new_spacing = float(np.round(rng.uniform(0.8, 3.5), 1))
        kind = "an oblique" if n >= 1 else "an axis-aligned"
        sizes = " x ".join(f"{s:g}" for s in spacing)
        volume = Volume(np.zeros(shape, np.float32), affine)
        cases.append((f"{kind} {shape} volume of {sizes} mm voxels at {new_spacing:g} mm", volume, new_spacing))
    return cases


def check_exercise_1(predict_grid: Any, ct: Any) -> None:
    """Check ``predict_grid(volume, new_spacing) -> (shape, affine)`` against the grid of ``resample_to_spacing``.

    The function is called on the CT phantom at 1.5 mm and on four volumes
    it has not seen (anisotropic, oblique), so neither the shape nor the
    affine can be typed in.

    Parameters
    ----------
    predict_grid : callable
        The reader's function; ``shape`` is three ints, ``affine`` a 4 x 4
        array.
    ct : Volume
        The CT phantom (the first case).
    """
    require(predict_grid, "predict_grid", "def predict_grid(volume, new_spacing): ... return shape, affine")
    if not callable(predict_grid):
        return verdict([f"predict_grid must be a function; got {describe(predict_grid)}."], "")
    answers = []
    for description, volume, new_spacing in grid_cases(ct):
        result, raised = call_answer(predict_grid, volume, new_spacing)
        if raised is not None:
            return verdict([f"predict_grid raised {raised} (for {description})."], "")
        if not isinstance(result, tuple) or len(result) != 2:
            return verdict([f"predict_grid must return the pair (shape, affine); it returned {describe(result)}."], "")
        shape, affine = result
        require(shape, "shape", "n * spacing / new_spacing per axis, rounded half up: int(np.floor(x + 0.5)).")
        require(
            affine,
            "affine",
            "scale each column of affine[:3, :3] by new_spacing / spacing (its length is the voxel size), then "
            "choose the last column so that the new centre index (n - 1) / 2 lands on the old centre's world position.",
        )
        answers.append((description, volume, new_spacing, shape, affine))
    # The most basic problem first, whichever case shows it: the shape, then the axes, then the centre.
    for diagnose in (_shape_problem, _columns_problem, _centre_problem):
        for description, volume, new_spacing, shape, affine in answers:
            problem = diagnose(description, volume, new_spacing, shape, affine)
            if problem is not None:
                return verdict([problem], "")
    return verdict(
        [],
        "the voxel count follows from the field of view n * spacing, the columns of the affine take the new voxel "
        "size, and the new grid is centred on the old one.",
    )


def _shape_problem(description: str, volume: Any, new_spacing: float, shape: Any, affine: Any) -> str | None:
    """What is wrong with a predicted shape, or ``None``."""
    values = list(shape) if isinstance(shape, (tuple, list, np.ndarray)) else None
    if values is None or len(values) != 3:
        return f"shape must be three ints; predict_grid returned {describe(shape)}."
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in values):
        return f"shape must be three ints (a voxel count is whole); got {describe(shape)}: convert with int(...)."
    given = tuple(int(n) for n in values)
    if given == resampled_shape(volume.shape, volume.spacing, new_spacing):
        return None
    exact = np.asarray(volume.shape) * np.asarray(volume.spacing) / new_spacing
    if given == tuple(int(n) for n in exact):
        return "int() truncates (186.7 becomes 186): round to the nearest integer, halves up (np.floor(x + 0.5))."
    if given == tuple(int(np.floor(n * new_spacing / s + 0.5)) for n, s in zip(volume.shape, volume.spacing)):
        return "larger voxels mean fewer of them: multiply by the old spacing and divide by the new one."
    return f"the shape is off for {description}: keep the field of view, n * spacing, per axis."


def _as_matrix(affine: Any) -> np.ndarray:
    try:
        return np.asarray(affine, dtype=float)
    except (TypeError, ValueError):
        return np.empty(0)


def _columns_problem(description: str, volume: Any, new_spacing: float, shape: Any, affine: Any) -> str | None:
    """What is wrong with the predicted affine's shape, last row and first three columns, or ``None``."""
    given = _as_matrix(affine)
    if given.shape != (4, 4):
        return f"affine must be a 4 x 4 array; predict_grid returned {describe(affine)}."
    if not np.allclose(given[3], [0, 0, 0, 1]):
        return "the last row of an affine is (0, 0, 0, 1)."
    expected = resampled_grid(volume, new_spacing)[1][:3, :3]
    if np.allclose(given[:3, :3], expected, atol=1e-4):
        return None
    old = np.asarray(volume.affine, dtype=float)[:3, :3]
    ratio = new_spacing / np.asarray(volume.spacing, dtype=float)
    if np.allclose(given[:3, :3], old):
        return "the first three columns are the old ones: each must grow to the new voxel size (new_spacing / spacing)."
    if np.allclose(given[:3, :3], old / ratio):
        return "the columns shrank: scale them by new_spacing / spacing, not spacing / new_spacing."
    if np.allclose(given[:3, :3], np.diag(ratio) @ old):
        return (
            "the rows were scaled, not the columns: a column is the step of one voxel index, so scale "
            "affine[:3, :3] @ np.diag(new_spacing / spacing)."
        )
    return f"the first three columns are off for {description}: keep their directions, make their lengths {new_spacing:g} mm."


def _centre_problem(description: str, volume: Any, new_spacing: float, shape: Any, affine: Any) -> str | None:
    """What is wrong with the predicted affine's last column (shape and columns are right), or ``None``."""
    given, old = _as_matrix(affine), np.asarray(volume.affine, dtype=float)
    if np.allclose(given, resampled_grid(volume, new_spacing)[1], atol=1e-4):
        return None
    centre_given = given @ np.append((np.asarray(shape) - 1) / 2, 1.0)
    centre_old = old @ np.append((np.asarray(volume.shape) - 1) / 2, 1.0)
    shift = float(np.linalg.norm(centre_given[:3] - centre_old[:3]))
    if np.allclose(given[:3, 3], old[:3, 3]):
        return (
            f"voxel (0, 0, 0) kept its world position, so the grid's centre moved by {shift:.2f} mm ({description}): "
            "resample_to_spacing keeps the centre, index (n - 1) / 2, in place."
        )
    centre_half = given @ np.append(np.asarray(shape) / 2, 1.0)
    if np.allclose(centre_half[:3], (old @ np.append(np.asarray(volume.shape) / 2, 1.0))[:3], atol=1e-4):
        return "the centre of indices 0 .. n - 1 is (n - 1) / 2, not n / 2."
    return f"the new grid's centre is {shift:.2f} mm from the old one ({description}): it must not move."


def check_exercise_2(out: Any, volume: Any) -> None:
    """Check an anisotropic ``random_zoom`` of ``volume`` (range 0.9 to 1.1, seed 3).

    Parameters
    ----------
    out : Volume
        The reader's zoomed volume.
    volume : Volume
        Its input (``mni2`` in the notebook).

    """
    require(out, "out", "tu.random_zoom takes scale_range=, isotropic= and rng= (section 7).")
    if not isinstance(out, Volume) or not out.history or out.history[-1].name != "zoom":
        return verdict([f"out must be the Volume returned by tu.random_zoom; got {describe(out)}."], "")
    factor = np.atleast_1d(np.asarray(out.history[-1].params["factor"], dtype=float))
    notes = [f"factors drawn: {np.round(factor, 3)}"]
    problems = []
    if factor.size != 3 or np.allclose(factor, factor[0]):
        problems.append("one factor for all axes: pass isotropic=False to draw one per axis.")
    if np.any(factor < 0.9 - 1e-9) or np.any(factor > 1.1 + 1e-9):
        problems.append("a factor lies outside 0.9 .. 1.1: scale_range=(0.9, 1.1).")
    again = replay(volume, out.history)
    same = np.array_equal(again.image, out.image) and np.array_equal(again.label, out.label)
    notes.append(f"replay gives the identical image and label: {same}")
    if not same:
        problems.append("replaying out.history on the input does not give out: was out made from this input?")
    invented = sorted(set(np.unique(out.label).tolist()) - set(np.unique(volume.label).tolist()))
    notes.append(f"label values invented: {invented or 'none'}")
    if invented:
        problems.append(f"the label gained values {invented}: labels must be resampled with nearest neighbour.")
    if not problems:
        reference = random_zoom(volume, scale_range=(0.9, 1.1), isotropic=False, rng=3)
        if not np.array_equal(reference.image, out.image):
            problems.append("a different draw from the one asked for: use rng=3.")
    return verdict(problems, "one recorded draw replays exactly, and nearest neighbour keeps the labels.", notes)


def block_average(array: np.ndarray, factor: int) -> np.ndarray:
    """Mean over ``factor``-wide blocks per axis: a simulated acquisition with larger voxels.

    Examples
    --------
    >>> block_average(np.arange(8.0).reshape(2, 2, 2), 2)
    array([[[3.5]]])
    """
    shape = tuple(n // factor for n in array.shape)
    trimmed = array[: shape[0] * factor, : shape[1] * factor, : shape[2] * factor]
    return trimmed.reshape(shape[0], factor, shape[1], factor, shape[2], factor).mean(axis=(1, 3, 5))


def check_exercise_3(down_plain: Any, down_antialiased: Any, slab: Any, factor: int = 3) -> None:
    """Check two downsamplings of ``slab`` by ``factor``, without and with anti-aliasing.

    Prints the RMS difference of each from the block average (a simulated
    acquisition with ``factor`` times larger voxels).

    Parameters
    ----------
    down_plain, down_antialiased : (I // factor, J // factor, K // factor) ndarray
        ``tu.resize(slab, shape, antialias=False)`` and ``antialias=True``.
    slab : (I, J, K) ndarray
        The 1 mm input, each size a multiple of ``factor``.
    factor : int
        The downsampling factor.

    """
    require(
        down_plain if down_plain is Ellipsis else down_antialiased,
        "down_plain" if down_plain is Ellipsis else "down_antialiased",
        "tu.resize(array, shape) has an antialias= option (section 4).",
    )
    slab = np.asarray(slab, dtype=np.float32)
    acquired = block_average(slab, factor)
    expected = {False: resize(slab, acquired.shape, antialias=False), True: resize(slab, acquired.shape)}
    given = {False: down_plain, True: down_antialiased}
    problems, notes = [], []
    for antialias, array in given.items():
        array = np.asarray(array, dtype=np.float32) if isinstance(array, np.ndarray) else None
        if array is None or array.shape != acquired.shape:
            problems.append(
                f"antialias={antialias}: expected an array of shape {acquired.shape}; got {describe(given[antialias])}."
            )
            continue
        rms = float(np.sqrt(np.mean((array - acquired) ** 2)))
        notes.append(f"antialias={antialias}: RMS difference from the {factor} mm block average {rms:.2f}")
        if np.allclose(array, expected[not antialias], atol=1e-3) and not np.allclose(
            array, expected[antialias], atol=1e-3
        ):
            problems.append(f"the array given for antialias={antialias} is the other one: swapped?")
        elif not np.allclose(array, expected[antialias], atol=1e-3):
            problems.append(
                f"antialias={antialias}: not tu.resize(slab, {acquired.shape}, antialias={antialias}) (order 1)."
            )
    return verdict(problems, "anti-aliasing brings the downsampled slab close to a real coarse acquisition.", notes)
