"""time_calls: both clocks, best of the runs, results kept, bad input refused; describe_speedup: words chosen by the value."""

from __future__ import annotations

import time

import pytest

from tutorial_utils.timing import describe_speedup, time_calls


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


@pytest.mark.parametrize(
    ("speedup", "workers", "cores", "words"),
    [
        (1.76, 2, 2, "close to the 2x that 2 workers on 2 cores allow at best"),
        (1.5, 2, 2, "close to the 2x"),
        (1.45, 2, 2, "faster than one worker, but short of the 2x"),
        (3.3, 4, 4, "close to the 4x"),
        (1.9, 4, 2, "close to the 2x that 4 workers on 2 cores"),
        (1.0, 2, 2, "about as fast as one worker"),
        (1.05, 2, 1, "about as fast as one worker"),
        (0.78, 2, 2, "slower than one worker here"),
        (0.25, 2, 2, "slower than one worker here"),
    ],
)
def test_describe_speedup_chooses_its_words_by_the_measured_value(speedup, workers, cores, words):
    sentence = describe_speedup(speedup, workers, cores)
    assert sentence.startswith(f"{speedup:.2f}x the throughput of one worker: ") and words in sentence


def test_describe_speedup_chooses_by_the_value_as_printed():
    assert describe_speedup(0.8967, 2, 2).startswith("0.90x the throughput of one worker: about as fast")
    assert describe_speedup(1.4951, 2, 2).startswith("1.50x the throughput of one worker: close to the 2x")


def test_describe_speedup_names_the_unit_in_singular_and_plural():
    assert describe_speedup(1.0, 2, 2, unit="process") == (
        "1.00x the throughput of one process: about as fast as one process: the extra processes bought nothing here."
    )


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0.0, 2, 2), ValueError, "speedup must be a finite number > 0"),
        ((float("nan"), 2, 2), ValueError, "speedup must be"),
        ((True, 2, 2), ValueError, "speedup must be"),
        (("1.5x", 2, 2), ValueError, "speedup must be"),
        ((1.5, 1, 2), ValueError, "workers must be an int >= 2; got 1"),
        ((1.5, 2.0, 2), ValueError, "workers must be"),
        ((1.5, 2, 0), ValueError, "cores must be an int >= 1"),
        ((1.5, 2, 2, ""), TypeError, "unit must be a non-empty str"),
    ],
)
def test_describe_speedup_refuses_bad_input_naming_the_parameter(args, error, match):
    with pytest.raises(error, match=match):
        describe_speedup(*args)
