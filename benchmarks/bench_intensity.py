"""Benchmark: masked z-score and percentile clip of the MNI template.

Run: ``.venv/bin/python benchmarks/bench_intensity.py [--repeats N]``

Prints the median time (after one warm-up, ``--repeats`` runs) and the peak of
new numpy allocations (tracemalloc) of

* a memcpy of the MNI image (197x233x189 float32, 33 MiB) into an existing
  buffer (``np.copyto``), the floor any whole-volume operation pays;
* ``normalize_intensity(image, method="zscore", mask="nonzero")`` and with the
  brain mask ``label > 0`` passed in;
* ``percentile_clip(image, 0.5, 99.5)`` over all voxels and inside the
  non-zero mask;
* the same on the CT phantom as int16 (HU), where the float32 conversion is
  part of the work;
* the plain numpy one-liners (``np.clip`` with two ``np.percentile``
  bounds, a masked z-score with ``np.std``) and the naive blog versions (an
  in-place clip, a "mean" normalization that shifts the background) for
  reference;

and each time as a ratio to the memcpy measured in the same run. A peak
near 33 MiB is the float32 output itself; a float64 copy of the volume
would show as 66 MiB more.
"""

from __future__ import annotations

import argparse

import numpy as np

import tutorial_utils as tu
from timing import MIB, report
from tutorial_utils.naive import intensity as naive


def numpy_masked_zscore(image: np.ndarray) -> np.ndarray:
    """The textbook numpy masked z-score, as a reference (np.std makes a float64 temporary)."""
    mask = image != 0
    out = (image - image[mask].mean()) / image[mask].std()
    out[~mask] = 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    mni = tu.load_sample("mni")
    image = mni.image
    brain = mni.label > 0
    buffer = np.empty_like(image)
    scratch = image.copy()
    report(
        f"MNI {image.shape} float32 ({image.nbytes / MIB:.0f} MiB), "
        f"{100 * np.count_nonzero(image) / image.size:.0f} % non-zero, median of {args.repeats}",
        {
            "memcpy np.copyto (reference)": lambda: np.copyto(buffer, image),
            'normalize_intensity zscore mask="nonzero"': lambda: tu.normalize_intensity(image),
            "numpy (a - a[m].mean()) / a[m].std(), a[~m] = 0": lambda: numpy_masked_zscore(image),
            "normalize_intensity zscore mask=label > 0": lambda: tu.normalize_intensity(image, mask=brain),
            "normalize_intensity minmax mask=None": lambda: tu.normalize_intensity(image, method="minmax", mask=None),
            "percentile_clip 0.5-99.5 all voxels": lambda: tu.percentile_clip(image, 0.5, 99.5),
            "numpy np.clip(a, np.percentile(a, .5), np.percentile(a, 99.5))": lambda: np.clip(
                image, np.percentile(image, 0.5), np.percentile(image, 99.5)
            ),
            'percentile_clip 0.5-99.5 mask="nonzero"': lambda: tu.percentile_clip(image, 0.5, 99.5, mask="nonzero"),
            'naive normalize_intensity "mean" (float32 in)': lambda: naive.normalize_intensity(image, "mean"),
            "naive percentile_clip 0.1-99.8 (in place, on a copy)": lambda: naive.percentile_clip(scratch),
        },
        args.repeats,
    )

    ct = tu.load_sample("ct")
    hu = np.rint(ct.image).astype(np.int16)
    hu_buffer = np.empty(hu.shape, np.float32)
    report(
        f"CT phantom {hu.shape} int16 HU ({hu.nbytes / MIB:.0f} MiB; float32 output "
        f"{hu_buffer.nbytes / MIB:.0f} MiB), median of {args.repeats}",
        {
            "int16 -> float32 np.copyto (reference)": lambda: np.copyto(hu_buffer, hu, casting="unsafe"),
            'window(hu, *CT_WINDOWS["abdomen"])': lambda: tu.window(hu, *tu.CT_WINDOWS["abdomen"]),
            "percentile_clip 0.5-99.5": lambda: tu.percentile_clip(hu, 0.5, 99.5),
            "normalize_intensity zscore mask=label > 0": lambda: tu.normalize_intensity(hu, mask=ct.label > 0),
        },
        args.repeats,
    )


if __name__ == "__main__":
    main()
