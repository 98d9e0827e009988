"""The README's Python examples run as written (with the bundled MNI sample standing in for your files)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import tutorial_utils as tu

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    """The Python blocks of the section "Use `tutorial_utils` in your own code"."""
    section = README.read_text().split("## Use `tutorial_utils` in your own code", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_readme_has_python_examples():
    assert len(python_blocks()) >= 2


def test_readme_examples_run_and_replay_exactly(monkeypatch):
    matplotlib.use("Agg")
    sample = tu.load_sample("mni")
    monkeypatch.setattr(tu, "load_nifti", lambda *args, **kwargs: sample)
    namespace: dict = {}
    for block in python_blocks():
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README is ours
    if "again" in namespace:
        np.testing.assert_array_equal(namespace["again"].image, namespace["sample"].image)
        assert namespace["again"].history == namespace["sample"].history


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
