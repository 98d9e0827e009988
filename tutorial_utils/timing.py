"""Time a few calls side by side, on both clocks, for the notebooks' speed comparisons.

Wall-clock time is what you wait; CPU time (:func:`time.process_time`) sums
the time every thread of this process spent computing. A step that splits its
work over threads shows a wall time below its CPU time; a step that skips work
shows a lower CPU time. Reading both tells the two apart. The calls alternate
and each keeps its best time, so a busy machine penalises all of them alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ._checks import describe


class Timing(NamedTuple):
    """Best wall-clock and CPU seconds of one call, and what the last call returned."""

    wall: float
    cpu: float
    result: Any


def time_calls(calls: Mapping[str, Callable[[], Any]], *, repeat: int = 3) -> dict[str, Timing]:
    """Run each call ``repeat`` times, alternating between them, and keep each one's best times.

    Parameters
    ----------
    calls : mapping of str to callable
        Name -> a function of no arguments (``lambda: tu.resize(a, shape)``).
    repeat : int
        Runs per call, >= 1. The best (smallest) time of each clock is kept.

    Returns
    -------
    dict of str to Timing
        ``timing.wall`` and ``timing.cpu`` in seconds, ``timing.result`` the
        value the last run returned.

    Examples
    --------
    >>> times = time_calls({"sum": lambda: sum(range(1000))}, repeat=2)
    >>> times["sum"].result, times["sum"].wall >= 0, times["sum"].cpu >= 0
    (499500, True, True)
    """
    if not isinstance(calls, Mapping) or not calls or not all(callable(f) for f in calls.values()):
        raise TypeError(f"calls must be a non-empty dict of name -> function of no arguments; got {describe(calls)}")
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be an int >= 1; got {describe(repeat)}")
    wall = dict.fromkeys(calls, float("inf"))
    cpu = dict.fromkeys(calls, float("inf"))
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, call in calls.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            results[name] = call()
            wall[name] = min(wall[name], time.perf_counter() - start_wall)
            cpu[name] = min(cpu[name], time.process_time() - start_cpu)
    return {name: Timing(wall[name], cpu[name], results[name]) for name in calls}


__all__ = ["Timing", "time_calls"]
