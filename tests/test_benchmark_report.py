"""RESULTS.md: the k-space artifacts are reported against the FFT floor measured in the same run (issue 24)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import report  # noqa: E402
from harness import BenchVolume, Measurement  # noqa: E402
from operations import OPERATIONS  # noqa: E402


def test_the_fft_floor_section_divides_ours_by_the_floor_of_the_same_volume():
    volume = BenchVolume("mni", np.zeros((4, 4, 4), np.float32), np.zeros((4, 4, 4), np.uint8), np.eye(4))
    results = {
        ("ours", "ghosting", "mni"): Measurement("ours", "ghosting", "mni", times=[0.2]),
        ("torchio", "ghosting", "mni"): Measurement("torchio", "ghosting", "mni", times=[1.0]),
        ("ours", "flip", "mni"): Measurement("ours", "flip", "mni", times=[0.01]),
    }
    floors = {"mni": Measurement("memcpy", "memcpy", "mni", times=[0.005])}
    fft = {"mni": Measurement("fft", "fft", "mni", times=[0.4])}
    header = {"command": "run_all.py", "date": "today", "duration": "1 min"}
    text = report.markdown(results, [volume], floors, {}, {}, {}, header, fft)
    section = text.split("## MRI artifacts against the FFT floor")[1].split("##")[0]
    ghosting = next(op.title for op in OPERATIONS if op.key == "ghosting")
    assert f"| {ghosting} | mni | 200 | 400 | 0.50 |" in section
    assert "flip" not in section  # a memcpy-floor operation stays out
    assert "## MRI artifacts against the FFT floor" not in report.markdown(
        results, [volume], floors, {}, {}, {}, header
    )
