"""The benchmark report compares each row on its own clock: wall time, or CPU time with one thread each (issue 22)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from harness import BenchVolume, Measurement  # noqa: E402
from operations import OPERATION_BY_KEY  # noqa: E402
from report import markdown, summary_rows  # noqa: E402


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


def test_the_fft_floor_section_divides_ours_by_the_floor_of_the_same_volume():
    """The k-space artifacts are reported against the FFT floor measured in the same run (issue 24)."""
    volume = BenchVolume("mni", np.zeros((4, 4, 4), np.float32), np.zeros((4, 4, 4), np.uint8), np.eye(4))
    results = {
        ("ours", "ghosting", "mni"): Measurement("ours", "ghosting", "mni", times=[0.2]),
        ("torchio", "ghosting", "mni"): Measurement("torchio", "ghosting", "mni", times=[1.0]),
        ("ours", "flip", "mni"): Measurement("ours", "flip", "mni", times=[0.01]),
    }
    floors = {"mni": Measurement("memcpy", "memcpy", "mni", times=[0.005])}
    fft = {"mni": Measurement("fft", "fft", "mni", times=[0.4])}
    header = {"command": "run_all.py", "date": "today", "duration": "1 min"}
    text = markdown(results, [volume], floors, {}, {}, {}, header, fft)
    section = text.split("## MRI artifacts against the FFT floor")[1].split("##")[0]
    assert f"| {OPERATION_BY_KEY['ghosting'].title} | mni | 200 | 400 | 0.50 |" in section
    assert "flip" not in section  # a memcpy-floor operation stays out
    assert "## MRI artifacts against the FFT floor" not in markdown(results, [volume], floors, {}, {}, {}, header)
    assert not OPERATION_BY_KEY["ghosting"].runs_on("ct512") and OPERATION_BY_KEY["flip"].runs_on("ct512")
