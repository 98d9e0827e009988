"""Test-run set-up shared by every folder: nbval also runs each notebook's exercise solutions.

The solutions live in collapsed ``<details>`` markdown blocks (GitHub renders
every code cell, so they cannot be cells; see
:mod:`tutorial_utils.exercises.notebook_format`). Here nbval's notebook
collector is swapped for one that inserts each solution as a code cell right
after its your-turn cell, so the same kernel run that tests the notebook
also checks that every solution is accepted by its own check.
"""

from __future__ import annotations

import importlib.util
import os
from collections import defaultdict

import nbformat
import pytest

try:
    from nbval.plugin import IPyNbCell, IPyNbFile
except ImportError:  # nbval is a test dependency; without it no notebook is collected anyway
    IPyNbFile = None

from tutorial_utils.exercises.notebook_format import exercises, solution_cell_source

#: PyTorch is an optional extra: without it the doctests of ``tutorial_utils.nets`` cannot even be imported, so
#: they are not collected (``tests/test_nets.py`` skips the same way); under ``CI=true`` a missing torch must fail.
_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
collect_ignore = [] if _CI or importlib.util.find_spec("torch") is not None else ["tutorial_utils/nets"]

if IPyNbFile is not None:

    class NotebookWithSolutions(IPyNbFile):
        """nbval's notebook collector, plus one item per exercise solution, executed at its place."""

        def collect(self):
            cells = list(super().collect())  # reads self.nb; one item per code cell, in order
            by_cell = {id(item.cell): item for item in cells}
            solutions = {e.solution_index: e for e in exercises(self.nb.cells)}
            code_seen = 0
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type == "code":
                    yield by_cell[id(cell)]
                    code_seen += 1
                elif index in solutions:
                    exercise = solutions[index]
                    source = solution_cell_source(exercise, self.path.name)
                    yield IPyNbCell.from_parent(
                        self,
                        name=f"Solution {exercise.number} (cell {index})",
                        cell_num=code_seen,
                        cell=nbformat.v4.new_code_cell(source),
                        options=defaultdict(bool),  # executed, never compared; a failed check raises
                    )


@pytest.hookimpl(hookwrapper=True)
def pytest_collect_file(file_path, parent):
    outcome = yield
    if IPyNbFile is None or file_path.suffix != ".ipynb":
        return
    collectors = outcome.get_result()
    swapped = [
        NotebookWithSolutions.from_parent(parent, path=file_path) if type(c) is IPyNbFile else c for c in collectors
    ]
    outcome.force_result(swapped)
