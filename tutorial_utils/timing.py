"""Time a few calls side by side, on both clocks, for the notebooks' speed comparisons.

Wall-clock time is what you wait; CPU time (:func:`time.process_time`) sums
the time every thread of this process spent computing. A step that splits its
work over threads shows a wall time below its CPU time; a step that skips work
shows a lower CPU time. Reading both tells the two apart. The calls alternate
and each keeps its best time, so a busy machine penalises all of them alike.
"""

from __future__ import annotations

import math
import numbers
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


def describe_speedup(speedup: float, workers: int, cores: int, unit: str = "worker") -> str:
    """Words for a measured speed-up of ``workers`` parallel workers over one, chosen by its value.

    A notebook prints this next to its timing, so the words cannot contradict
    the number on a slower, faster or busier machine. The best possible
    speed-up is ``min(workers, cores)``; the sentence says whether the
    measurement came close to it, fell short, bought nothing or made things
    slower.

    Parameters
    ----------
    speedup : float
        Throughput of ``workers`` workers over the throughput of one (> 0).
    workers : int
        Parallel workers (processes) of the faster run, >= 2.
    cores : int
        CPU cores of the machine (``os.cpu_count()``), >= 1.
    unit : str
        What a worker is called in the sentence (``"process"``, ``"worker"``).

    Returns
    -------
    str
        One sentence that starts with the measured ratio.

    Examples
    --------
    >>> describe_speedup(1.76, 2, 2)
    '1.76x the throughput of one worker: close to the 2x that 2 workers on 2 cores allow at best.'
    >>> describe_speedup(0.78, 2, 2, unit="process")
    '0.78x the throughput of one process: slower than one process here.'
    """
    if isinstance(speedup, bool) or not isinstance(speedup, numbers.Real) or not math.isfinite(speedup) or speedup <= 0:
        raise ValueError(f"speedup must be a finite number > 0; got {describe(speedup)}")
    for name, value, low in (("workers", workers, 2), ("cores", cores, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{name} must be an int >= {low}; got {describe(value)}")
    if not isinstance(unit, str) or not unit:
        raise TypeError(f"unit must be a non-empty str; got {describe(unit)}")
    best = min(int(workers), int(cores))
    speedup = round(float(speedup), 2)  # the words follow the number as printed
    units = unit + ("es" if unit.endswith("s") else "s")
    if best >= 2 and speedup >= 0.75 * best:
        words = f"close to the {best}x that {workers} {units} on {cores} cores allow at best"
    elif speedup >= 1.1:
        words = f"faster than one {unit}, but short of the {best}x that {workers} {units} on {cores} cores allow"
    elif speedup >= 0.9:
        words = f"about as fast as one {unit}: the extra {units} bought nothing here"
    else:
        words = f"slower than one {unit} here"
    return f"{speedup:.2f}x the throughput of one {unit}: {words}."


__all__ = ["Timing", "describe_speedup", "time_calls"]
