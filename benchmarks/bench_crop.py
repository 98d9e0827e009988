"""Benchmark: crop, random crop (uniform and foreground-centred) and crop-or-pad.

Run: ``.venv/bin/python benchmarks/bench_crop.py [--repeats N]``

Prints the median time (after one warm-up, ``--repeats`` runs) and the peak of
new numpy allocations (tracemalloc) of

* ``crop`` of a 128^3 patch from the MNI image, next to a memcpy of the same
  patch into an existing buffer (``np.copyto``) and the naive blog crop (a
  view: no copy at all, so nearly free, but not contiguous);
* ``random_crop`` of a 128^3 patch of the MNI Volume (image + label + affine),
  uniform and foreground-centred (which first builds a foreground mask);
* ``crop_or_pad_volume`` of MNI to 224x224x160 (pads two axes, crops one) and
  ``pad_volume`` of the CT phantom's 64 slices to 96, next to a memcpy of the
  whole volume into an existing buffer;

and each time as a ratio to its memcpy reference measured in the same run.
"""

from __future__ import annotations

import argparse

import numpy as np

import tutorial_utils as tu
from timing import report
from tutorial_utils.naive.crop import random_crop_3d


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    mni = tu.load_sample("mni")
    ct = tu.load_sample("ct")
    size = (128, 128, 128)
    start = (30, 50, 30)
    patch_view = mni.image[tuple(slice(a, a + s) for a, s in zip(start, size))]
    patch_buffer = np.empty(size, np.float32)
    rng = np.random.default_rng(0)
    report(
        f"128^3 patch of MNI {mni.shape} float32 + uint8 label, median of {args.repeats}",
        {
            "memcpy patch np.copyto (reference)": lambda: np.copyto(patch_buffer, patch_view),
            "crop(image, start, 128)": lambda: tu.crop(mni.image, start, size),
            "naive random_crop_3d (returns a view)": lambda: random_crop_3d(mni.image, size, rng),
            "random_crop(volume, 128, p=0) image+label": lambda: tu.random_crop(mni, size, foreground_p=0.0, rng=rng),
            "random_crop(volume, 128, p=1) image+label": lambda: tu.random_crop(mni, size, foreground_p=1.0, rng=rng),
        },
        args.repeats,
    )
    mni_buffer = np.empty_like(mni.image)
    ct_buffer = np.empty_like(ct.image)
    report(
        f"MNI {mni.shape} -> (224, 224, 160), median of {args.repeats}",
        {
            "memcpy MNI np.copyto (reference)": lambda: np.copyto(mni_buffer, mni.image),
            "crop_or_pad_volume(mni, (224, 224, 160))": lambda: tu.crop_or_pad_volume(mni, (224, 224, 160)),
        },
        args.repeats,
    )
    report(
        f"CT phantom {ct.shape} -> (288, 224, 96), median of {args.repeats}",
        {
            "memcpy CT np.copyto (reference)": lambda: np.copyto(ct_buffer, ct.image),
            "pad_volume(ct, (288, 224, 96))": lambda: tu.pad_volume(ct, (288, 224, 96)),
        },
        args.repeats,
    )


if __name__ == "__main__":
    main()
