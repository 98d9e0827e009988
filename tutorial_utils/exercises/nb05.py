"""Checks for the exercises of notebook 05 (intensity: CT windows, MRI normalization, augmentation).

Each ``check_exercise_N`` takes the reader's answer and the data it is about
and prints what is right and what is not, ending with "Correct:" when the
answer is right. An unfilled answer (``...``) raises ``NotImplementedError``
with a hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import describe
from ..intensity import CT_WINDOWS, normalize_volume, window
from ._feedback import require, verdict

#: Labels of the CT phantom (``tu.CT_PHANTOM_LABELS``) the exercises compare.
MUSCLE, LIVER = 2, 4
#: Contrast (fraction of the grey range) the exercise calls visible.
VISIBLE = 0.1


def liver_muscle_contrast(ct: Any, level: float, width: float) -> float:
    """Median windowed value of liver minus that of muscle in the CT phantom.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> ct = tu.make_ct_phantom(shape=(48, 40, 16))
    >>> round(liver_muscle_contrast(ct, *tu.CT_WINDOWS["stroke"]), 2)
    0.5
    """
    windowed = window(ct.image, level, width)
    return float(np.median(windowed[ct.label == LIVER]) - np.median(windowed[ct.label == MUSCLE]))


def check_exercise_1(contrasts: Any, separating: Any, ct: Any) -> None:
    """Check the liver-muscle contrast of every preset and the presets that separate them.

    Parameters
    ----------
    contrasts : dict of str to float
        Preset name -> median windowed liver minus median windowed muscle.
    separating : sequence of str
        The presets whose contrast is larger than 0.1.
    ct : Volume
        The CT phantom (``tu.load_sample("ct")``).

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> ct = tu.make_ct_phantom(shape=(48, 40, 16))
    >>> right = {name: liver_muscle_contrast(ct, *lw) for name, lw in tu.CT_WINDOWS.items()}
    >>> check_exercise_1(right, ["brain", "stroke", "liver"], ct)  # doctest: +ELLIPSIS
    brain ...
    ...
    Correct: only the narrow windows ['brain', 'liver', 'stroke'] ...
    """
    require(
        contrasts,
        "contrasts",
        "for each preset, windowed = tu.window(ct.image, level, width); then "
        "np.median(windowed[ct.label == 4]) - np.median(windowed[ct.label == 2]).",
    )
    require(separating, "separating", "the names of the presets whose contrast is above 0.1, e.g. ['brain', ...].")
    if not isinstance(contrasts, Mapping):
        return verdict([f"contrasts must be a dict of preset name -> number; got {describe(contrasts)}."], "")
    expected = {name: liver_muscle_contrast(ct, level, width) for name, (level, width) in CT_WINDOWS.items()}
    problems, notes = [], []
    missing = sorted(set(expected) - set(contrasts))
    if missing:
        problems.append(f"contrasts has no value for {missing}: compute one per preset of tu.CT_WINDOWS.")
    for name, value in expected.items():
        given = contrasts.get(name)
        if given is None:
            continue
        try:
            given = float(given)
        except (TypeError, ValueError):
            problems.append(f"contrasts[{name!r}] must be a number; got {describe(given)}.")
            continue
        ok = abs(given - value) < 5e-3
        notes.append(f"{name:12s} {given:6.3f}" + ("" if ok else f"   (expected {value:.3f})"))
        if not ok:
            if abs(given + value) < 5e-3 and value != 0:
                problems.append(f"{name}: the sign is flipped; subtract muscle (label 2) from liver (label 4).")
            elif abs(given - 20.0) < 1 or abs(given) > 1.0:
                problems.append(f"{name}: that is in HU; window the image first (tu.window maps to [0, 1]).")
            else:
                problems.append(f"{name}: expected {value:.3f}; take the medians inside label 4 and label 2.")
    right = sorted(name for name, value in expected.items() if value > VISIBLE)
    try:
        given_names = sorted(str(name) for name in separating)
    except TypeError:
        given_names = None
    if given_names is None or isinstance(separating, str):
        problems.append(f"separating must be a list of preset names; got {describe(separating)}.")
    elif given_names != right:
        problems.append(
            f"separating should hold the presets with a contrast above {VISIBLE}: check {sorted(set(given_names) ^ set(right))}."
        )
    return verdict(
        problems,
        f"only the narrow windows {right} show the 20 HU between liver and muscle as more than a tenth of the grey "
        "range; in the 1500 HU lung window it is about 1 %. The price of a narrow window is noise: the phantom's "
        "10 HU of noise is a quarter of the 40 HU stroke window.",
        notes,
    )


def check_exercise_2(n_differ: Any, stats: Any, mni: Any) -> None:
    """Check the voxels in exactly one of two masks and the statistics inside each.

    Parameters
    ----------
    n_differ : int
        Number of voxels in ``mni.image != 0`` or ``mni.label > 0`` but not in both.
    stats : dict
        ``{"nonzero": (mean, std), "label > 0": (mean, std)}`` of ``mni.image`` inside each mask.
    mni : Volume
        The MNI template (``tu.load_sample("mni")``).

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> image = np.zeros((4, 4, 4), np.float32); image[1:3, 1:3, 1:3] = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    >>> v = Volume(image, np.eye(4), (image > 2).astype(np.uint8))
    >>> check_exercise_2(2, {"nonzero": (4.5, 2.291), "label > 0": (5.5, 1.708)}, v)  # doctest: +ELLIPSIS
    voxels in exactly one mask: 2 (...)
    Correct: ...
    """
    require(n_differ, "n_differ", "np.count_nonzero((mni.image != 0) ^ (mni.label > 0)): ^ is exclusive or.")
    require(
        stats,
        "stats",
        'for each mask, values = mni.image[mask]; stats = {"nonzero": (values.mean(), values.std()), ...}.',
    )
    nonzero, labelled = np.asarray(mni.image) != 0, np.asarray(mni.label) > 0
    expected_n = int(np.count_nonzero(nonzero ^ labelled))
    expected = {
        name: (float(mni.image[mask].mean()), float(mni.image[mask].std()))
        for name, mask in {"nonzero": nonzero, "label > 0": labelled}.items()
    }
    problems = []
    notes = [f"voxels in exactly one mask: {expected_n} ({expected_n / nonzero.sum():.1%} of the non-zero voxels)"]
    try:
        given_n = int(n_differ)
    except (TypeError, ValueError):
        given_n = None
    if given_n != expected_n:
        if given_n == int(np.count_nonzero(nonzero & labelled)):
            problems.append("that counts the voxels in both masks (&); count those in exactly one (^).")
        else:
            problems.append(f"n_differ should be {expected_n}: count the voxels where the two masks disagree (^).")
    if not isinstance(stats, Mapping) or set(stats) != set(expected):
        problems.append(f'stats must be a dict with the keys "nonzero" and "label > 0"; got {describe(stats)}.')
    else:
        for name, (mean, std) in expected.items():
            try:
                given_mean, given_std = (float(v) for v in stats[name])
            except (TypeError, ValueError):
                problems.append(f"stats[{name!r}] must be a pair (mean, std); got {describe(stats[name])}.")
                continue
            if not (np.isclose(given_mean, mean, rtol=1e-3) and np.isclose(given_std, std, rtol=1e-3)):
                problems.append(
                    f"stats[{name!r}] should be ({mean:.2f}, {std:.2f}): the mean and std of mni.image[mask]."
                )
    means = [m for m, _ in expected.values()]
    return verdict(
        problems,
        f"the masks differ by a thin shell at the edge of the head, and the mean moves by "
        f"{abs(means[0] - means[1]) / means[0]:.2%}: which mask matters far less than having one "
        "(without a mask the tissue mean in z-scores is 1.8, not 0).",
        notes,
    )


def half_means_reference(volume: Any, brain: np.ndarray) -> tuple[float, float]:
    """z-score ``volume`` (``normalize_volume`` defaults), then the mean inside ``brain`` of each half along axis 0.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> image = np.ones((4, 2, 2), np.float32); image[2:] = 3
    >>> half_means_reference(Volume(image, np.eye(4)), image > 0)
    (-1.0, 1.0)
    """
    z = normalize_volume(volume).image
    half = volume.shape[0] // 2
    return float(z[:half][brain[:half]].mean()), float(z[half:][brain[half:]].mean())


def check_exercise_3(half_means: Any, raw: Any, biased: Any, brain: np.ndarray) -> None:
    """Check ``half_means(volume)`` on the clipped MRI and on the same MRI with a bias field.

    Parameters
    ----------
    half_means : callable
        ``half_means(volume) -> (left_mean, right_mean)``: z-score the volume
        with ``tu.normalize_volume``, then average each half (axis 0) inside ``brain``.
    raw, biased : Volume
        The MRI without and with ``tu.random_bias_field``.
    brain : (I, J, K) bool array
        The brain mask the means are taken in.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> image = np.ones((4, 2, 2), np.float32); image[2:] = 3
    >>> flat = Volume(np.arange(1, 17, dtype=np.float32).reshape(4, 2, 2), np.eye(4))
    >>> check_exercise_3(lambda v: half_means_reference(v, image > 0), flat, Volume(image, np.eye(4)), image > 0)
    ... # doctest: +ELLIPSIS
    no field  : halves -0.87, 0.87
    with field: halves -1.00, 1.00
    Correct: ...
    """
    require(
        half_means,
        "half_means",
        "def half_means(volume): z = tu.normalize_volume(volume).image; half = volume.shape[0] // 2; "
        "return z[:half][brain[:half]].mean(), z[half:][brain[half:]].mean()",
    )
    if not callable(half_means):
        return verdict([f"half_means must be a function of a Volume; got {describe(half_means)}."], "")
    problems, notes = [], []
    for name, volume in (("no field  ", raw), ("with field", biased)):
        expected = half_means_reference(volume, brain)
        try:
            given = tuple(float(v) for v in half_means(volume))
        except NotImplementedError:
            raise
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            problems.append(f"half_means({name.strip()}) raised {type(error).__name__}: {error}")
            continue
        notes.append(f"{name}: halves {given[0]:.2f}, {given[1]:.2f}" if len(given) == 2 else f"{name}: {given}")
        if len(given) != 2 or not np.allclose(given, expected, atol=2e-3):
            problems.append(
                f"{name.strip()}: expected halves {expected[0]:.3f}, {expected[1]:.3f}: z-score the whole volume "
                "first (tu.normalize_volume), then average each half inside brain."
            )
    return verdict(
        problems,
        "no: a z-score is one shift and one scale for the whole volume, while a bias field changes the gain from "
        "place to place, so the halves still differ after z-scoring. That is why the field is an augmentation "
        "(the network learns to ignore it) or is corrected beforehand (N4 bias-field correction in ANTs or "
        "SimpleITK).",
        notes,
    )
