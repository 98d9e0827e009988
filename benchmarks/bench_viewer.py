"""Time a SliceViewer update on the ``mni`` sample: slider change -> new PNG in the Image widget.

Run: ``.venv/bin/python benchmarks/bench_viewer.py [--repeats N]``

Printed, median over the repeats after a warm-up:

* ``update (in place)``: ``slider.value = k`` for each plane slider, which
  updates the image, overlay and crosshair artists in place, redraws them
  over the cached background and encodes the PNG (what the widget does);
* its two halves, ``draw`` (restore background + draw the changed artists)
  and ``encode`` (canvas -> PNG bytes);
* ``update, full redraw``: the same with every artist redrawn (no cached
  background: ticks, labels, letters, titles too);
* ``re-create figure``: the usual ``interact`` way, building a new
  three-plane figure with :func:`tutorial_utils.show_slices` and saving it as
  PNG on every change (the reference the issue names);
* peak Python memory (tracemalloc) of one in-place update.

Target (issue 2): median in-place update <= 15 ms.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import tracemalloc
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import tutorial_utils as tu  # noqa: E402
from tutorial_utils.display._canvas import encode_png  # noqa: E402
from tutorial_utils.display.slicing import PLANES  # noqa: E402

TARGET_MS = 15.0


def median_ms(fn: Callable[[], object], repeats: int, warmup: int = 3) -> tuple[float, float]:
    """Median wall-clock and CPU (this process) milliseconds per call.

    On a busy machine the CPU time is the steadier figure: it leaves out the
    time the process waited for a core.
    """
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


def stepper(viewer: tu.SliceViewer, name: str) -> Callable[[], None]:
    """Move one plane slider back and forth by one slice per call."""
    slider = viewer.sliders[name]
    state = {"step": 1}

    def step() -> None:
        if not slider.min <= slider.value + state["step"] <= slider.max:
            state["step"] = -state["step"]
        slider.value = slider.value + state["step"]

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    volume = tu.load_sample("mni")
    viewer = tu.SliceViewer(volume)
    print(
        f"mni {volume.shape}, label overlay on, figure {viewer.rgba().shape[1]}x{viewer.rgba().shape[0]} px "
        f"at {viewer.figure.dpi:g} dpi, {args.repeats} repeats"
    )

    per_plane = {name: median_ms(stepper(viewer, name), args.repeats) for name in PLANES}
    in_place = (
        statistics.median(w for w, _ in per_plane.values()),
        statistics.median(c for _, c in per_plane.values()),
    )

    canvas = viewer._canvas
    artists = [a for a in viewer._dynamic_artists() if a is not None]

    def draw_only() -> None:
        canvas.restore_region(viewer._background)
        renderer = canvas.get_renderer()
        for artist in artists:
            artist.draw(renderer)

    draw_ms = median_ms(draw_only, args.repeats)
    encode_ms = median_ms(lambda: encode_png(viewer.rgba()), args.repeats)
    full_ms = median_ms(lambda: viewer.render(full=True), args.repeats)

    indices = list(viewer.indices)

    def recreate() -> None:
        indices[2] = (indices[2] + 1) % volume.shape[2]
        fig = tu.show_slices(volume, indices)
        fig.set_dpi(viewer.figure.dpi)
        fig.savefig(io.BytesIO(), format="png")

    recreate_ms = median_ms(recreate, max(5, args.repeats // 3), warmup=1)

    step = stepper(viewer, "axial")
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def row(name: str, ms: tuple[float, float], note: str = "") -> None:
        print(f"{name:<34}{ms[0]:>10.1f}{ms[1]:>10.1f}{note}")

    print(f"{'operation':<34}{'wall ms':>10}{'CPU ms':>10}")
    for name, ms in per_plane.items():
        row("update (in place), " + name, ms)
    met = "met" if in_place[0] <= TARGET_MS else "NOT met"
    row("update (in place), median plane", in_place, f"   target <= {TARGET_MS:g} ms (wall): {met}")
    row("  of which draw (blit)", draw_ms)
    row("  of which PNG encode", encode_ms)
    row("update, full redraw", full_ms)
    row("re-create figure (reference)", recreate_ms)
    print(
        f"re-create / in-place update: {recreate_ms[0] / in_place[0]:.1f}x wall, "
        f"{recreate_ms[1] / in_place[1]:.1f}x CPU; full redraw / in-place: "
        f"{full_ms[0] / in_place[0]:.1f}x wall"
    )
    print(f"peak Python memory of one update (tracemalloc): {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
