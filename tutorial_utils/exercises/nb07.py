"""Checks for the exercises of notebook 07 (an augmentation pipeline for training).

Each ``check_exercise_N`` takes the reader's answer and the data it is about,
prints what is wrong in the reader's terms or "Correct:", and returns None.
None of them prints the value it expects: exercise 1 runs the reader's
pipeline and counting function on seeds the notebook never shows, exercise 2
compares with files on disk, exercise 3 calls the reader's function with
worker and sample counts the exercise does not name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np

from .._checks import describe
from ..crop import random_crop
from ..intensity import normalize_volume, random_gamma
from ..pipeline import Compose, RandomApply
from ..records import TransformRecord, records_from_json, replay
from ..seeding import sample_rng
from ..spatial import random_flip
from ._feedback import require, verdict

#: Exercise 1: the seed of the samples the check draws (not the notebook's), how many, the patch size.
CHECK_SEED, N_CHECK, PATCH = 2718, 12, (48, 48, 48)
#: Exercise 3: (n_workers, n_samples) the check calls ``angles`` with; the first two are the exercise's own.
ANGLE_CALLS = ((1, 8), (2, 8), (3, 10), (4, 9), (2, 11))


def _unfilled_function(name: str, hint: str) -> NotImplementedError:
    return NotImplementedError(
        f"Your turn: replace the ... after `return` in `{name}` with your answer and run the cell again. Hint: {hint}"
    )


def reference_patches() -> Compose:
    """The patch pipeline exercise 1 asks for.

    Examples
    --------
    >>> [type(step).__name__ for step in reference_patches().transforms]
    ['partial', 'function', 'RandomApply', 'partial']
    """
    return Compose(
        [
            partial(random_crop, size=48, foreground_p=0.5),
            random_flip,
            RandomApply(random_gamma, p=0.3),
            partial(normalize_volume, mask="label"),
        ]
    )


def count_skipped_reference(samples: Sequence[Any]) -> int:
    """How many of ``samples`` hold a record named ``"skipped"`` (a ``RandomApply`` that did not apply).

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> ct = tu.make_ct_phantom(shape=(24, 24, 16))
    >>> count_skipped_reference([tu.RandomApply(tu.random_flip, p=0.0)(ct, rng=0), ct])
    1
    """
    return sum(any(record.name == "skipped" for record in sample.history) for sample in samples)


def _step(record: TransformRecord) -> str:
    return "gamma" if record.name == "skipped" and record.params.get("transform") == "random_gamma" else record.name


def _first_difference(given: TransformRecord, expected: TransformRecord) -> str:
    """What the reader's record does otherwise than the expected one, in the exercise's terms."""
    if expected.name == "crop":
        size = tuple(given.params.get("size", ()))
        if size != PATCH:
            return f"your crop cuts {size} voxels: the exercise asks for 48³ patches."
        return (
            "your crops start elsewhere than foreground-biased 48³ crops would: "
            "pass foreground_p=0.5 to tu.random_crop and give it the pipeline's rng."
        )
    if expected.name == "flip":
        return "your flip draws its axes otherwise than tu.random_flip with its defaults."
    if "skipped" in (given.name, expected.name):
        return (
            "RandomApply skipped the gamma in other samples than a p=0.3 step would: p is the chance to apply "
            "the step (tu.RandomApply(step, p=0.3)), not the chance to skip it."
        )
    if expected.name == "gamma":
        return "your gamma draws otherwise than tu.random_gamma with its default range."
    if expected.name == "normalize":
        return (
            f"your z-score uses mask={given.params.get('mask')!r}: the exercise asks for the mean and std "
            'inside the brain (mask="label").'
        )
    return f"your {given.name} step differs from the exercise's {expected.name}."


def _pipeline_problems(given: list[Any], expected: list[Any], start: int) -> list[str]:
    """The first way the reader's samples differ from the expected ones, or nothing when they are identical."""
    if not all(hasattr(g, "history") and hasattr(g, "label") for g in given):
        return [f"patches(volume, rng=...) must return a Volume; got {describe(given[0])}."]
    for g, e in zip(given, expected):
        steps, wanted = [_step(r) for r in g.history[start:]], [_step(r) for r in e.history[start:]]
        if steps != wanted:
            return [
                f"your pipeline's steps are {steps}: the exercise asks for crop, flip, gamma (sometimes skipped) "
                "and normalize, in this order, all in one tu.Compose."
            ]
    for g, e in zip(given, expected):
        for mine, theirs in zip(g.history[start:], e.history[start:]):
            if mine != theirs:
                return [_first_difference(mine, theirs)]
    if not all(np.array_equal(g.image, e.image) and np.array_equal(g.label, e.label) for g, e in zip(given, expected)):
        return ["your samples have the right records but other voxels: let every step draw from the rng it is given."]
    return []


def _count_problems(count_skipped: Callable[[Sequence[Any]], Any], samples: list[Any]) -> list[str]:
    """Call the reader's ``count_skipped`` on lists of samples it has not seen and say what is wrong."""
    lists = [samples[:5], samples[3:], samples]
    counts = []
    for chunk in lists:
        try:
            counts.append(count_skipped(chunk))
        except NotImplementedError:
            raise
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            return [f"count_skipped(samples) raised {type(error).__name__}: {error}"]
    if any(c is Ellipsis for c in counts):
        raise _unfilled_function("count_skipped", "every sample's history is a list of records with a name.")
    if any(c is None for c in counts):
        return ["count_skipped returned None: end it with return."]
    truth = [count_skipped_reference(chunk) for chunk in lists]
    applied = [len(chunk) - t for chunk, t in zip(lists, truth)]
    if all(isinstance(c, (int, np.integer)) and not isinstance(c, bool) for c in counts) and counts == truth:
        return []
    if counts == applied:
        return ["count_skipped counts the samples in which the gamma ran: count those in which it was skipped."]
    if all(isinstance(c, float) and 0 <= c <= 1 for c in counts):
        return ["count_skipped returns a fraction: return how many samples skipped the gamma (an int)."]
    if counts == [len(chunk) for chunk in lists]:
        return ["count_skipped counts every sample: count only those with a record named 'skipped'."]
    if len(set(map(repr, counts))) == 1 and len(set(truth)) > 1:
        return [
            f"count_skipped returned {counts[0]!r} for lists of samples that skipped the gamma a different number "
            "of times: count from the samples it receives."
        ]
    return [
        "count_skipped gives other counts than the samples' records: count the samples whose history holds a "
        "record named 'skipped'."
    ]


def check_exercise_1(patches: Any, count_skipped: Any, preprocessed: Any) -> None:
    """Check the patch pipeline and the counting function on samples the notebook never drew.

    Parameters
    ----------
    patches : Compose
        The reader's pipeline: foreground-biased 48³ crop, flip, gamma with p=0.3, z-score inside the label.
    count_skipped : callable
        ``count_skipped(samples) -> int``: how many of a list of samples skipped the gamma.
    preprocessed : Volume
        The volume the samples are drawn from.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> ct = tu.make_ct_phantom(shape=(64, 56, 52))
    >>> check_exercise_1(reference_patches(), count_skipped_reference, ct)  # doctest: +ELLIPSIS
    Tried your pipeline on 12 seeds ...
    Correct: ...
    """
    require(
        patches,
        "patches",
        "one tu.Compose of four steps; functools.partial fixes a step's parameters and tu.RandomApply(step, p) "
        "applies a step with probability p.",
    )
    require(count_skipped, "count_skipped", "define a function of a list of samples.")
    if not callable(patches):
        return verdict([f"patches must be a transform (a tu.Compose); got {describe(patches)}."], "")
    if not callable(count_skipped):
        return verdict([f"count_skipped must be a function of a list of samples; got {describe(count_skipped)}."], "")
    reference = reference_patches()
    expected = [reference(preprocessed, rng=sample_rng(CHECK_SEED, index=i)) for i in range(N_CHECK)]
    try:
        given = [patches(preprocessed, rng=sample_rng(CHECK_SEED, index=i)) for i in range(N_CHECK)]
    except NotImplementedError:
        raise
    except Exception as error:  # the reader's pipeline failed: say how, do not crash the check
        return verdict([f"patches(preprocessed, rng=...) raised {type(error).__name__}: {error}"], "")
    problems = _pipeline_problems(given, expected, len(preprocessed.history))
    problems += _count_problems(count_skipped, expected)
    return verdict(
        problems,
        "RandomApply leaves a record named 'skipped' when it does not apply its step, so every sample's record "
        "says which optional steps ran (with p=0.3, about 7 samples in 10 skip the gamma); the crop is recorded "
        "with its start, so these patches replay too.",
        [f"Tried your pipeline on {N_CHECK} seeds the notebook does not use, and count_skipped on lists of them."],
    )


def _load(path: Path) -> np.ndarray:
    return np.asanyarray(nib.load(path).dataobj)


def _same(volume: Any, image: np.ndarray, label: np.ndarray) -> bool:
    return (
        volume.image.shape == image.shape
        and bool(np.array_equal(volume.image, image))
        and volume.label is not None
        and bool(np.array_equal(volume.label, label))
    )


def edited_flip(records: Sequence[TransformRecord]) -> list[TransformRecord]:
    """``records`` with the flip's axes changed: ``()`` if it flipped, ``(0,)`` if it did not.

    Examples
    --------
    >>> edited_flip([TransformRecord("flip", {"axes": (0,), "swap_labels": None})])[0].params["axes"]
    ()
    """
    edited = list(records)
    for position, record in enumerate(edited):
        if record.name == "flip":
            edited[position] = TransformRecord("flip", dict(record.params, axes=() if record.params["axes"] else (0,)))
    return edited


def check_exercise_2(again: Any, edited_again: Any, saved: Any, preprocessed: Any, name: str = "sample_0003") -> None:
    """Check a replayed saved sample and the replay of its record with the flip changed.

    Parameters
    ----------
    again : Volume
        ``tu.replay`` of the records read from ``<name>_history.json``.
    edited_again : Volume
        The replay of the same records with the flip's axes changed (``()`` <-> ``(0,)``).
    saved : path
        The folder ``tu.augment_and_save`` wrote ``<name>.nii.gz``, ``<name>_label.nii.gz`` and the history to.
    preprocessed : Volume
        The volume the saved samples were augmented from.

    Examples
    --------
    >>> import tempfile, tutorial_utils as tu
    >>> folder = tempfile.mkdtemp()
    >>> ct = tu.make_ct_phantom(shape=(24, 24, 16))
    >>> paths = tu.save_volume(tu.random_flip(ct, rng=0), folder, "sample_0003")
    >>> records = tu.records_from_json(paths["history"].read_text())
    >>> again, edited = tu.replay(ct, records), tu.replay(ct, edited_flip(records))
    >>> check_exercise_2(again, edited, folder, ct)  # doctest: +ELLIPSIS
    replay equals the saved sample: True; the edited record changes the label: True
    Correct: ...
    """
    require(
        again,
        "again",
        "tu.records_from_json reads a history's text; tu.replay applies records to the volume they started from.",
    )
    require(edited_again, "edited_again", "a TransformRecord is immutable: build a new list with a new flip record.")
    for label, value in (("again", again), ("edited_again", edited_again)):
        if getattr(value, "image", None) is None or not hasattr(value, "history"):
            return verdict([f"{label} must be a Volume (what tu.replay returns); got {describe(value)}."], "")
    folder = Path(saved)
    saved_image, saved_label = _load(folder / f"{name}.nii.gz"), _load(folder / f"{name}_label.nii.gz")
    records = records_from_json((folder / f"{name}_history.json").read_text())
    same = _same(again, saved_image, saved_label)
    problems = []
    if not same:
        if again.image.shape == preprocessed.image.shape and np.array_equal(again.image, preprocessed.image):
            problems.append("again is the preprocessed scan itself: replay the saved records on it.")
        elif again.image.shape != saved_image.shape:
            problems.append(
                f"again has shape {again.image.shape}, the saved sample {saved_image.shape}: replay on preprocessed, "
                "the volume the samples were augmented from."
            )
        else:
            problems.append(
                f"again differs from the saved sample: replay the records of {name}_history.json, the file saved "
                f"with {name}.nii.gz."
            )
    changed = edited_again.label is None or again.label is None or not np.array_equal(edited_again.label, again.label)
    if not changed:
        problems.append("edited_again has the same label as again: the edited record must change the flip's axes.")
    else:
        expected = replay(preprocessed, edited_flip(records))
        if not _same(edited_again, expected.image, expected.label):
            problems.append(
                "edited_again is not the replay with only the flip changed: keep every other record, and set the "
                "flip's axes to () if it flipped, (0,) if it did not."
            )
    return verdict(
        problems,
        "records are plain data: a replay gives the saved sample bit for bit, and an edited record changes only "
        "its own step (the elastic field and the noise after it are replayed from their recorded seeds).",
        [f"replay equals the saved sample: {same}; the edited record changes the label: {changed}"],
    )


def angles_per_worker_seed(n_workers: int, n_samples: int = 8) -> list[float]:
    """First angle of each sample when worker ``w`` seeds ``default_rng(w)`` once and takes samples round-robin.

    Examples
    --------
    >>> angles_per_worker_seed(1)[:2] == angles_per_worker_seed(2)[:1] + angles_per_worker_seed(2)[2:3]
    True
    """
    result = {}
    for worker in range(n_workers):
        rng = np.random.default_rng(worker)
        for index in range(worker, n_samples, n_workers):
            result[index] = round(float(rng.uniform(-15, 15)), 2)
    return [result[i] for i in range(n_samples)]


def _draws(seeds: Sequence[int]) -> list[float]:
    """One angle per entry of ``seeds``, drawn from ``default_rng(seed)``, each generator going on where it stopped."""
    rngs: dict[int, np.random.Generator] = {}
    return [round(float(rngs.setdefault(s, np.random.default_rng(s)).uniform(-15, 15)), 2) for s in seeds]


def _angle_problem(given: list[float], n_workers: int, n_samples: int) -> str:
    call, dealt = f"angles({n_workers}, {n_samples})", [i % n_workers for i in range(n_samples)]
    if len(given) != n_samples:
        return f"{call} returned {len(given)} angles: return one per sample, {n_samples} here."
    if given == angles_per_worker_seed(1, n_samples):
        return f"{call} does not depend on n_workers: every worker seeds its own generator with its id."
    if given == [_draws([w])[0] for w in dealt]:
        return f"{call} seeds a new generator for every sample: each worker seeds once, then keeps drawing."
    if given == _draws(sorted(dealt)):  # worker 0's draws, then worker 1's: contiguous blocks or unsorted
        return (
            f"{call} lists worker 0's draws, then worker 1's, ...: deal the samples in turn (worker w gets w, "
            "w + n_workers, ...) and return the angles in sample order."
        )
    return (
        f"{call} differs from one generator per worker: each worker seeds a generator with its own id once, then "
        "draws one angle in ±15° (2 decimals) for each sample dealt to it, in turn."
    )


def check_exercise_3(angles: Any) -> None:
    """Check ``angles(n_workers, n_samples)``: the first angle of each sample with one seed per worker.

    The check calls it with worker and sample counts the exercise does not
    name, so a function that returns fixed lists is not accepted.

    Examples
    --------
    >>> check_exercise_3(angles_per_worker_seed)  # doctest: +ELLIPSIS
    angles(1): [4.11, -6.91, ...]
    angles(2): [4.11, 0.35, ...]
    Correct: ...
    """
    require(angles, "angles", "define a function of n_workers and n_samples.")
    if not callable(angles):
        return verdict([f"angles must be a function of n_workers and n_samples; got {describe(angles)}."], "")
    problems, given = [], {}
    for n_workers, n_samples in ANGLE_CALLS:
        try:
            result = angles(n_workers, n_samples)
        except NotImplementedError:
            raise
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            problems.append(f"angles({n_workers}, {n_samples}) raised {type(error).__name__}: {error}")
            break
        if result is Ellipsis:
            raise _unfilled_function(
                "angles", "one np.random.default_rng per worker; range(start, stop, step) deals indices in turn."
            )
        try:
            given[n_workers, n_samples] = [round(float(a), 2) for a in result]
        except (TypeError, ValueError):
            problems.append(f"angles({n_workers}, {n_samples}) must return a list of numbers; got {describe(result)}.")
            break
        if given[n_workers, n_samples] != angles_per_worker_seed(n_workers, n_samples):
            problems.append(_angle_problem(given[n_workers, n_samples], n_workers, n_samples))
            break
    notes = [] if problems else [f"angles({n}): {given[n, 8]}" for n in (1, 2)]
    return verdict(
        problems,
        "a seed per worker no longer repeats draws, but sample 1 gets another angle when num_workers changes, so a "
        "run is not reproducible across machines; the per-sample stream (tu.sample_rng) does not care.",
        notes,
    )
