"""Checks for the exercises of notebook 01 (looking at 3D medical images).

Each exercise asks for a small function, and its check calls that function
on the notebook's volumes and on inputs the reader has not seen (affines,
windows drawn from a fixed seed inside the check), so an answer cannot be
typed in from a figure. A check prints "Correct:" or "Not yet:" with one
line per problem, never the expected value; an unfilled answer (``...``)
raises ``NotImplementedError`` with a hint.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import nibabel as nib
import numpy as np

from .._checks import describe
from ..intensity import CT_WINDOWS, window_limits
from ._feedback import require, verdict
from ._inputs import call_answer, make_affine, random_rotation

#: The CT phantom's lung label (``tu.CT_PHANTOM_LABELS``).
LUNG = 3
#: Seed of the inputs the checks make up (fixed, so a verdict never changes between runs).
_CHECK_SEED = 20240101


def _codes(affine: np.ndarray) -> str:
    return "".join(nib.aff2axcodes(affine))


def voxel_cases(mni_affine: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """``(description, affine, point_mm, exact voxel coordinates)`` on which exercise 1 tries the reader's function.

    The first is the world origin of ``mni``; the others are made up from a
    fixed seed: axis-aligned and oblique affines, anisotropic voxels, both
    signs, points a fraction of a voxel off a voxel centre (never near a half,
    so the nearest voxel is unambiguous).

    Examples
    --------
    >>> cases = voxel_cases(np.eye(4))
    >>> [c[0] for c in cases[:2]]
    ['mni.affine, point (0, 0, 0) mm', 'an axis-aligned affine with 2.06 x 0.93 x 1.23 mm voxels']
    """
    mni_affine = np.asarray(mni_affine, dtype=float)
    cases = [("mni.affine, point (0, 0, 0) mm", mni_affine, np.zeros(3), np.linalg.solve(mni_affine, [0, 0, 0, 1])[:3])]
    rng = np.random.default_rng(_CHECK_SEED)
    for n in range(6):
        oblique = n >= 2
        spacing = rng.uniform(0.7, 3.0, 3)
        signs = rng.choice([-1.0, 1.0], 3)
        rotation = random_rotation(rng, 25.0) if oblique else np.eye(3)
        linear = rotation @ np.diag(signs * spacing)
        origin = rng.uniform(-150.0, 150.0, 3)
        voxel = rng.integers(5, 200, 3) + rng.choice([-1.0, 1.0], 3) * rng.uniform(0.1, 0.4, 3)
        kind = "an oblique" if oblique else "an axis-aligned"
        sizes = " x ".join(f"{s:.2f}" for s in spacing)
        cases.append(
            (f"{kind} affine with {sizes} mm voxels", make_affine(linear, origin), linear @ voxel + origin, voxel)
        )
    return cases


def _as_int_triple(result: Any) -> tuple[tuple[int, int, int] | None, str | None]:
    """``result`` as three Python ints, or ``(None, what is wrong)``."""
    try:
        values = list(result)
    except TypeError:
        return None, f"voxel_at must return three voxel indices (i, j, k); it returned {describe(result)}."
    if len(values) == 4:
        return None, "voxel_at returned four values: drop the homogeneous 1 (keep [:3])."
    if len(values) != 3:
        return None, f"voxel_at must return three voxel indices (i, j, k); it returned {describe(result)}."
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        return None, (
            f"voxel indices are whole numbers, but voxel_at returned {describe(result)}: round to the nearest "
            "voxel and convert each index with int(...)."
        )
    return tuple(int(v) for v in values), None


def check_exercise_1(voxel_at: Any, mni: Any) -> None:
    """Check ``voxel_at(affine, point_mm)``: the voxel whose centre is nearest to a world point.

    The function is called on ``mni.affine`` with the world origin and on six
    affines it has not seen (axis-aligned and oblique, anisotropic).

    Parameters
    ----------
    voxel_at : callable
        The reader's function ``voxel_at(affine, point_mm) -> (i, j, k)``,
        three ints.
    mni : Volume
        The MNI template (its affine is the first case).

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> v = Volume(np.zeros((8, 8, 8), np.float32), np.array([[1, 0, 0, -3], [0, 1, 0, -4], [0, 0, 1, -5], [0, 0, 0, 1.0]]))
    >>> def voxel_at(affine, point_mm):
    ...     return tuple(int(round(c)) for c in (np.linalg.inv(affine) @ [*point_mm, 1])[:3])
    >>> check_exercise_1(voxel_at, v)
    voxel_at(mni.affine, (0, 0, 0)) = (3, 4, 5): that voxel's centre is at [0. 0. 0.] mm
    Correct: the inverse of the affine maps world mm back to voxel indices; rounding picks the nearest voxel.
    """
    require(voxel_at, "voxel_at", "def voxel_at(affine, point_mm): ... (a function of the affine and the point).")
    if not callable(voxel_at):
        return verdict([f"voxel_at must be a function voxel_at(affine, point_mm); got {describe(voxel_at)}."], "")
    notes: list[str] = []
    wrong: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, tuple[int, int, int]]] = []
    for description, affine, point, exact in voxel_cases(mni.affine):
        result, raised = call_answer(voxel_at, affine.copy(), tuple(float(c) for c in point))
        require(
            result,
            "voxel",
            "the affine maps voxel -> world; which matrix goes the other way? A 4 x 4 matrix takes a point "
            "as (x, y, z, 1).",
        )
        if raised is not None:
            return verdict([f"voxel_at raised {raised} (for {description})."], "", notes)
        voxel, problem = _as_int_triple(result)
        if problem is not None:
            return verdict([problem], "", notes)
        if description.startswith("mni"):
            world = (affine @ [*voxel, 1.0])[:3]
            notes.append(
                f"voxel_at(mni.affine, (0, 0, 0)) = {voxel}: that voxel's centre is at {np.round(world, 1)} mm"
            )
        if voxel != tuple(int(v) for v in np.floor(exact + 0.5)):
            wrong.append((description, affine, point, exact, voxel))
    if not wrong:
        return verdict(
            [],
            "the inverse of the affine maps world mm back to voxel indices; rounding picks the nearest voxel.",
            notes,
        )
    return verdict([_diagnose_voxel(wrong)], "", notes)


def _diagnose_voxel(wrong: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, tuple[int, int, int]]]) -> str:
    """One sentence on what the reader's ``voxel_at`` does instead, from the cases it got wrong."""

    def all_match(candidate: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> bool:
        return all(np.array_equal(voxel, candidate(a, p, e)) for _, a, p, e, voxel in wrong)

    if all_match(lambda a, p, e: np.floor((a @ [*p, 1.0])[:3] + 0.5)):
        return (
            "voxel_at applies the affine itself to the point; the affine maps voxel -> world, "
            "so world -> voxel needs its inverse (np.linalg.inv)."
        )
    if all_match(lambda a, p, e: np.trunc(e)) or all_match(lambda a, p, e: np.floor(e)):
        return (
            "the voxel coordinates are right but int() (or astype(int)) cuts off the fraction, so 72.7 becomes 72: "
            "round to the nearest voxel first (round(c) or np.rint), then convert to int."
        )
    diagonal_only = all_match(lambda a, p, e: np.floor((p - a[:3, 3]) / np.diag(a)[:3] + 0.5))
    if diagonal_only or all(d.startswith("an oblique") for d, *_ in wrong):
        return (
            "right for axis-aligned affines, wrong for oblique ones: dividing by the diagonal ignores the "
            "off-diagonal terms of the affine. Invert the whole matrix (np.linalg.inv(affine))."
        )
    description, affine, point, _, voxel = wrong[0]
    miss = np.linalg.norm((affine @ [*voxel, 1.0])[:3] - point)
    return (
        f"for {description}, the centre of the voxel returned lies {miss:.1f} mm from the point: map the point "
        "(x, y, z, 1) through np.linalg.inv(affine) and round."
    )


def screen_side_of_patient_left(affine: np.ndarray) -> str:
    """``"left"`` or ``"right"``: where the patient's left is when array axis 0 is drawn from the screen's left to right.

    That is how ``imshow(volume[:, :, k].T, origin="lower")`` draws an axial
    slice (and ``tu.show_slices`` a volume as stored), so the answer follows
    from the first orientation code.

    Examples
    --------
    >>> screen_side_of_patient_left(np.diag([-2.0, 2.0, 2.0, 1.0]))
    'right'
    """
    return "right" if nib.aff2axcodes(np.asarray(affine, dtype=float))[0] == "L" else "left"


def side_cases(epi_affine: np.ndarray, mni_affine: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """``(name, affine)`` pairs on which exercise 2 tries the reader's function.

    ``epi`` and ``mni``, then eight made-up affines whose axis 0 points
    left or right, with the other two axes in any order and sign, some
    oblique.

    Examples
    --------
    >>> [name for name, _ in side_cases(np.eye(4), np.eye(4))][:3]
    ['epi (RAS)', 'mni (RAS)', 'an affine with codes LIP']
    """
    epi_affine, mni_affine = np.asarray(epi_affine, dtype=float), np.asarray(mni_affine, dtype=float)
    cases = [(f"epi ({_codes(epi_affine)})", epi_affine), (f"mni ({_codes(mni_affine)})", mni_affine)]
    rng = np.random.default_rng(_CHECK_SEED + 2)
    for n in range(8):
        columns = np.zeros((3, 3))
        columns[0, 0] = 1.0 if n % 2 else -1.0  # axis 0 along x: towards the patient's right or left
        rows = [1, 2] if rng.random() < 0.5 else [2, 1]  # axes 1 and 2 along y and z, in either order
        columns[rows[0], 1], columns[rows[1], 2] = rng.choice([-1.0, 1.0], 2)
        rotation = random_rotation(rng, 20.0) if n >= 4 else np.eye(3)
        linear = rotation @ columns @ np.diag(rng.uniform(0.5, 3.0, 3))
        affine = make_affine(linear, rng.uniform(-100.0, 100.0, 3))
        cases.append((f"an affine with codes {_codes(affine)}", affine))
    return cases


def check_exercise_2(left_on_screen: Any, epi: Any, mni: Any) -> None:
    """Check ``left_on_screen(affine)``: on which side of the screen the patient's left is in an axial slice.

    The slice is drawn as ``imshow(volume[:, :, k].T, origin="lower")``:
    array axis 0 from the left of the screen to the right. The function is
    called on ``epi``, ``mni`` and eight affines it has not seen.

    Parameters
    ----------
    left_on_screen : callable
        The reader's function ``left_on_screen(affine) -> "left" | "right"``.
    epi, mni : Volume
        The notebook's two MRI volumes (LAS and RAS).

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> las = Volume(np.zeros((4, 4, 4), np.float32), np.diag([-2.0, 2.0, 2.0, 1.0]))
    >>> ras = Volume(np.zeros((4, 4, 4), np.float32), np.eye(4))
    >>> check_exercise_2(lambda affine: "right" if nib.aff2axcodes(affine)[0] == "L" else "left", las, ras)
    Correct: the first orientation code says where axis 0, drawn from the screen's left to its right, points.
    """
    require(
        left_on_screen,
        "left_on_screen",
        'def left_on_screen(affine): ... returning "left" or "right" (a function of the affine).',
    )
    if not callable(left_on_screen):
        return verdict(
            [f"left_on_screen must be a function left_on_screen(affine); got {describe(left_on_screen)}."], ""
        )
    answers, expected, names = [], [], []
    for name, affine in side_cases(epi.affine, mni.affine):
        answer, raised = call_answer(left_on_screen, affine.copy())
        require(
            answer,
            "side",
            "nib.aff2axcodes(affine)[0] says which way array axis 0 points; axis 0 runs from the left of the "
            "screen to the right.",
        )
        if raised is not None:
            return verdict([f"left_on_screen raised {raised} (for {name})."], "")
        if not isinstance(answer, str) or answer.strip().lower() not in ("left", "right"):
            return verdict(
                [f'left_on_screen must return "left" or "right"; for {name} it returned {describe(answer)}.'], ""
            )
        answers.append(answer.strip().lower())
        expected.append(screen_side_of_patient_left(affine))
        names.append(name)
    wrong = [n for n, a, e in zip(names, answers, expected) if a != e]
    if not wrong:
        return verdict(
            [], "the first orientation code says where axis 0, drawn from the screen's left to its right, points."
        )
    if len(set(answers)) == 1:
        problem = (
            f'left_on_screen answers "{answers[0]}" for every affine, but the side depends on the affine: on '
            "whether array axis 0 grows towards the patient's Left or Right (the first orientation code)."
        )
    elif len(wrong) == len(names):
        problem = (
            "every answer is reversed: if axis 0 grows towards the patient's Left (code L), the patient's left "
            "ends up where axis 0 ends, on the right of the screen."
        )
    else:
        problem = (
            f"wrong for {len(wrong)} of {len(names)} affines, e.g. {wrong[0]}: read the first orientation code "
            "(axis 0, which the axial slice draws from left to right), and only that one."
        )
    return verdict([problem], "")


def fraction_in_window(volume: Any, label_value: int, level: float, width: float) -> float:
    """Fraction of the voxels labelled ``label_value`` whose HU lies inside the window ``level`` ± ``width / 2``.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> v = Volume(np.array([-900.0, -500, 40, 60]).reshape(4, 1, 1), np.eye(4), np.array([3, 3, 3, 2]).reshape(4, 1, 1))
    >>> fraction_in_window(v, 3, 40, 400)  # the abdomen window, -160 to 240 HU: one of the three
    0.3333333333333333
    """
    low, high = window_limits(level, width)
    values = np.asarray(volume.image)[np.asarray(volume.label) == label_value]
    return float(np.mean((values >= low) & (values <= high)))


def window_cases(ct: Any) -> list[tuple[str, int, float, float]]:
    """``(description, label, level, width)`` on which exercise 3 tries the reader's function.

    The lung in the lung and abdomen presets, then six windows made up from a
    fixed seed around the HU of a label, so the fraction is neither 0 nor 1.
    """
    cases = [
        (f'the lung (label {LUNG}) in the "{preset}" window', LUNG, *map(float, CT_WINDOWS[preset]))
        for preset in ("lung", "abdomen")
    ]
    rng = np.random.default_rng(_CHECK_SEED + 3)
    image, label = np.asarray(ct.image), np.asarray(ct.label)
    for value in (1, 2, 4, 5, 6, LUNG):
        hu = image[label == value]
        if hu.size == 0:
            continue
        level = float(np.round(hu.mean() + rng.uniform(-1.5, 1.5) * hu.std()))
        width = float(np.round(rng.uniform(1.0, 4.0) * hu.std()))
        cases.append((f"label {value} in a window of level {level:g} and width {width:g} HU", value, level, width))
    return cases


def check_exercise_3(fraction: Any, ct: Any) -> None:
    """Check ``fraction(volume, label_value, level, width)`` on the lung presets and on windows it has not seen.

    Parameters
    ----------
    fraction : callable
        The reader's function: the fraction (0 to 1) of the voxels with label
        ``label_value`` whose HU lies inside the window ``level`` ± ``width / 2``.
    ct : Volume
        The CT phantom with its label map (lung is label 3).
    """
    require(fraction, "fraction_in_window", "def fraction_in_window(volume, label_value, level, width): ...")
    if not callable(fraction):
        return verdict([f"fraction_in_window must be a function; got {describe(fraction)}."], "")
    image, label = np.asarray(ct.image), np.asarray(ct.label)
    for description, value, level, width in window_cases(ct):
        result, raised = call_answer(fraction, ct, value, level, width)
        require(
            result,
            "inside",
            "tu.window_limits(level, width) gives the window's HU range; count only the voxels that carry the "
            "label, and remember that the mean of a boolean array is a fraction.",
        )
        if raised is not None:
            return verdict([f"fraction_in_window raised {raised} (for {description})."], "")
        problem = _diagnose_fraction(result, image, label, value, level, width, description)
        if problem is not None:
            return verdict([problem], "")
    return verdict(
        [],
        "a window shows level ± width / 2; only the lung window spans the lung's grey levels, the abdomen window "
        "turns almost all of it black.",
    )


def _diagnose_fraction(
    result: Any, image: np.ndarray, label: np.ndarray, value: int, level: float, width: float, description: str
) -> str | None:
    """What is wrong with ``result`` for one window, or ``None`` when it is right."""
    if isinstance(result, np.ndarray) and result.size > 1:
        return (
            f"fraction_in_window returned {describe(result)}: return one number, the fraction (the mean of the "
            "boolean array)."
        )
    try:
        given = float(result)
    except (TypeError, ValueError):
        return f"fraction_in_window must return a number between 0 and 1; it returned {describe(result)}."
    selected = image[label == value]
    low, high = level - width / 2, level + width / 2
    inside = (selected >= low) & (selected <= high)
    expected = float(np.mean(inside))
    if abs(given - expected) <= 2e-3:
        return None
    if abs(given - 100 * expected) <= 0.2 and given > 1:
        return f"{given:g} looks like a percentage; return a fraction between 0 and 1 (for {description})."
    if abs(given - np.count_nonzero(inside)) <= 1 and given > 1:
        return (
            f"{given:g} is a number of voxels; return a fraction: divide by the number of voxels with that label "
            "(or take the mean of the boolean array)."
        )
    whole = float(np.mean((image >= low) & (image <= high)))
    if abs(given - whole) <= 2e-3:
        return f"that is the fraction of the whole image; count only the voxels with that label (for {description})."
    too_wide = float(np.mean((selected >= level - width) & (selected <= level + width)))
    if abs(given - too_wide) <= 2e-3:
        return (
            "the window is too wide: the width is the whole range, so it spans level - width / 2 to level + width / 2."
        )
    return f"{given:.3f} is off for {description}: the window spans level - width / 2 to level + width / 2."
