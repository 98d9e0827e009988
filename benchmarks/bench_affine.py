"""Benchmark: one composed random affine of the 1 mm MNI template.

Run: ``.venv/bin/python benchmarks/bench_affine.py [--repeats N]``

Prints the median time (after one warm-up, ``--repeats`` runs) and the peak of
new numpy allocations (tracemalloc) of

* ``random_affine(mni, rng=0)``: rotation, scale and translation in ONE linear
  resampling of the image, nearest neighbour for the label (the target);
* the same draw as three chained resamplings (rotate, scale, translate), the
  blog's way of composing, with our functions;
* the image alone, through our threaded resampling on one thread and on all,
  to show where the speed comes from (skipping the background, then threads);
* ``random_affine`` with a fresh draw per call (magnified draws cost more);
* the same draw on an image with no exact background (small noise added):
  only the threads help there;
* plain single-threaded ``scipy.ndimage.affine_transform`` (order 1) of the
  image with the same matrix: the reference of the target;
* a memcpy of the image into an existing buffer (``np.copyto``): the floor any
  whole-volume operation pays;

and each time as a ratio to scipy and to the memcpy, measured in the same run
(round-robin, see :func:`measure`). The CPU column (process time of all
threads, relative to scipy's) shows the work done, whatever the machine's load:
on two idle cores the wall time of a two-thread operation approaches half of it.
Target (issue 4): ``random_affine`` <= 0.65 x scipy (wall time).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from scipy import ndimage

import tutorial_utils as tu
from tutorial_utils import _resampling, _threads

MIB = 1024 * 1024
TARGET = 0.65


def measure(cases: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float, float]]:
    """Per case: median wall seconds, median CPU seconds (all threads) and peak new allocation in MiB.

    After one warm-up call of each case, the timed calls go round-robin (one
    call of every case per round), so a change in the machine's load hits all
    cases alike and the ratios stay meaningful on a busy machine.
    """
    for fn in cases.values():
        fn()
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - start_wall)
            cpu[name].append(time.process_time() - start_cpu)
    results = {}
    for name, fn in cases.items():
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[name] = (statistics.median(wall[name]), statistics.median(cpu[name]), peak / MIB)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    mni = tu.load_sample("mni")
    drawn = dict(tu.random_affine(mni, rng=0).history[-1].params)
    matrix = tu.affine_matrix(
        mni.shape,
        rotation=drawn["rotation"],
        scale=drawn["scale"],
        translation=drawn["translation"],
        spacing=mni.spacing,
        translation_units="mm",
    )
    noisy = mni.replace(image=mni.image + np.random.default_rng(0).uniform(0.01, 1.0, mni.shape).astype(np.float32))
    fresh = np.random.default_rng(1)
    buffer = np.empty_like(mni.image)
    scipy_out = np.empty_like(mni.image)

    def chained() -> tu.Volume:
        step = tu.rotate_volume(mni, drawn["rotation"])
        step = tu.affine_volume(step, scale=drawn["scale"])
        return tu.affine_volume(step, translation=drawn["translation"])

    def ours_image(threads: int) -> Callable[[], object]:
        return lambda: _resampling.affine_transform(mni.image, matrix[:3, :3], matrix[:3, 3], threads=threads)

    cases: dict[str, Callable[[], object]] = {
        "scipy affine_transform order 1, 1 thread (reference)": lambda: ndimage.affine_transform(
            mni.image, matrix[:3, :3], matrix[:3, 3], order=1, output=scipy_out
        ),
        "memcpy np.copyto": lambda: np.copyto(buffer, mni.image),
        "random_affine(mni) image + label (TARGET)": lambda: tu.random_affine(mni, rng=0),
        "three chained resamplings, image + label": chained,
        "our resampling, image only, 1 thread": ours_image(1),
        f"our resampling, image only, {_threads.num_threads()} threads": ours_image(_threads.num_threads()),
        "random_affine, a fresh draw each call": lambda: tu.random_affine(mni, rng=fresh),
        "random_affine, image without exact background": lambda: tu.random_affine(noisy, rng=0),
    }
    print(
        f"MNI {mni.shape} float32 ({mni.image.nbytes / MIB:.0f} MiB) + uint8 label, "
        f"{_threads.num_threads()} CPUs, median of {args.repeats} after a warm-up"
    )
    print(
        f"draw: rotation {tuple(round(a, 2) for a in drawn['rotation'])} deg, "
        f"scale {drawn['scale']:.3f}, translation {tuple(round(t, 2) for t in drawn['translation'])} mm"
    )
    results = measure(cases, args.repeats)
    scipy_time, scipy_cpu, _ = results["scipy affine_transform order 1, 1 thread (reference)"]
    memcpy_time = results["memcpy np.copyto"][0]
    print(f"{'operation':<56}{'median ms':>10}{'x scipy':>9}{'x memcpy':>10}{'CPU x scipy':>12}{'peak MiB':>10}")
    for name, (seconds, cpu_seconds, peak) in results.items():
        print(
            f"{name:<56}{seconds * 1e3:>10.1f}{seconds / scipy_time:>9.2f}"
            f"{seconds / memcpy_time:>10.1f}{cpu_seconds / scipy_cpu:>12.2f}{peak:>10.1f}"
        )
    ratio = results["random_affine(mni) image + label (TARGET)"][0] / scipy_time
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"target random_affine <= {TARGET} x scipy: {ratio:.2f} ({verdict})")


if __name__ == "__main__":
    main()
