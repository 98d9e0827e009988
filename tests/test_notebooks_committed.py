"""The committed notebooks are what GitHub readers see: executed, small, free of stale widget state."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
MAX_BYTES = 2_500_000  # DEVELOPERS.md: under 3 MB; wide figures and the explorers' snapshots take room


def test_the_course_notebooks_are_numbered_from_01_without_gaps():
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert len(numbers) >= 7
    assert numbers == [f"{n:02d}" for n in range(1, len(numbers) + 1)]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_executed_small_and_without_widget_state(path):
    assert path.stat().st_size < MAX_BYTES
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count is not None for cell in code)
    assert any("image/png" in out.get("data", {}) for cell in code for out in cell.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cells_that_fail_on_purpose_are_tagged_for_jupyterlab(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.lstrip().startswith("# NBVAL_RAISES_EXCEPTION"):
            assert "raises-exception" in cell.metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_teaches_goals_exercises_and_a_summary(path):
    text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown")
    lower = text.lower()
    for heading in ("overview", "prerequisites", "exercise", "solution", "summary", "what's next"):
        assert heading in lower, f"{path.name} has no {heading!r} section"
    assert "goal" in lower or "you will learn" in lower, f"{path.name} states no learning goals"
