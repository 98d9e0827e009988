"""The benchmark report compares each row on its own clock: wall time, or CPU time with one thread each (issue 22)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from harness import BenchVolume, Measurement  # noqa: E402
from operations import OPERATION_BY_KEY  # noqa: E402
from report import summary_rows  # noqa: E402


def test_a_cpu_time_row_compares_cpu_medians_and_a_wall_row_wall_medians():
    volume = BenchVolume("mni", np.zeros((2, 2, 2), np.float32), np.zeros((2, 2, 2), np.uint8), np.eye(4))
    ours = {"times": [0.030, 0.031, 0.032], "cpu_times": [0.008, 0.009, 0.010]}  # waited for a busy machine
    monai = {"times": [0.020, 0.020, 0.020], "cpu_times": [0.012, 0.012, 0.012]}
    results = {
        (lib, key, "mni"): Measurement(lib, key, "mni", **timings)
        for key in ("resize", "resize_1t")
        for lib, timings in (("ours", ours), ("monai", monai))
    }
    floors = {"mni": Measurement("memcpy", "memcpy", "mni", times=[0.002], cpu_times=[0.002])}
    rows = {row["op"].key: row for row in summary_rows(results, [volume], floors)}
    assert OPERATION_BY_KEY["resize_1t"].clock == "cpu" and OPERATION_BY_KEY["resize_1t"].threads == 1
    assert rows["resize"]["ratio"] == 0.031 / 0.020 and rows["resize"]["verdict"].startswith("**no**")
    assert rows["resize_1t"]["ratio"] == 0.009 / 0.012 and rows["resize_1t"]["verdict"] == "yes"
    assert rows["resize"]["to_memcpy"] == 0.031 / 0.002 and rows["resize_1t"]["to_memcpy"] is None
