"""Every notebook's exercises follow the one course format, and no answer is visible on GitHub's rendering.

GitHub renders every cell and every output (it ignores ``source_hidden``):
solutions live in collapsed ``<details>`` blocks, which the test run executes
(the repository's ``conftest.py``); your-turn cells carry no outputs.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from tutorial_utils.exercises.notebook_format import (
    Exercise,
    check_calls,
    exercises,
    is_solution,
    is_your_turn,
    solution_cell_source,
    solution_code,
)

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[nbformat.NotebookNode]:
    return nbformat.read(path, as_version=4).cells


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_check_of_the_notebook_has_a_your_turn_cell_and_a_solution(path):
    found = exercises(_cells(path))
    module = importlib.import_module(f"tutorial_utils.exercises.nb{path.name[:2]}")
    defined = sorted(int(name.rsplit("_", 1)[1]) for name in dir(module) if re.fullmatch(r"check_exercise_\d+", name))
    assert defined, f"tutorial_utils.exercises.nb{path.name[:2]} defines no check_exercise_N"
    assert sorted(e.number for e in found) == defined


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_your_turn_cells_are_tagged_and_committed_without_outputs(path):
    for index, cell in enumerate(_cells(path)):
        if is_your_turn(cell):
            assert "raises-exception" in cell.metadata["tags"], f"cell {index}"
            assert cell.source.lstrip().startswith("# NBVAL_RAISES_EXCEPTION"), f"cell {index}"
            assert "..." in cell.source, f"cell {index}: a your-turn cell leaves ... for the reader"
            assert cell.outputs == [], f"cell {index}: committed outputs (a traceback can leak a hint)"
            assert cell.execution_count is not None, f"cell {index}: commit it executed (nbval skips null counts)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_or_answer_is_a_rendered_code_cell(path):
    for index, cell in enumerate(_cells(path)):
        if cell.cell_type != "code" or is_your_turn(cell):
            continue
        assert not check_calls(cell.source), f"cell {index} calls a check: GitHub renders it with its output"
        hidden = cell.metadata.get("jupyter", {})
        assert not hidden.get("source_hidden") and not hidden.get("outputs_hidden"), (
            f"cell {index} is hidden only in JupyterLab; GitHub shows it"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_collapsed_blocks_are_closed_and_name_what_they_hide(path):
    for index, cell in enumerate(_cells(path)):
        if cell.cell_type != "markdown":
            continue
        opened = re.findall(r"<details(?:\s[^>]*)?>", cell.source)
        assert len(opened) == cell.source.count("</details>"), f"cell {index}: unbalanced <details>"
        assert all(tag == "<details>" for tag in opened), f"cell {index}: a <details open> shows its answer"
        assert cell.source.count("<summary>") == len(opened), f"cell {index}: every <details> needs a <summary>"


def _your_turn(source: str = "# NBVAL_RAISES_EXCEPTION\nx = ...\ncheck_exercise_2(x)") -> dict:
    return {"cell_type": "code", "metadata": {"tags": ["raises-exception", "your-turn"]}, "source": source}


def _solution(code: str = "x = 1\ncheck_exercise_2(x)") -> dict:
    return {
        "cell_type": "markdown",
        "metadata": {},
        "source": f"<details><summary>Solution</summary>\n\n```python\n{code}\n```\n</details>",
    }


def test_exercises_pairs_cells_and_reads_the_number_from_the_check():
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "**2. Do it.**"}, _your_turn(), _solution()]
    assert exercises(cells) == [Exercise(2, 1, 2, "x = 1\ncheck_exercise_2(x)")]
    assert is_solution(cells[2]) and not is_solution(cells[0])


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([_your_turn()], "must be followed"),
        ([_your_turn(), {"cell_type": "markdown", "metadata": {}, "source": "no block"}], "must be followed"),
        ([_your_turn("# NBVAL_RAISES_EXCEPTION\nx = ..."), _solution()], "must call its check"),
        ([_your_turn(), _solution("x = 1\ncheck_exercise_3(x)")], "must call check_exercise_2"),
        ([_solution()], "must follow its your-turn cell"),
        ([_your_turn(), _solution("x = 1"), _solution()], "must call check_exercise_2"),
    ],
)
def test_exercises_refuses_a_broken_format_naming_the_cell(cells, message):
    with pytest.raises(ValueError, match=message):
        exercises(cells)


def test_a_solution_block_holds_exactly_one_python_block():
    with pytest.raises(ValueError, match="found 0"):
        solution_code("<details><summary>Solution</summary>\n\nno code\n</details>")
    two = "```python\na = 1\n```\n\n```python\nb = 2\n```"
    with pytest.raises(ValueError, match="found 2"):
        solution_code(two)


def test_the_injected_cell_fails_unless_the_check_accepts_the_solution():
    from tutorial_utils.exercises._feedback import verdict

    namespace = {"check_exercise_2": lambda x: verdict([] if x == 1 else ["x is not one."], "one.")}
    exec(solution_cell_source(Exercise(2, 1, 2, "check_exercise_2(1)"), "nb"), namespace)  # accepted: no error
    with pytest.raises(RuntimeError, match="nb, exercise 2 .*Not yet"):
        exec(solution_cell_source(Exercise(2, 1, 2, "check_exercise_2(5)"), "nb"), namespace)
    with pytest.raises(RuntimeError, match="printed no verdict"):
        exec(solution_cell_source(Exercise(2, 1, 2, "pass"), "nb"), namespace)
