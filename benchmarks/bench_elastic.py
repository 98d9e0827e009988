"""Benchmark: random elastic deformation of the 1 mm MNI template (image linear, label nearest).

Run: ``.venv/bin/python benchmarks/bench_elastic.py [--repeats N] [--blog-runs N]``

Prints the median time (after one warm-up, ``--repeats`` runs) and the peak of
new numpy allocations (tracemalloc), as a multiple of the image's size, of

* ``random_elastic(mni, num_control_points=7, max_displacement=14 mm)``, one
  fixed draw whose measured mean displacement (printed) is above 2 mm: the
  target;
* the same field built whole (``random_displacement_field``) and applied with
  the threaded ``map_coordinates`` to the image alone: the straightforward
  fast version, to show what evaluating the field chunk by chunk and skipping
  the background buy;
* the blog's ``elastic_transform_3d`` at its defaults (alpha 4, sigma 35), the
  naive reproduction in ``tutorial_utils.naive.elastic``, run ``--blog-runs``
  times (about 11 s each) with its measured displacement;
* TorchIO's ``RandomElasticDeformation`` (7 control points, its default
  7.5 mm per component), when TorchIO is installed; time only (torch's
  allocator is not traced);
* a memcpy of the image into an existing buffer (``np.copyto``): the floor
  any whole-volume operation pays;

and the ratios measured in the same run. Targets (issue 7): ``random_elastic``
<= 0.4 s median on a 2-core machine, <= 0.04x the blog function, peak memory
<= 6x the volume.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

import tutorial_utils as tu
from timing import median_seconds as timed
from timing import peak_bytes
from tutorial_utils import _resampling, _threads
from tutorial_utils.naive.elastic import blog_displacement_field, elastic_transform_3d

MAX_DISPLACEMENT_MM = 14.0
SEED = 0
TARGET_SECONDS = 0.4
TARGET_RATIO = 0.04
TARGET_MEMORY = 6.0


def torchio_elastic(mni: tu.Volume) -> Callable[[], object] | None:
    if importlib.util.find_spec("torchio") is None:
        return None
    import torchio

    subject = torchio.Subject(
        image=torchio.ScalarImage(tensor=mni.image[None], affine=mni.affine),
        label=torchio.LabelMap(tensor=mni.label[None].astype(np.int16), affine=mni.affine),
    )
    transform = torchio.RandomElasticDeformation(num_control_points=7)
    return lambda: transform(subject)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--blog-runs", type=int, default=1)
    args = parser.parse_args()

    mni = tu.load_sample("mni")
    size = mni.image.nbytes
    buffer = np.empty_like(mni.image)

    def ours() -> tu.Volume:
        return tu.random_elastic(mni, num_control_points=7, max_displacement=MAX_DISPLACEMENT_MM, rng=SEED)

    record = ours().history[-1].params

    def dense_then_map() -> np.ndarray:
        field = tu.random_displacement_field(
            mni.shape, max_displacement=MAX_DISPLACEMENT_MM, spacing=mni.spacing, rng=SEED
        )
        for axis, n in enumerate(mni.shape):
            field[axis] += np.arange(n, dtype=np.float32).reshape([-1 if a == axis else 1 for a in range(3)])
        return _resampling.map_coordinates(mni.image, field, order=1)

    rows = []
    memcpy = timed(lambda: np.copyto(buffer, mni.image), args.repeats * 3)
    ours_time = timed(ours, args.repeats)
    rows.append(("random_elastic (image + label)", ours_time, peak_bytes(ours)))
    rows.append(
        (
            "whole field + threaded map_coordinates (image)",
            timed(dense_then_map, args.repeats),
            peak_bytes(dense_then_map),
        )
    )

    blog_times = []
    tracemalloc.start()
    for run in range(args.blog_runs):
        start = time.perf_counter()
        elastic_transform_3d(mni.image, mni.label, rng=run)
        blog_times.append(time.perf_counter() - start)
    _, blog_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    blog_time = statistics.median(blog_times)
    rows.append(("blog elastic_transform_3d (alpha 4, sigma 35)", blog_time, blog_peak))
    blog_stats = tu.displacement_stats(blog_displacement_field(mni.shape, rng=0))

    torchio_call = torchio_elastic(mni)
    if torchio_call is not None:
        rows.append(("TorchIO RandomElasticDeformation", timed(torchio_call, max(3, args.repeats // 2)), None))

    print(f"MNI {mni.shape}, {size / 2**20:.1f} MiB float32 image + uint8 label, {_threads.num_threads()} threads")
    print(
        f"our draw: max_displacement {MAX_DISPLACEMENT_MM} mm, measured mean {record['field_mean_mm']} mm, "
        f"max {record['field_max_mm']} mm, min Jacobian {record['field_min_jacobian']}"
    )
    print(
        f"blog field at its defaults: mean {blog_stats['mean_displacement']:.4f} voxel, "
        f"max {blog_stats['max_displacement']:.4f} voxel"
    )
    print(f"{'operation':50s} {'median s':>9s} {'x blog':>8s} {'x memcpy':>9s} {'peak / volume':>14s}")
    for name, seconds, peak in rows:
        memory = "n/a" if peak is None else f"{peak / size:.2f}"
        print(f"{name:50s} {seconds:9.3f} {seconds / blog_time:8.4f} {seconds / memcpy:9.0f} {memory:>14s}")
    print(f"{'memcpy (np.copyto into a buffer)':50s} {memcpy:9.4f}")
    ours_peak = rows[0][2] / size
    print(
        f"targets: random_elastic {ours_time:.3f} s (<= {TARGET_SECONDS}), "
        f"{ours_time / blog_time:.4f} x blog (<= {TARGET_RATIO}), peak {ours_peak:.2f} x volume "
        f"(<= {TARGET_MEMORY}); mean displacement {record['field_mean_mm']} mm (>= 2)"
    )
    if torchio_call is None:
        print("TorchIO not installed: skipped")


if __name__ == "__main__":
    main()
