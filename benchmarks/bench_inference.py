"""Benchmark: sliding-window inference against MONAI, and inverting the preprocessing of notebook 10.

Run: ``.venv/bin/python benchmarks/bench_inference.py`` (MONAI rows need the
``bench`` extra: ``pip install -e ".[bench]"``). Writes its section of
``RESULTS.md`` (between the ``bench_inference`` markers, replacing an older
one) and prints the same table.

Each row is measured as ``run_all.py`` measures (``harness.measure``): a
forked child, a warm-up on a 48^3 crop, the median of timed calls, and the
peak rise of resident memory (``VmHWM``) over them.

* **sliding window, 96^3 patches** on the 1 mm MNI volume (197x233x189),
  overlap 0.5, Gaussian weights, 4 patches per predictor call, in ours
  (``tu.predict_sliding_window``) and MONAI
  (``monai.inferers.sliding_window_inference(..., mode="gaussian")``), with
  two predictors: the course's stand-in model (``tu.IntensityModel``, 4
  classes, smoothing 2 voxels: the predictor dominates) and a pointwise
  2-class predictor that costs almost nothing (the blending dominates). The
  largest difference between the two libraries' outputs is reported.
* **invert** of notebook 10's preprocessing history (resample to 1.5 mm, then
  crop-or-pad to 120x144x120; a reorient step first where the package has
  one) for 4-class probabilities and for a label map, next to one forward pass
  of the same preprocessing.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import numpy as np

import harness
import tutorial_utils as tu
from timing import write_section
from tutorial_utils.records import registered_steps

HERE = Path(__file__).resolve().parent
PATCH = (96, 96, 96)
OVERLAP = 0.5
BATCH = 4


def _volume(bench: harness.BenchVolume) -> tu.Volume:
    return tu.Volume(bench.image, bench.affine, bench.label)


def stand_in(bench: harness.BenchVolume) -> tu.IntensityModel:
    return tu.IntensityModel.fit(_volume(bench), smoothing=2.0)


def pointwise(batch: np.ndarray) -> np.ndarray:
    """Two classes from each voxel alone: ``x^2 / (1 + x^2)`` and its complement."""
    x = batch[:, None] * np.float32(0.01)
    bright = x * x / (np.float32(1.0) + x * x)
    return np.concatenate([np.float32(1.0) - bright, bright], axis=1)


def ours_window(predictor: str, bench: harness.BenchVolume) -> Any:
    predict = stand_in(bench) if predictor == "model" else pointwise
    return lambda: tu.predict_sliding_window(bench.image, predict, PATCH, overlap=OVERLAP, batch_size=BATCH)


def monai_window(predictor: str, bench: harness.BenchVolume) -> Any:
    try:
        import torch
        from monai.inferers import sliding_window_inference
    except ImportError as exc:
        raise harness.Unavailable(f"not installed ({exc.name})") from None
    predict = stand_in(bench) if predictor == "model" else pointwise
    inputs = torch.from_numpy(bench.image[None, None])

    def call() -> Any:
        with torch.no_grad():
            return sliding_window_inference(
                inputs,
                roi_size=PATCH,
                sw_batch_size=BATCH,
                overlap=OVERLAP,
                mode="gaussian",
                predictor=lambda x: torch.from_numpy(predict(x[:, 0].numpy())),
            )

    return call


def preprocess(volume: tu.Volume) -> tu.Volume:
    steps = []
    if "reorient" in registered_steps():
        steps.append(functools.partial(registered_steps()["reorient"], axcodes="RAS"))
    steps += [
        functools.partial(tu.resample_to_spacing, spacing=1.5),
        functools.partial(tu.crop_or_pad_volume, shape=(120, 144, 120)),
    ]
    return tu.Compose(steps)(volume)


def forward(bench: harness.BenchVolume) -> Any:
    volume = _volume(bench)
    return lambda: preprocess(volume).image


def invert_probabilities(bench: harness.BenchVolume) -> Any:
    original = _volume(bench)
    done = preprocess(original)
    probabilities = tu.one_hot(done.label, 4)
    return lambda: tu.invert(probabilities, done.history, original=original, reference=done)


def invert_label(bench: harness.BenchVolume) -> Any:
    original = _volume(bench)
    done = preprocess(original)
    return lambda: tu.invert(done, done.history, original=original, intensity="keep").label


ROWS = [
    ("sliding window 96^3, stand-in model (4 classes)", "ours", functools.partial(ours_window, "model")),
    ("sliding window 96^3, stand-in model (4 classes)", "MONAI", functools.partial(monai_window, "model")),
    ("sliding window 96^3, pointwise predictor (2 classes)", "ours", functools.partial(ours_window, "pointwise")),
    ("sliding window 96^3, pointwise predictor (2 classes)", "MONAI", functools.partial(monai_window, "pointwise")),
    ("preprocessing, one forward pass (image + label)", "ours", forward),
    ("invert the history: 4-class probabilities", "ours", invert_probabilities),
    ("invert the history: label map (nearest) + image", "ours", invert_label),
]


def agreement(bench: harness.BenchVolume) -> dict[str, float]:
    """Largest |ours - MONAI| of the two sliding-window outputs, per predictor."""
    found = {}
    for predictor in ("model", "pointwise"):
        ours = ours_window(predictor, bench)()
        found[predictor] = float(np.abs(ours - monai_window(predictor, bench)()[0].numpy()).max())
    return found


def table(results: list[tuple[str, str, harness.Measurement]], bench: harness.BenchVolume) -> list[str]:
    lines = ["| operation | library | median ms | runs | peak MiB (x image) |", "|---|---|--:|--:|--:|"]
    for label, library, m in results:
        if m.error:
            lines.append(f"| {label} | {library} | {m.error} | | |")
            continue
        peak = "-" if m.peak_bytes is None else f"{m.peak_bytes / harness.MIB:.0f} ({m.peak_bytes / bench.nbytes:.1f}x)"
        lines.append(f"| {label} | {library} | {m.median_s * 1e3:,.0f} | {len(m.times)} | {peak} |")
    return lines


def section(results: list, bench: harness.BenchVolume, differences: dict[str, float] | str) -> str:
    env = harness.environment()
    versions = ", ".join(f"{k} {env[k]}" for k in ("numpy", "scipy", "torch", "monai") if k in env)
    agree = (
        differences
        if isinstance(differences, str)
        else (
            f"largest difference between ours and MONAI: {differences['model']:.1e} (stand-in model), "
            f"{differences['pointwise']:.1e} (pointwise): the same tiling and weights, summed in another order"
        )
    )
    return "\n".join(
        [
            "## Inference: sliding window and inversion (`benchmarks/bench_inference.py`)",
            "",
            f"Generated by `python benchmarks/bench_inference.py` on {env.get('cpus', '?')} CPUs; {versions}. "
            f"Sliding window on `mni` ({'x'.join(map(str, bench.shape))} float32) with {PATCH[0]}^3 patches, "
            f"overlap {OVERLAP}, Gaussian weights (sigma 1/8 patch), {BATCH} patches per call, the same tiling "
            f"in both libraries; {agree}. The invert rows undo notebook 10's preprocessing (resample to 1.5 mm, "
            "crop-or-pad to 120x144x120) in one resampling; compare them with the forward pass.",
            "",
            *table(results, bench),
        ]
    )


def main() -> None:
    bench = harness.load_volumes(["mni"])["mni"]
    policy = harness.Policy(slow_s=20.0, timeout_s=600.0)  # the sliding windows take seconds: still 3 runs each
    results = []
    for label, library, setup in ROWS:
        m = harness.measure(library, label, setup, bench, policy)
        results.append((label, library, m))
        print(f"{label:55s} {library:6s} {m.error or f'{m.median_s * 1e3:,.0f} ms x{len(m.times)}'}", flush=True)
    try:
        differences: dict[str, float] | str = harness.call_in_child(functools.partial(agreement, bench))
    except RuntimeError as exc:
        differences = f"MONAI not compared ({exc})"
    text = section(results, bench, differences)
    print(text)
    write_section(HERE / "RESULTS.md", "bench_inference", text)


if __name__ == "__main__":
    sys.exit(main())
