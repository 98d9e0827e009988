"""tools/capstone.py end to end in its smoke mode (``--quick``: seed 0, 4 iterations, 2 test scans per site).

The committed experiment takes about 15 minutes, too long for ``make test``; this run (under a minute on 2
cores) keeps the script working as the library changes: data, Dask preprocessing, the three settings' training,
``invert`` back to each scan and the report. It needs torch, like tests/test_nets.py: skipped without it, except
under ``CI=true``, where a missing torch fails.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
    import torch  # noqa: F401
else:
    pytest.importorskip("torch", reason="torch is an optional extra: pip install -e '.[torch]'")

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "benchmarks" / "capstone"


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_quick_run_reports_every_setting_and_leaves_the_committed_results_alone():
    before = digests(COMMITTED)
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "capstone.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = [line for line in done.stdout.splitlines() if line.startswith("| same |") or line.startswith("| other |")]
    # 2 sites x 2 classes x 3 settings, every Dice a number between 0 and 1
    assert len(table) == 12, done.stdout[-3000:]
    dice = [float(line.split("|")[4].split("±")[0]) for line in table]
    assert all(0.0 <= d <= 1.0 for d in dice), dice
    assert {line.split("|")[3].strip()[:3] for line in table} == {"(a)", "(b)", "(c)"}
    assert "one seed: no seed spread to compare with" in done.stdout
    assert "nan" not in done.stdout.lower()  # no NaN in the table or the comparisons
    assert digests(COMMITTED) == before, "--quick without --write must not touch benchmarks/capstone/"
