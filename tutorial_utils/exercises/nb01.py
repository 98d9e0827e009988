"""Checks for the exercises of notebook 01 (looking at 3D medical images).

Each ``check_exercise_N`` takes the reader's answer and the sample it is
about and prints what is right and what is not, ending with "Correct:" when
the answer is right. An unfilled answer (``...``) raises ``NotImplementedError``
with a hint.
"""

from __future__ import annotations

from typing import Any

import nibabel as nib
import numpy as np

from .._checks import describe
from ..intensity import CT_WINDOWS, window_limits
from ._feedback import as_vector, require, verdict

#: The CT phantom's lung label (``tu.CT_PHANTOM_LABELS``).
LUNG = 3


def world_origin_voxel(affine: np.ndarray) -> tuple[int, int, int]:
    """The voxel ``(i, j, k)`` nearest to world ``(0, 0, 0)`` mm.

    Examples
    --------
    >>> affine = np.array([[2.0, 0, 0, -6], [0, 2, 0, -8], [0, 0, 2, -10], [0, 0, 0, 1]])
    >>> world_origin_voxel(affine)
    (3, 4, 5)
    """
    voxel = np.linalg.solve(np.asarray(affine, dtype=float), [0.0, 0.0, 0.0, 1.0])[:3]
    return tuple(int(v) for v in np.floor(voxel + 0.5))


def check_exercise_1(origin: Any, volume: Any) -> None:
    """Check the voxel of ``volume`` at world ``(0, 0, 0)`` mm.

    Parameters
    ----------
    origin : (3,) sequence of int
        The reader's voxel ``(i, j, k)``.
    volume : Volume
        The volume it refers to (``mni`` in the notebook).


    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> v = Volume(np.zeros((8, 8, 8), np.float32), np.array([[1, 0, 0, -3], [0, 1, 0, -4], [0, 0, 1, -5], [0, 0, 0, 1.0]]))
    >>> check_exercise_1((3, 4, 5), v)
    voxel (3, 4, 5) is at world [0. 0. 0.] mm
    Correct: inverting the affine maps world mm back to voxel indices.
    """
    require(
        origin,
        "origin",
        "the affine maps voxel -> world; its inverse (np.linalg.inv) maps world -> voxel; round the result.",
    )
    affine = np.asarray(volume.affine, dtype=float)
    expected = world_origin_voxel(affine)
    given = as_vector(origin, 3)
    if given is None:
        return verdict([f"origin must be three voxel indices (i, j, k); got {describe(origin)}."], "")
    world = (affine @ [*given, 1.0])[:3]
    notes = [f"voxel {tuple(int(round(v)) for v in given)} is at world {np.round(world, 1)} mm"]
    problems = []
    if np.allclose(given, affine[:3, 3]):
        problems.append(
            "these are the world coordinates of voxel (0, 0, 0) (the affine's last column), not a voxel index: "
            "the affine maps voxel -> world; to go world -> voxel, invert it."
        )
    elif np.allclose(given, (np.array(volume.shape) - 1) / 2, atol=0.5):
        problems.append(
            "that is the centre of the grid, (n - 1) / 2 per axis; the world origin need not be there. "
            "Map world (0, 0, 0) through np.linalg.inv(affine)."
        )
    elif not np.array_equal(np.floor(given + 0.5), expected):
        problems.append("that voxel is not at world (0, 0, 0). Hint: np.linalg.inv(affine) @ [0, 0, 0, 1], rounded.")
    return verdict(problems, "inverting the affine maps world mm back to voxel indices.", notes)


def screen_side_of_patient_left(affine: np.ndarray) -> str:
    """``"left"`` or ``"right"``: where the patient's left is in the axial panel of ``show_slices``.

    The axial panel draws array axis 0 from the left to the right of the
    screen, so the answer follows from the first orientation code.

    Examples
    --------
    >>> screen_side_of_patient_left(np.diag([-2.0, 2.0, 2.0, 1.0]))
    'right'
    """
    return "right" if nib.aff2axcodes(np.asarray(affine, dtype=float))[0] == "L" else "left"


def check_exercise_2(epi_answer: Any, mni_answer: Any, epi: Any, mni: Any) -> None:
    """Check where the patient's left is on the screen in the axial panels of ``epi`` and ``mni``.

    Parameters
    ----------
    epi_answer, mni_answer : {"left", "right"}
        The side of the screen the reader gives for each volume.
    epi, mni : Volume
        The two volumes.


    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> las = Volume(np.zeros((4, 4, 4), np.float32), np.diag([-2.0, 2.0, 2.0, 1.0]))
    >>> ras = Volume(np.zeros((4, 4, 4), np.float32), np.eye(4))
    >>> check_exercise_2("right", "left", las, ras)
    Correct: the first orientation code says which way axis 0 (left to right on the screen) points.
    """
    require(
        epi_answer if epi_answer is Ellipsis else mni_answer,
        "epi_left_on_screen" if epi_answer is Ellipsis else "mni_left_on_screen",
        'answer "left" or "right"; read nib.aff2axcodes(volume.affine)[0]: the axial panel draws axis 0 '
        "from the left of the screen to the right.",
    )
    problems = []
    for name, answer, volume in (("epi", epi_answer, epi), ("mni", mni_answer, mni)):
        codes = "".join(nib.aff2axcodes(np.asarray(volume.affine, dtype=float)))
        expected = screen_side_of_patient_left(volume.affine)
        if not isinstance(answer, str) or answer.strip().lower() not in ("left", "right"):
            problems.append(f'{name}: answer "left" or "right"; got {describe(answer)}.')
        elif answer.strip().lower() != expected:
            towards = "left" if codes[0] == "L" else "right"
            problems.append(
                f"{name} is {codes}: axis 0 grows towards the patient's {towards}, and the axial panel draws "
                f"axis 0 from the left of the screen to the right, so the patient's left is on the {expected}."
            )
    return verdict(problems, "the first orientation code says which way axis 0 (left to right on the screen) points.")


def lung_fraction_in_window(volume: Any, preset: str) -> float:
    """Fraction of the lung voxels (label 3) whose HU lies inside the window ``preset`` of ``CT_WINDOWS``."""
    low, high = window_limits(*CT_WINDOWS[preset])
    lung = np.asarray(volume.image)[np.asarray(volume.label) == LUNG]
    return float(np.mean((lung >= low) & (lung <= high)))


def check_exercise_3(in_lung_window: Any, in_abdomen_window: Any, ct: Any) -> None:
    """Check the fractions of the phantom's lung voxels inside the lung and abdomen windows.

    Parameters
    ----------
    in_lung_window, in_abdomen_window : float
        Fractions between 0 and 1.
    ct : Volume
        The CT phantom with its label map (lung is label 3).

    """
    require(
        in_lung_window if in_lung_window is Ellipsis else in_abdomen_window,
        "in_lung_window" if in_lung_window is Ellipsis else "in_abdomen_window",
        "select the lung voxels with ct.label == 3; tu.window_limits(*tu.CT_WINDOWS[name]) gives a window's "
        "HU range; the mean of a boolean array is a fraction.",
    )
    expected = {"lung": lung_fraction_in_window(ct, "lung"), "abdomen": lung_fraction_in_window(ct, "abdomen")}
    given = {"lung": in_lung_window, "abdomen": in_abdomen_window}
    problems = []
    for preset, value in given.items():
        try:
            value = float(value)
        except (TypeError, ValueError):
            problems.append(f"the {preset} fraction must be a number between 0 and 1; got {describe(value)}.")
            continue
        if 1 < value <= 100 and abs(value / 100 - expected[preset]) <= 0.01:
            problems.append(f"the {preset} fraction looks like a percentage ({value:g}); give a fraction (0 to 1).")
        elif abs(value - expected[preset]) > 0.01:
            low, high = window_limits(*CT_WINDOWS[preset])
            hint = "count only the lung voxels (ct.label == 3), not the whole image"
            problems.append(
                f"{value:.2f} of the lung voxels inside the {preset} window ({low:g} to {high:g} HU) is off; {hint}."
            )
    return verdict(
        problems,
        "only the lung window spans the lung's grey levels; the abdomen window turns (almost) all of it black.",
        [f"{preset} window: {expected[preset]:.0%} of the lung voxels inside" for preset in expected],
    )
