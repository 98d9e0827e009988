"""Benchmark: resample the 1 mm MNI template to 2 mm.

Run: ``.venv/bin/python benchmarks/bench_resize.py [--repeats N]``

Prints the median time (after one warm-up, ``--repeats`` runs) and the peak of
new numpy allocations (tracemalloc) of

* ``resample_to_spacing(mni, 2.0)`` with and without anti-aliasing (image
  linear, label nearest neighbour);
* the image alone through ``nibabel.processing.resample_to_output`` (order 1,
  and its default order 3) for reference;
* a memcpy of the same image into an existing buffer (``np.copyto``), the
  floor any whole-volume operation pays;

and each time as a ratio to the memcpy measured in the same run.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
from nibabel.processing import resample_to_output

import tutorial_utils as tu
from timing import MIB, measure
from tutorial_utils._threads import num_threads as default_threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    mni = tu.load_sample("mni")
    image_nii, _ = mni.to_nifti()
    buffer = np.empty_like(mni.image)
    cases: dict[str, Callable[[], object]] = {
        "memcpy np.copyto (reference)": lambda: np.copyto(buffer, mni.image),
        "resample_to_spacing 2 mm (antialias)": lambda: tu.resample_to_spacing(mni, 2.0),
        "resample_to_spacing 2 mm (no antialias)": lambda: tu.resample_to_spacing(mni, 2.0, antialias=False),
        "nibabel resample_to_output order=1 (image only)": lambda: resample_to_output(image_nii, 2.0, order=1),
        "nibabel resample_to_output order=3 (default)": lambda: resample_to_output(image_nii, 2.0),
    }
    print(
        f"MNI {mni.shape} float32 image ({mni.image.nbytes / MIB:.1f} MiB) + uint8 label -> 2 mm; "
        f"{default_threads()} threads, median of {args.repeats}"
    )
    print(f"{'operation':50s} {'time ms':>9s} {'x memcpy':>9s} {'peak MiB':>9s}")
    reference = None
    for name, fn in cases.items():
        seconds, peak = measure(fn, args.repeats)
        reference = reference or seconds
        print(f"{name:50s} {seconds * 1e3:9.1f} {seconds / reference:9.1f} {peak:9.1f}")


if __name__ == "__main__":
    main()
