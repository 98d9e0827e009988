"""The capstone's classes and its three settings as pipelines (no PyTorch needed; notebook 12, ``tools/capstone.py``).

What is compared (``tools/capstone.py`` runs it, notebook 12 explains it):

* ``"a"`` **raw arrays resized**: each scan's array as stored, resized to
  one shape (:func:`~tutorial_utils.resize_volume`) and z-scored per scan, as
  blog code does; orientation and voxel size are ignored.
* ``"b"`` **the plan**: the dataset plan's preprocessing (reorient to RAS,
  resample to the target spacing, CT normalization with the dataset's HU
  statistics, crop or pad).
* ``"c"`` **plan + augmentation**: (b), then the course's augmentation on
  every sample: one random affine (rotation, scaling), noise, an intensity
  scale and shift, a gamma change. Not a left-right flip: after reorienting,
  the liver is on the patient's right in every scan, and a mirrored patient
  is one that no RAS scan shows.

Every setting trains on random patches (a third of them centred on
foreground, nnU-Net's oversampling share). :func:`tutorial_utils.nets.evaluate`
predicts whole scans patch by patch, brings the prediction back to the
scan's own grid with :func:`~tutorial_utils.invert` and scores it there.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .crop import center_crop_volume, random_crop
from .intensity import normalize_volume, random_gamma, random_intensity_scale_shift, random_noise
from .pipeline import Compose, RandomApply
from .spatial import random_affine, resize_volume
from .volume import Volume

if TYPE_CHECKING:
    import pandas as pd

    from .dataset import PreprocessingPlan

#: The segmented classes and their names (0 is the background).
CLASSES = {1: "lung", 2: "liver"}
#: Phantom tissue label -> class (``tu.CT_PHANTOM_LABELS``: 3 lung, 4 liver; every other tissue is background).
TISSUE_TO_CLASS = {3: 1, 4: 2}
SETTINGS = {
    "a": "raw arrays resized to one shape",
    "b": "plan: reorient, resample, CT normalization",
    "c": "plan + augmentation",
}
#: Training patch (voxels); every side a multiple of 4 for a 3-stage U-Net.
PATCH = (48, 48, 32)
#: nnU-Net's foreground oversampling share.
FOREGROUND_P = 0.33
#: The reported metrics (columns of ``segmentation_metrics`` plus the absolute volume error) and their labels.
METRICS = {"dice": "Dice", "hd95_mm": "HD95 (mm)", "abs_volume_error_ml": "|volume error| (mL)"}
#: The two test sites of the experiment.
SITES = {"same": "training hospital (cases 10-13)", "other": "other hospital (6 held-out scans)"}


def to_classes(volume: Volume) -> Volume:
    """The volume with its tissue labels turned into the capstone's classes (lung 1, liver 2, else 0)."""
    table = np.zeros(256, np.uint8)
    for tissue, value in TISSUE_TO_CLASS.items():
        table[tissue] = value
    if volume.label is None:
        raise ValueError("volume must carry a label map")
    return volume.replace(label=table[volume.label])


def naive_preprocessing(shape: tuple[int, int, int]) -> Compose:
    """Setting (a): resize the stored array to ``shape`` and z-score it over all voxels; no reorientation."""
    return Compose([partial(resize_volume, shape=shape), partial(normalize_volume, method="zscore", mask=None)])


def inference_preprocessing(plan: PreprocessingPlan) -> Compose:
    """The plan's pipeline without its crop-or-pad: the sliding window covers the whole resampled scan."""
    steps = plan.pipeline().transforms
    return Compose([step for step in steps if getattr(step, "func", step).__name__ != "crop_or_pad_volume"])


def patch_sampler(patch: tuple[int, int, int] = PATCH) -> Compose:
    """Settings (a) and (b): a random patch, a third of them centred on foreground."""
    return Compose([partial(random_crop, size=patch, foreground_p=FOREGROUND_P)])


def augmentation(patch: tuple[int, int, int] = PATCH) -> Compose:
    """Setting (c): a larger patch, one affine resampling, the centre patch, then intensity changes.

    The affine acts on a patch 1.25 times larger, then the centre is kept, so
    rotated corners never show padding (as nnU-Net does with its larger
    initial patch). Intensities are in the plan's normalized units (1 unit is
    the dataset's foreground standard deviation, about 340 HU here).
    """
    larger = tuple(int(round(n * 1.25)) for n in patch)
    return Compose(
        [
            partial(random_crop, size=larger, foreground_p=FOREGROUND_P),
            partial(random_affine, degrees=15.0, scale_range=(0.85, 1.15), translation_range=0.0),
            partial(center_crop_volume, size=patch),
            partial(random_intensity_scale_shift, scale_range=(0.9, 1.1), shift_range=(-0.1, 0.1)),
            RandomApply(partial(random_noise, std_range=(0.0, 0.15)), p=0.5),
            RandomApply(random_gamma, p=0.3),
        ]
    )


def summarize(results: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Mean over the test scans per seed, then mean and sd over the seeds, per setting, site and class."""
    per_seed = results.groupby(["setting", "site", "name", "seed"])[list(METRICS)].mean()
    summary = per_seed.groupby(["setting", "site", "name"]).agg(["mean", "std"])
    summary.columns = [f"{metric}_{stat}" for metric, stat in summary.columns]
    seconds = runs.groupby("setting")["seconds"].agg(["mean", "std"])
    summary = summary.reset_index()
    summary["train_seconds_mean"] = summary["setting"].map(seconds["mean"])
    summary["train_seconds_std"] = summary["setting"].map(seconds["std"])
    return summary


def _cell(row: pd.Series, metric: str) -> str:
    digits = 3 if metric == "dice" else 1
    sd = row[f"{metric}_std"]
    return (
        f"{row[f'{metric}_mean']:.{digits}f} ± {sd:.{digits}f}"
        if np.isfinite(sd)
        else f"{row[f'{metric}_mean']:.{digits}f}"
    )


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary for reading: one row per site, class and setting, each metric as "mean ± sd" over the seeds."""
    import pandas as pd

    ordered = summary.assign(order=summary["site"].map({site: i for i, site in enumerate(SITES)}))
    rows = []
    for _, row in ordered.sort_values(["order", "name", "setting"]).iterrows():
        seconds = f"{row['train_seconds_mean']:.0f}" + (
            f" ± {row['train_seconds_std']:.0f}" if np.isfinite(row["train_seconds_std"]) else ""
        )
        cells = {label: _cell(row, metric) for metric, label in METRICS.items()}
        rows.append(
            {
                "test site": row["site"],
                "class": row["name"],
                "setting": f"({row['setting']}) {SETTINGS[row['setting']]}",
            }
            | cells
            | {"training (s)": seconds}
        )
    return pd.DataFrame(rows)


def markdown(summary: pd.DataFrame) -> str:
    """:func:`summary_table` as a markdown table."""
    table = summary_table(summary)
    lines = ["| " + " | ".join(table.columns) + " |", "|---|---|---|" + "---:|" * (len(table.columns) - 3)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def comparisons(summary: pd.DataFrame) -> list[str]:
    """For each class on each site: (b) vs (a) and (c) vs (b), and whether the difference exceeds the seed spread.

    The spread is the sum of the two settings' sd over seeds; with one seed per setting there is none, and the
    line says so instead of a verdict.
    """
    lines = []
    indexed = summary.set_index(["site", "name", "setting"])
    for site in SITES:
        for name in CLASSES.values():
            for first, second in (("a", "b"), ("b", "c")):
                if (site, name, first) not in indexed.index or (site, name, second) not in indexed.index:
                    continue
                one, two = indexed.loc[(site, name, first)], indexed.loc[(site, name, second)]
                parts = []
                for metric, label in METRICS.items():
                    delta = two[f"{metric}_mean"] - one[f"{metric}_mean"]
                    spread = one[f"{metric}_std"] + two[f"{metric}_std"]
                    if not np.isfinite(spread):  # one seed: a sd needs two, so there is nothing to compare with
                        parts.append(f"{label} {delta:+.3g} (one seed: no seed spread to compare with)")
                        continue
                    verdict = "exceeds" if abs(delta) > spread else "within"
                    parts.append(f"{label} {delta:+.3g} ({verdict} the seed spread {spread:.2g})")
                lines.append(f"{site} site, {name}, ({second}) - ({first}): " + "; ".join(parts))
    return lines
