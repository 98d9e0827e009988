"""Checks for the exercises of notebook 05 (intensity: CT windows, MRI normalization, bias field).

Each ``check_exercise_N`` takes the reader's answer and the data it is about,
prints notes about the reader's own values, then ``Correct:`` or ``Not yet:``
with one line per problem (:func:`~._feedback.verdict`), and returns None. It
never prints the expected value. An unfilled answer (``...``) raises
``NotImplementedError`` with a hint.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._checks import describe
from ..intensity import CT_WINDOWS, normalize_volume, random_bias_field, window
from ._feedback import is_unfilled, require, verdict

#: Labels of the CT phantom (``tu.CT_PHANTOM_LABELS``) the exercises compare.
MUSCLE, LIVER = 2, 4
#: Contrast (fraction of the grey range) the exercise calls visible.
VISIBLE = 0.1
#: Tolerance on a windowed contrast (the grey range is [0, 1]).
CONTRAST_TOLERANCE = 5e-3
#: The bias field the notebook shows (``strength=0.5, rng=3``) and one the reader has not seen.
SHOWN_FIELD_SEED, UNSEEN_FIELD_SEED = 3, 20_05


def liver_muscle_contrast(ct: Any, level: float, width: float, statistic: Callable = np.median) -> float:
    """``statistic`` of the windowed liver minus that of the windowed muscle in the CT phantom.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> ct = tu.make_ct_phantom(shape=(48, 40, 16))
    >>> round(liver_muscle_contrast(ct, *tu.CT_WINDOWS["stroke"]), 2)
    0.5
    """
    windowed = window(ct.image, level, width)
    return float(statistic(windowed[ct.label == LIVER]) - statistic(windowed[ct.label == MUSCLE]))


def _contrast_problem(name: str, given: float, ct: Any, level: float, width: float) -> str | None:
    """What is wrong with the reader's contrast of one preset, in the reader's terms (None when right)."""
    value = liver_muscle_contrast(ct, level, width)
    if abs(given - value) < CONTRAST_TOLERANCE:
        return None
    if abs(given + value) < CONTRAST_TOLERANCE and abs(value) >= CONTRAST_TOLERANCE:
        return f"{name}: the sign is flipped; subtract muscle (label 2) from liver (label 4)."
    if abs(given) > 1.0:
        return f"{name}: {given:.3g} is in HU, not a windowed value; tu.window maps every preset to [0, 1]."
    mean_based = liver_muscle_contrast(ct, level, width, np.mean)
    if abs(given - mean_based) < CONTRAST_TOLERANCE / 10 and abs(mean_based - value) >= CONTRAST_TOLERANCE:
        return f"{name}: that is a difference of means; the exercise asks for medians (np.median)."
    return (
        f"{name}: {given:.3f} is not the median windowed liver (label 4) minus the median windowed muscle "
        "(label 2) for this preset's level and width."
    )


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
    your contrasts: brain ..., subdural ...
    Correct: only the narrow windows ...
    """
    require(
        contrasts,
        "contrasts",
        "tu.window(image, level, width) maps one preset to [0, 1]; in that windowed image compare the median of "
        "the liver with that of the muscle (their label values are in tu.CT_PHANTOM_LABELS).",
    )
    require(separating, "separating", "keep the names of the presets whose contrast is above 0.1, as a list.")
    if not isinstance(contrasts, Mapping):
        return verdict([f"contrasts must be a dict of preset name -> number; got {describe(contrasts)}."], "")
    problems: list[str] = []
    missing = [name for name in CT_WINDOWS if name not in contrasts]
    if missing:
        problems.append(f"contrasts has no value for {missing}: compute one for every preset of tu.CT_WINDOWS.")
    given: dict[str, float] = {}
    for name, (level, width) in CT_WINDOWS.items():
        if name not in contrasts:
            continue
        value = contrasts[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            problems.append(f"contrasts[{name!r}] must be a number; got {describe(value)}.")
            continue
        given[name] = float(value)
        problem = _contrast_problem(name, given[name], ct, level, width)
        if problem:
            problems.append(problem)
    notes = ["your contrasts: " + ", ".join(f"{name} {value:.3f}" for name, value in given.items())]
    if isinstance(separating, (str, bytes)) or not isinstance(separating, (list, tuple, set)):
        problems.append(f"separating must be a list of preset names; got {describe(separating)}.")
    else:
        names = {str(name) for name in separating}
        unknown = sorted(names - set(CT_WINDOWS))
        right = {
            name for name, (level, width) in CT_WINDOWS.items() if liver_muscle_contrast(ct, level, width) > VISIBLE
        }
        if unknown:
            problems.append(f"separating holds names that are not presets of tu.CT_WINDOWS: {unknown}.")
        if names - right - set(unknown):
            problems.append(f"separating holds a preset whose contrast is {VISIBLE} or less.")
        if right - names:
            problems.append(f"separating misses a preset whose contrast is above {VISIBLE}.")
    narrow = sorted(
        name for name, (level, width) in CT_WINDOWS.items() if liver_muscle_contrast(ct, level, width) > VISIBLE
    )
    return verdict(
        problems,
        f"only the narrow windows {narrow} show the 20 HU between liver and muscle as more than a tenth of the grey "
        "range; in the 1500 HU lung window it is about 1 %. The price of a narrow window is noise: the phantom's "
        "10 HU of noise is a quarter of the 40 HU stroke window.",
        notes,
    )


def _mask_stats(image: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    values = image[mask]
    return float(values.mean()), float(values.std())


def _stats_problem(key: str, pair: Any, image: np.ndarray, mask: np.ndarray) -> str | None:
    """What is wrong with the reader's ``(mean, std)`` inside one mask (None when right)."""
    try:
        mean, std = (float(v) for v in pair)
    except (TypeError, ValueError):
        return f"stats[{key!r}] must be a pair (mean, std); got {describe(pair)}."
    right_mean, right_std = _mask_stats(image, mask)
    mean_ok, std_ok = np.isclose(mean, right_mean, rtol=1e-3), np.isclose(std, right_std, rtol=1e-3)
    if mean_ok and std_ok:
        return None
    whole_mean, whole_std = float(image.mean()), float(image.std())
    if np.isclose(mean, whole_mean, rtol=1e-3) or np.isclose(std, whole_std, rtol=1e-3):
        return f"stats[{key!r}] comes from the whole image: take the values inside the mask (mni.image[mask])."
    if mean_ok and np.isclose(std, right_std**2, rtol=1e-3):
        return f"stats[{key!r}]: the second number is the variance; the exercise asks for the standard deviation."
    if mean_ok:
        return f"stats[{key!r}]: the mean is right, the standard deviation is not that of mni.image[mask]."
    return f"stats[{key!r}]: the mean is not that of mni.image inside this mask."


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
    your count: 2 voxels in exactly one mask (25.0% of the non-zero voxels)
    Correct: ...
    """
    require(n_differ, "n_differ", "a voxel is in exactly one of two boolean masks where they disagree: numpy's ^.")
    require(stats, "stats", "index mni.image with each boolean mask to get the values inside it.")
    nonzero, labelled = np.asarray(mni.image) != 0, np.asarray(mni.label) > 0
    masks = {"nonzero": nonzero, "label > 0": labelled}
    problems, notes = [], []
    if isinstance(n_differ, (bool, np.bool_)) or not isinstance(n_differ, (int, np.integer)):
        problems.append(f"n_differ must be a whole number of voxels; got {describe(n_differ)}.")
    else:
        given_n = int(n_differ)
        notes.append(
            f"your count: {given_n} voxels in exactly one mask ({given_n / nonzero.sum():.1%} of the non-zero voxels)"
        )
        if given_n != int(np.count_nonzero(nonzero ^ labelled)):
            if given_n == int(np.count_nonzero(nonzero & labelled)):
                problems.append("n_differ counts the voxels in both masks (&); count those in exactly one (^).")
            elif given_n == int(np.count_nonzero(nonzero | labelled)):
                problems.append("n_differ counts the voxels in either mask (|); count those in exactly one (^).")
            else:
                problems.append("n_differ is not the number of voxels where the two masks disagree.")
    if not isinstance(stats, Mapping) or set(stats) != set(masks):
        problems.append(f'stats must be a dict with the keys "nonzero" and "label > 0"; got {describe(stats)}.')
    else:
        swapped = all(
            _stats_problem(key, stats[other], mni.image, masks[key]) is None
            for key, other in (("nonzero", "label > 0"), ("label > 0", "nonzero"))
        )
        if swapped:
            problems.append('stats has the two masks swapped: "nonzero" is mni.image != 0, "label > 0" the label.')
        else:
            problems.extend(p for key in masks if (p := _stats_problem(key, stats[key], mni.image, masks[key])))
    means = [_mask_stats(mni.image, mask)[0] for mask in masks.values()]
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
    return _halves(z, brain)


def _halves(array: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    half = array.shape[0] // 2
    return float(array[:half][mask[:half]].mean()), float(array[half:][mask[half:]].mean())


def _half_means_problem(given: tuple[float, ...], volume: Any, brain: np.ndarray, where: str) -> str | None:
    """What is wrong with ``half_means(volume)``, in the reader's terms (None when right)."""
    if len(given) != 2:
        return f"half_means({where}) must return two numbers (left half, right half); got {len(given)}."
    expected = half_means_reference(volume, brain)
    if np.allclose(given, expected, atol=2e-3):
        return None
    if np.allclose(given[::-1], expected, atol=2e-3):
        return f"half_means({where}) returns the halves swapped: first the voxels with i < half, then the rest."
    if np.allclose(given, _halves(volume.image, brain), rtol=1e-3):
        return f"half_means({where}) averages the raw intensities: z-score the volume first (tu.normalize_volume)."
    everywhere = np.ones(volume.shape, bool)
    if np.allclose(given, _halves(normalize_volume(volume).image, everywhere), atol=2e-3):
        return f"half_means({where}) averages whole halves: keep only the voxels inside brain."
    return (
        f"half_means({where}) does not give the mean z-score of each half inside brain: z-score the whole volume "
        "once, then split it at half = volume.shape[0] // 2."
    )


def check_exercise_3(half_means: Any, still_differ: Any, raw: Any, brain: np.ndarray) -> None:
    """Check ``half_means(volume)`` on the clipped MRI, on it with the notebook's bias field and with an unseen one.

    Parameters
    ----------
    half_means : callable
        ``half_means(volume) -> (left_mean, right_mean)``: z-score the volume
        with ``tu.normalize_volume``, then average each half (axis 0) inside ``brain``.
    still_differ : bool
        The reader's conclusion: do the halves of the biased volume still differ after z-scoring?
    raw : Volume
        The MRI without a bias field.
    brain : (I, J, K) bool array
        The brain mask the means are taken in.

    Examples
    --------
    >>> from tutorial_utils import Volume
    >>> i = np.indices((8, 6, 6))[0].astype(np.float32)
    >>> flat, mask = Volume(100 + i, np.eye(4)), np.ones((8, 6, 6), bool)
    >>> check_exercise_3(lambda v: half_means_reference(v, mask), True, flat, mask)  # doctest: +ELLIPSIS
    no field             : your halves -0.87, 0.87
    bias field, seed 3   : your halves ...
    Correct: ...
    """
    require(half_means, "half_means", "define a function of one Volume that returns two numbers.")
    if not callable(half_means):
        return verdict([f"half_means must be a function of a Volume; got {describe(half_means)}."], "")
    volumes = {
        "no field": raw,
        f"bias field, seed {SHOWN_FIELD_SEED}": random_bias_field(raw, strength=0.5, rng=SHOWN_FIELD_SEED),
        "a bias field you have not seen": random_bias_field(raw, strength=0.5, rng=UNSEEN_FIELD_SEED),
    }
    problems, notes = [], []
    for where, volume in volumes.items():
        try:
            result = half_means(volume)
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            problems.append(f"half_means({where}) raised {type(error).__name__}: {error}")
            continue
        if is_unfilled(result):
            raise NotImplementedError(
                "Your turn: replace the ... inside half_means and run the cell again. Hint: tu.normalize_volume "
                "returns a Volume; take its .image, then average each half inside brain."
            )
        try:
            given = tuple(float(v) for v in result)
        except (TypeError, ValueError):
            problems.append(f"half_means({where}) must return two numbers; got {describe(result)}.")
            continue
        if where != "a bias field you have not seen" and len(given) == 2:
            notes.append(f"{where:21s}: your halves {given[0]:.2f}, {given[1]:.2f}")
        problem = _half_means_problem(given, volume, brain, where)
        if problem:
            problems.append(problem)
    require(still_differ, "still_differ", "compare the two halves of the biased volume after z-scoring.")
    if not isinstance(still_differ, (bool, np.bool_)):
        problems.append(f"still_differ must be True or False; got {describe(still_differ)}.")
    elif not still_differ:
        problems.append(
            "still_differ: compare your two halves with the field: a z-score shifts and scales the whole volume "
            "by one pair of numbers; can that remove a difference between its halves?"
        )
    return verdict(
        problems,
        "the halves still differ: a z-score is one shift and one scale for the whole volume, while a bias field "
        "changes the gain from place to place. That is why the field is an augmentation (the network learns to "
        "ignore it) or is corrected beforehand (N4 bias-field correction in ANTs or SimpleITK).",
        notes,
    )
