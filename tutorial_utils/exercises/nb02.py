"""Checks for the exercises of notebook 02 (resize, rescale, resample).

Each ``check_exercise_N`` prints what is right and what is not, ending with
"Correct:" when the answer is right; an unfilled answer (``...``) raises
``NotImplementedError`` with a hint.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import describe
from ..records import replay
from ..spatial import random_zoom, resize
from ..volume import Volume
from ._feedback import as_vector, require, verdict


def resampled_shape(shape: Any, spacing: Any, new_spacing: float) -> tuple[int, ...]:
    """``round(n * spacing / new_spacing)`` per axis, halves rounded up (as ``resample_to_spacing``).

    Examples
    --------
    >>> resampled_shape((288, 224, 64), (1.25, 1.25, 2.5), 1.5)
    (240, 187, 107)
    """
    return tuple(int(np.floor(n * s / new_spacing + 0.5)) for n, s in zip(shape, spacing))


def check_exercise_1(predicted_shape: Any, centre_shift_mm: Any, ct: Any, new_spacing: float = 1.5) -> None:
    """Check the predicted shape after resampling ``ct`` to ``new_spacing`` mm, and the centre's shift.

    Parameters
    ----------
    predicted_shape : (3,) sequence of int
        The shape the reader predicts.
    centre_shift_mm : float
        Distance in mm between the world positions of the old and the new
        grid's centres, ``affine @ ((shape - 1) / 2, 1)``.
    ct : Volume
        The volume that is resampled.
    new_spacing : float
        The isotropic voxel size asked for.

    """
    require(
        predicted_shape if predicted_shape is Ellipsis else centre_shift_mm,
        "predicted_shape" if predicted_shape is Ellipsis else "centre_shift_mm",
        "shape: round(n * spacing / 1.5) per axis; centre: the world position (affine @ [i, j, k, 1]) of index "
        "(n - 1) / 2 per axis, for both volumes; the shift is the length of their difference.",
    )
    expected = resampled_shape(ct.shape, ct.spacing, new_spacing)
    problems = []
    shape = as_vector(predicted_shape, 3)
    if shape is None:
        problems.append(f"predicted_shape must be three integers; got {describe(predicted_shape)}.")
    elif tuple(int(round(n)) for n in shape) != expected or not np.allclose(shape, np.round(shape)):
        truncated = tuple(int(n * s / new_spacing) for n, s in zip(ct.shape, ct.spacing))
        inverted = tuple(int(np.floor(n * new_spacing / s + 0.5)) for n, s in zip(ct.shape, ct.spacing))
        if tuple(int(round(n)) for n in shape) == truncated:
            problems.append("int() truncates 186.7 to 186: round to the nearest integer instead.")
        elif tuple(int(round(n)) for n in shape) == inverted:
            problems.append("larger voxels mean fewer of them: multiply by the old spacing and divide by the new one.")
        else:
            problems.append(f"predicted shape {tuple(shape.astype(int))} is off; the field of view n * spacing stays.")
    try:
        shift = float(centre_shift_mm)
    except (TypeError, ValueError):
        problems.append(f"centre_shift_mm must be a number (mm); got {describe(centre_shift_mm)}.")
    else:
        half_voxel = 0.5 * np.linalg.norm(np.full(3, new_spacing) - np.asarray(ct.spacing))
        if abs(shift) > 1e-3 and np.isclose(abs(shift), half_voxel, rtol=0.05):
            problems.append(
                f"{shift:.2f} mm is half a voxel per axis: the centre of indices 0 .. n - 1 is (n - 1) / 2, not n / 2."
            )
        elif abs(shift) > 1e-3:
            problems.append(f"{shift:.2f} mm: resample_to_spacing keeps the grid's centre in place (shift 0).")
    return verdict(
        problems,
        "the field of view n * spacing is kept (up to rounding) and the new grid is centred on the old one.",
    )


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
