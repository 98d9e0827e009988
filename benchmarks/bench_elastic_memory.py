"""Benchmark: peak extra memory of ``random_elastic`` at 1, 2, 4 and 8 threads.

Run: ``.venv/bin/python benchmarks/bench_elastic_memory.py [--size 128] [--repeats 3]``

For a ``size``^3 float32 volume with a uint8 label, prints for each thread
count (set with :func:`tutorial_utils.set_num_threads`) the peak of new
allocations during one ``random_elastic(volume, rng=0)`` call (``tracemalloc``,
which sees numpy's buffers in every thread; the output image and label are
included) as a multiple of the image's size, and the median time. Two
volumes:

* ``head``: the 1 mm MNI template resized to ``size``^3 (background around
  the head, which the warp skips);
* ``filled``: noise everywhere and a label in the middle, so every chunk is
  warped in full: the worst case.

It also checks that the output (image, label and the record with its
measurements) is identical at every thread count. Target (issue 14): peak
<= 4x the image at every thread count.
"""

from __future__ import annotations

import argparse

import numpy as np

import tutorial_utils as tu
from timing import median_seconds, peak_bytes

THREADS = (1, 2, 4, 8)
TARGET = 4.0


def volumes(size: int) -> dict[str, tu.Volume]:
    """The two test volumes, ``size``^3 voxels of 1 mm, float32 image and uint8 label."""
    mni = tu.resize_volume(tu.load_sample("mni"), (size,) * 3)
    head = tu.Volume(mni.image, np.diag([1.0, 1.0, 1.0, 1.0]), mni.label.astype(np.uint8))
    rng = np.random.default_rng(0)
    label = np.zeros((size,) * 3, np.uint8)
    label[size // 4 : 3 * size // 4, size // 4 : 3 * size // 4, size // 4 : 3 * size // 4] = 1
    image = (100.0 + 10.0 * rng.standard_normal((size,) * 3) + 50.0 * label).astype(np.float32)
    filled = tu.Volume(image, np.eye(4), label)
    return {"head": head, "filled": filled}


def measure(volume: tu.Volume, threads: int, repeats: int) -> tuple[float, float, tu.Volume]:
    """(peak extra memory / image bytes, median seconds, output) at ``threads`` threads."""
    tu.set_num_threads(threads)
    try:

        def call() -> tu.Volume:
            return tu.random_elastic(volume, rng=0)

        out = call()  # warm-up, and the output to compare
        peak = peak_bytes(call) / volume.image.nbytes
        seconds = median_seconds(call, repeats, warm_up=False)
    finally:
        tu.set_num_threads(None)
    return peak, seconds, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    size_mib = args.size**3 * 4 / 2**20
    print(f"random_elastic on {args.size}^3 float32 ({size_mib:.0f} MiB) + uint8 label; target peak <= {TARGET}x")
    print(f"{'volume':8s} {'threads':>7s} {'peak MiB':>9s} {'x image':>8s} {'ms':>8s}  identical  met?")
    failed = []
    for name, volume in volumes(args.size).items():
        reference = None
        for threads in THREADS:
            peak, seconds, out = measure(volume, threads, args.repeats)
            if reference is None:
                reference = out
            same = (
                np.array_equal(out.image, reference.image)
                and np.array_equal(out.label, reference.label)
                and out.history == reference.history
            )
            met = peak <= TARGET and same
            if not met:
                failed.append(f"{name} at {threads} threads")
            print(
                f"{name:8s} {threads:7d} {peak * size_mib:9.1f} {peak:8.2f} {seconds * 1e3:8.0f}  "
                f"{'yes' if same else 'NO':9s}  {'yes' if met else '**no**'}"
            )
    print("all met" if not failed else f"missed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
