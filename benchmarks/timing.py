"""Timing and memory helpers shared by the standalone ``bench_*.py`` scripts.

Times are medians of repeated calls after an uncounted warm-up call; memory is
the peak that ``fn`` allocates through Python and numpy (``tracemalloc``).
``run_all.py`` (the TorchIO/MONAI comparison) measures in subprocesses instead,
see ``harness.py``.
"""

from __future__ import annotations

import re
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

MIB = 1024 * 1024


def median_seconds(fn: Callable[[], object], repeats: int, warm_up: bool = True) -> float:
    """Median seconds of ``repeats`` calls (after one uncounted call when ``warm_up``)."""
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_bytes(fn: Callable[[], object]) -> int:
    """Peak of the memory one call of ``fn`` allocates through Python and numpy."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def peak_mib(fn: Callable[[], object]) -> float:
    """:func:`peak_bytes` in MiB."""
    return peak_bytes(fn) / MIB


def measure(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median seconds over ``repeats`` runs after a warm-up, and peak new allocation in MiB."""
    return median_seconds(fn, repeats), peak_mib(fn)


def report(title: str, cases: dict[str, Callable[[], object]], repeats: int, width: int = 64) -> None:
    """Print time, ratio to the first case (the reference) and peak memory for each case."""
    print(f"\n{title}")
    print(f"{'operation':{width}s} {'time ms':>9s} {'x first':>9s} {'peak MiB':>9s}")
    reference = None
    for name, fn in cases.items():
        seconds, peak = measure(fn, repeats)
        reference = reference or seconds
        print(f"{name:{width}s} {seconds * 1e3:9.2f} {seconds / reference:9.1f} {peak:9.1f}")


def section_markers(name: str) -> tuple[str, str]:
    """The HTML comments around the RESULTS.md section that the benchmark script ``name`` owns."""
    return f"<!-- {name}: start -->", f"<!-- {name}: end -->"


def write_section(path: Path, name: str, body: str) -> None:
    """Put ``body`` between the markers of section ``name`` in ``path``, replacing an older one.

    Each standalone benchmark script owns one marked section of RESULTS.md;
    ``run_all.py`` keeps those sections (:func:`kept_sections`) when it
    rewrites the rest.
    """
    start, end = section_markers(name)
    text = f"{start}\n{body}\n{end}"
    old = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    new = pattern.sub(lambda _: text, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def kept_sections(path: Path) -> str:
    """Every section of ``path`` between the markers of :func:`section_markers`, each on its own lines: what to keep."""
    old = path.read_text() if path.exists() else ""
    found = re.finditer(r"<!-- ([\w-]+): start -->.*?<!-- \1: end -->", old, re.S)
    return "".join("\n" + match.group(0) + "\n" for match in found)
