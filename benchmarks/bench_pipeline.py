"""Benchmark: throughput of the training augmentation pipeline, in volumes per second.

Run: ``.venv/bin/python benchmarks/bench_pipeline.py [--volumes N] [--repeats R]``

Input: the MNI template (1 mm, image + 4-class label) centre-cropped to 128^3.
Pipeline (one ``Compose``, one generator per sample): random affine (rotation,
scaling, translation in one resampling), random flip, random elastic, bias
field, gamma, noise, z-score normalisation inside the brain.

Prints

* the pipeline on one volume in this process: median time (after a warm-up,
  ``--repeats`` runs), volumes per second, and the peak of new numpy
  allocations (tracemalloc), next to a memcpy of the image into an existing
  buffer (``np.copyto``) and one ``save_volume`` (gzip NIfTI) measured in the
  same run, with their ratios;
* ``augment_and_save`` of ``--volumes`` volumes with 1 and with 2 processes:
  the first call (which starts the process server that imports the package
  once) and the median of ``--repeats`` more calls, as volumes per second,
  and the speed-up. The resampling steps already use every core through
  threads, so 2 processes on 2 cores give less than 2x.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import tempfile

import numpy as np

import tutorial_utils as tu
from timing import median_seconds, peak_mib
from tutorial_utils._threads import num_threads as default_threads


def build_pipeline() -> tu.Compose:
    """The augmentation pipeline; module-level functions and partials, so workers can unpickle it."""
    return tu.Compose(
        [
            functools.partial(tu.random_affine, degrees=10, scale_range=(0.9, 1.1), translation_range=5.0),
            tu.random_flip,
            functools.partial(tu.random_elastic, num_control_points=7, max_displacement=6.0),
            functools.partial(tu.random_bias_field, strength=0.2),
            tu.random_gamma,
            functools.partial(tu.random_noise, std_range=(0.0, 5.0)),
            functools.partial(tu.normalize_volume, mask="label"),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volumes", type=int, default=8, help="volumes per augment_and_save run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    volume = tu.crop_or_pad_volume(tu.load_sample("mni"), 128)
    pipeline = build_pipeline()
    buffer = np.empty_like(volume.image)
    counter = iter(range(10**9))
    folder = tempfile.mkdtemp(prefix="bench_pipeline_")

    print(
        f"MNI centre-cropped to {volume.shape}, float32 image + uint8 label; "
        f"{default_threads()} threads per process for resampling"
    )
    print(f"\none volume in this process, median of {args.repeats}")
    print(f"{'operation':44s} {'time ms':>9s} {'x memcpy':>9s} {'vol/s':>7s} {'peak MiB':>9s}")
    cases = {
        "memcpy np.copyto (reference)": lambda: np.copyto(buffer, volume.image),
        "pipeline(volume, rng=sample_rng(0, i))": lambda: pipeline(volume, rng=tu.sample_rng(0, next(counter))),
        "save_volume (image + label .nii.gz)": lambda: tu.save_volume(volume, folder, "bench"),
    }
    reference = None
    for name, fn in cases.items():
        seconds = median_seconds(fn, args.repeats)
        reference = reference or seconds
        print(f"{name:44s} {seconds * 1e3:9.1f} {seconds / reference:9.0f} {1 / seconds:7.2f} {peak_mib(fn):9.1f}")

    volumes = [volume] * args.volumes
    print(
        f"\naugment_and_save of {args.volumes} volumes (augment + save): the first call, which starts "
        f"the worker processes' server, then the median of {args.repeats} more"
    )
    rates = {}
    for processes in (1, 2):

        def run(processes: int = processes) -> None:
            tu.augment_and_save(volumes, pipeline, folder, processes=processes, progress=False)

        first = median_seconds(run, 1, warm_up=False)
        seconds = median_seconds(run, args.repeats, warm_up=False)
        rates[processes] = args.volumes / seconds
        print(
            f"{processes} process{'es' if processes > 1 else '  '}: first {first:6.2f} s | "
            f"then {seconds:6.2f} s = {rates[processes]:5.2f} vol/s"
        )
    print(f"speed-up with 2 processes: {rates[2] / rates[1]:.2f}x")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
