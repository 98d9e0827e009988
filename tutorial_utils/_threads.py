"""The one thread helper: how many threads, and running independent pieces of work on them.

numpy and ``scipy.ndimage`` release the GIL in their loops, so splitting a
volume into slabs and filling each from its own thread uses every core. Every
parallel path of the package (resampling, separable resize, the elastic warp
and its statistics) goes through :func:`run_tasks` or :func:`run_chunks`, and
the thread count is set in one place:

* :func:`set_num_threads` (``tu.set_num_threads(1)`` in a worker process that
  should use one core), or
* the environment variable ``TUTORIAL_UTILS_NUM_THREADS``, read at each call,
* else every CPU this process may use.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

from ._checks import describe

T = TypeVar("T")

#: Below this many output voxels one thread is faster than starting threads.
MIN_PARALLEL_VOXELS = 1 << 18

#: Slabs per thread in :func:`slab_bounds`: more slabs than threads balance
#: the load (a thread that finishes a cheap slab takes the next one).
SLABS_PER_THREAD = 8

ENV_VARIABLE = "TUTORIAL_UTILS_NUM_THREADS"

_num_threads: int | None = None


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows
        return max(1, os.cpu_count() or 1)


def set_num_threads(n: int | None) -> None:
    """Set how many threads the package uses; ``None`` goes back to the default.

    Parameters
    ----------
    n : int or None
        At least 1. Use 1 inside worker processes that already run one per
        core (DataLoader workers, Dask workers), so they do not compete.

    Examples
    --------
    >>> set_num_threads(1); num_threads()
    1
    >>> set_num_threads(None)
    """
    global _num_threads
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
        raise ValueError(f"n must be an int >= 1 or None; got {describe(n)}")
    _num_threads = None if n is None else int(n)


def num_threads() -> int:
    """Threads the package uses now: :func:`set_num_threads`, else the environment variable, else the CPUs."""
    if _num_threads is not None:
        return _num_threads
    value = os.environ.get(ENV_VARIABLE, "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{ENV_VARIABLE} must be an int >= 1; got {value!r}")
        return int(value)
    return _cpus()


def resolve_threads(threads: int | None) -> int:
    """``threads`` if given (at least 1), else :func:`num_threads`."""
    return num_threads() if threads is None else max(1, int(threads))


def slab_bounds(n: int, threads: int) -> list[tuple[int, int]]:
    """Split ``range(n)`` into about ``threads * SLABS_PER_THREAD`` non-empty ``(start, stop)`` slabs."""
    edges = np.linspace(0, n, max(1, threads) * SLABS_PER_THREAD + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def run_tasks(tasks: Sequence[Callable[[], Any]], n_voxels: int, threads: int | None = None) -> None:
    """Run independent ``tasks`` (callables without arguments) on up to ``threads`` threads.

    Small jobs (fewer than :data:`MIN_PARALLEL_VOXELS` voxels) run in this
    thread. The first exception raised by a task is raised here.
    """
    threads = resolve_threads(threads)
    if threads == 1 or len(tasks) < 2 or n_voxels < MIN_PARALLEL_VOXELS:
        for task in tasks:
            task()
        return
    with ThreadPoolExecutor(max_workers=min(threads, len(tasks))) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()


def run_chunks(
    bounds: Sequence[tuple[int, int]],
    work: Callable[[int, int, Any], T],
    n_voxels: int,
    make_state: Callable[[], Any] = lambda: None,
    threads: int | None = None,
) -> list[T]:
    """Call ``work(start, stop, state)`` for every chunk in ``bounds``; results in chunk order.

    Each thread takes the next chunk from a shared queue and keeps one
    ``state = make_state()`` (scratch buffers, say) for all the chunks it
    does, so memory grows with the thread count, not with the chunk count.
    """
    threads = min(resolve_threads(threads), len(bounds)) if n_voxels >= MIN_PARALLEL_VOXELS else 1
    results: list[Any] = [None] * len(bounds)
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(bounds)):
        todo.put(index)

    def worker() -> None:
        state = make_state()
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            results[index] = work(*bounds[index], state)

    if threads <= 1:
        worker()
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(worker) for _ in range(threads)]:
                future.result()
    return results
