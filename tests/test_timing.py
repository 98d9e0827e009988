"""time_calls: both clocks, best of the runs, results kept, bad input refused."""

from __future__ import annotations

import time

import pytest

from tutorial_utils.timing import time_calls


def test_each_call_gets_its_best_wall_and_cpu_time_and_its_result():
    calls = []

    def sleeper():
        calls.append("sleep")
        time.sleep(0.02)
        return "slept"

    def worker():
        calls.append("work")
        return sum(i * i for i in range(200_000))

    times = time_calls({"sleep": sleeper, "work": worker}, repeat=2)
    assert calls == ["sleep", "work", "sleep", "work"]
    assert times["sleep"].result == "slept" and times["work"].result > 0
    assert times["sleep"].wall >= 0.02 > times["sleep"].cpu
    assert times["work"].cpu > 0


@pytest.mark.parametrize(("calls", "repeat"), [({}, 1), ({"a": 3}, 1), ([lambda: 1], 1)])
def test_calls_must_be_a_dict_of_functions(calls, repeat):
    with pytest.raises(TypeError, match="calls must be"):
        time_calls(calls, repeat=repeat)


@pytest.mark.parametrize("repeat", [0, -1, 1.5, True])
def test_repeat_must_be_a_positive_int(repeat):
    with pytest.raises(ValueError, match="repeat must be an int >= 1"):
        time_calls({"a": lambda: 1}, repeat=repeat)
