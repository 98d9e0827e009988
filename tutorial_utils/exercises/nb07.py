"""Checks for the exercises of notebook 07 (an augmentation pipeline for training).

Each ``check_exercise_N`` takes the reader's answer and the data it is about
and prints what is right and what is not, ending with "Correct:" when the
answer is right. An unfilled answer (``...``) raises ``NotImplementedError``
with a hint.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np

from .._checks import describe
from ..crop import random_crop
from ..intensity import normalize_volume, random_gamma
from ..pipeline import Compose, RandomApply
from ..seeding import sample_rng
from ..spatial import random_flip
from ._feedback import require, verdict

#: Exercise 1: samples drawn, their seed, the grey-matter label of the MNI tissue map.
N_PATCHES, PATCH_SEED, GREY_MATTER = 20, 1, 2


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


def check_exercise_1(patches: Any, n_skipped: Any, n_grey: Any, preprocessed: Any) -> None:
    """Check the patch pipeline and the two counts over ``sample_rng(1, index=i)``, ``i < 20``.

    Parameters
    ----------
    patches : Compose
        The reader's pipeline: foreground-biased 48³ crop, flip, gamma with p=0.3, z-score inside the label.
    n_skipped, n_grey : int
        How many of the 20 samples skipped the gamma, and how many contain grey matter (label 2).
    preprocessed : Volume
        The volume the samples are drawn from.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> ct = tu.make_ct_phantom(shape=(64, 56, 52))
    >>> outs = [reference_patches()(ct, rng=tu.sample_rng(1, index=i)) for i in range(20)]
    >>> skipped = sum(any(r.name == "skipped" for r in o.history) for o in outs)
    >>> grey = sum(bool((o.label == 2).any()) for o in outs)
    >>> check_exercise_1(reference_patches(), skipped, grey, ct)  # doctest: +ELLIPSIS
    20 patches of shape (48, 48, 48); steps ['crop', 'flip', ..., 'normalize']
    ...
    Correct: ...
    """
    require(
        patches,
        "patches",
        "tu.Compose([partial(tu.random_crop, size=48, foreground_p=0.5), tu.random_flip, "
        'tu.RandomApply(tu.random_gamma, p=0.3), partial(tu.normalize_volume, mask="label")])',
    )
    require(n_skipped, "n_skipped", 'count the outputs whose history holds a record named "skipped".')
    require(n_grey, "n_grey", "count the outputs with (out.label == 2).any().")
    if not callable(patches):
        return verdict([f"patches must be a transform (a tu.Compose); got {describe(patches)}."], "")
    expected = [reference_patches()(preprocessed, rng=sample_rng(PATCH_SEED, index=i)) for i in range(N_PATCHES)]
    problems = []
    try:
        given = [patches(preprocessed, rng=sample_rng(PATCH_SEED, index=i)) for i in range(N_PATCHES)]
    except NotImplementedError:
        raise
    except Exception as error:  # the reader's pipeline failed: say how, do not crash the check
        return verdict([f"patches(preprocessed, rng=...) raised {type(error).__name__}: {error}"], "")
    names = [[r.name for r in out.history[len(preprocessed.history) :]] for out in expected]
    notes = [f"{N_PATCHES} patches of shape {expected[0].shape}; steps {names[0]}"]
    if any(getattr(g, "shape", None) != e.shape for g, e in zip(given, expected)):
        problems.append("the patches should be 48 x 48 x 48: partial(tu.random_crop, size=48, foreground_p=0.5).")
    elif not all(
        np.array_equal(g.image, e.image) and np.array_equal(g.label, e.label) for g, e in zip(given, expected)
    ):
        given_names = [r.name for r in given[0].history[len(preprocessed.history) :]]
        problems.append(
            f"your samples differ from the expected ones (your steps: {given_names}): crop, flip, gamma with "
            'p=0.3, normalize with mask="label", in that order and drawing from the one rng.'
        )
    skipped = sum("skipped" in steps for steps in names)
    grey = sum(bool((out.label == GREY_MATTER).any()) for out in expected)
    notes.append(f"gamma skipped: {skipped} of {N_PATCHES}; patches with grey matter: {grey} of {N_PATCHES}")
    if n_skipped != skipped:
        problems.append(f"n_skipped should be {skipped}: RandomApply records a step named 'skipped' when it skips.")
    if n_grey != grey:
        problems.append(f"n_grey should be {grey}: count the patches whose label holds the value 2.")
    return verdict(
        problems,
        f"each sample skips the gamma with probability 0.7, so about {0.7 * N_PATCHES:.0f} of {N_PATCHES} on "
        "average; the random crop is recorded like every other step (crop with its start), so these patches "
        "replay too.",
        notes,
    )


def _load(path: Path) -> np.ndarray:
    return np.asanyarray(nib.load(path).dataobj)


def check_exercise_2(again: Any, edited_again: Any, folder: Any, name: str = "sample_0003") -> None:
    """Check a replayed saved sample and the replay of an edited record.

    Parameters
    ----------
    again : Volume
        ``tu.replay(preprocessed, records)`` with the records read from ``<name>_history.json``.
    edited_again : Volume
        The replay of the same records with the flip changed.
    folder : path
        The folder ``tu.augment_and_save`` wrote ``<name>.nii.gz`` and ``<name>_label.nii.gz`` to.

    Examples
    --------
    >>> import tempfile, tutorial_utils as tu
    >>> folder = tempfile.mkdtemp()
    >>> ct = tu.make_ct_phantom(shape=(24, 24, 16))
    >>> paths = tu.save_volume(tu.random_flip(ct, rng=0), folder, "sample_0003")
    >>> records = tu.records_from_json(paths["history"].read_text())
    >>> again = tu.replay(ct, records)
    >>> edited = tu.replay(ct, [tu.TransformRecord("flip", {"axes": (1,)})])
    >>> check_exercise_2(again, edited, folder)  # doctest: +ELLIPSIS
    replay equals the saved image: True, label: True; the edited record changes the label: True
    Correct: ...
    """
    require(
        again, "again", "records = tu.records_from_json(path.read_text()); again = tu.replay(preprocessed, records)"
    )
    require(edited_again, "edited_again", "replay a copy of the records with the flip's axes changed.")
    folder = Path(folder)
    if getattr(again, "image", None) is None or getattr(edited_again, "label", None) is None:
        return verdict([f"again and edited_again must be Volumes (tu.replay's result); got {describe(again)}."], "")
    saved_image, saved_label = _load(folder / f"{name}.nii.gz"), _load(folder / f"{name}_label.nii.gz")
    same_image = again.image.shape == saved_image.shape and bool(np.array_equal(again.image, saved_image))
    same_label = again.label is not None and bool(np.array_equal(again.label, saved_label))
    changed = not np.array_equal(edited_again.label, again.label)
    problems = []
    if not (same_image and same_label):
        problems.append(
            "again differs from the saved files: replay the records of the same sample on preprocessed, the volume "
            "the samples were augmented from."
        )
    if not changed:
        problems.append("edited_again has the same label as again: change the flip's axes, e.g. () <-> (0,).")
    return verdict(
        problems,
        "records are plain data: store them with a training log, replay them exactly, or edit them to see what "
        "one step contributes.",
        [
            f"replay equals the saved image: {same_image}, label: {same_label}; the edited record changes the label: {changed}"
        ],
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


def check_exercise_3(angles: Any) -> None:
    """Check ``angles(n_workers)``: the first angle of each of 8 samples with one seed per worker.

    Examples
    --------
    >>> check_exercise_3(angles_per_worker_seed)  # doctest: +ELLIPSIS
    angles(1): [4.11, -6.91, ...]
    angles(2): [4.11, 0.35, ...]
    Correct: ...
    """
    require(
        angles,
        "angles",
        "for worker in range(n_workers): rng = np.random.default_rng(worker); "
        "for index in range(worker, 8, n_workers): result[index] = round(float(rng.uniform(-15, 15)), 2)",
    )
    if not callable(angles):
        return verdict([f"angles must be a function of n_workers; got {describe(angles)}."], "")
    problems, notes = [], []
    for n_workers in (1, 2):
        expected = angles_per_worker_seed(n_workers)
        try:
            given = [round(float(a), 2) for a in angles(n_workers)]
        except NotImplementedError:
            raise
        except Exception as error:  # the reader's function failed: say how, do not crash the check
            problems.append(f"angles({n_workers}) raised {type(error).__name__}: {error}")
            continue
        notes.append(f"angles({n_workers}): {given}")
        if given != expected:
            problems.append(
                f"angles({n_workers}) should be {expected}: worker w seeds np.random.default_rng(w) once and draws "
                "for its samples w, w + n_workers, ... in order."
            )
    return verdict(
        problems,
        "a seed per worker no longer repeats draws, but sample 1 gets another angle when num_workers changes, so a "
        "run is not reproducible across machines; the per-sample stream (tu.sample_rng) does not care.",
        notes,
    )
