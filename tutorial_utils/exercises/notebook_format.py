"""The course's exercise format in a notebook, read from its cells (no Jupyter needed).

GitHub and nbviewer render every cell and every output (they ignore
``source_hidden``), so a solution must not be a code cell. In every notebook
an exercise is:

1. a markdown cell that states it (``**N. Title.** ...``);
2. a *your-turn* code cell tagged ``raises-exception`` and ``your-turn``,
   starting with ``# NBVAL_RAISES_EXCEPTION``, holding ``answer = ...``
   placeholders and a ``check_exercise_N(...)`` call. It is committed without
   outputs (``tools/execute_notebooks.py`` clears them), so no traceback can
   leak a hint; JupyterLab's Run All and nbval step over its error;
3. right after it, a markdown cell starting with
   ``<details><summary>Solution</summary>``: one fenced ``python`` block
   with the whole solution (calling the same check), then, optionally, why.
   GitHub shows it collapsed; a reader opens it with a click.

The test run (the repository's ``conftest.py``) turns each solution block
into a code cell at its place, between :func:`~._feedback.reset_verdicts`
and :func:`~._feedback.expect_correct`, so ``make test`` fails when a
solution stops passing its own check. "Check your understanding" answers
use the same ``<details>`` block with ``<summary>Answer</summary>``.

Examples
--------
>>> cells = [
...     {"cell_type": "code", "metadata": {"tags": ["raises-exception", "your-turn"]},
...      "source": "# NBVAL_RAISES_EXCEPTION\\nx = ...\\ncheck_exercise_1(x)"},
...     {"cell_type": "markdown", "metadata": {},
...      "source": "<details><summary>Solution</summary>\\n\\n```python\\nx = 2\\ncheck_exercise_1(x)\\n```\\n</details>"},
... ]
>>> [(e.number, e.your_turn_index, e.solution_index, e.code) for e in exercises(cells)]
[(1, 0, 1, 'x = 2\\ncheck_exercise_1(x)')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The tag that marks a your-turn cell (besides ``raises-exception``).
YOUR_TURN_TAG = "your-turn"
#: How a solution block starts; the summary text is exactly "Solution".
SOLUTION_START = "<details><summary>Solution</summary>"

_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_CHECK_CALL = re.compile(r"\b(check_exercise_\d+)\s*\(")


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook: where its cells are and its solution's code.

    ``number`` comes from the ``check_exercise_N`` the your-turn cell calls;
    indices count all cells (markdown and code) from 0.
    """

    number: int
    your_turn_index: int
    solution_index: int
    code: str


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def is_your_turn(cell: Mapping[str, Any]) -> bool:
    """True for a code cell tagged ``your-turn``."""
    return cell.get("cell_type") == "code" and YOUR_TURN_TAG in cell.get("metadata", {}).get("tags", [])


def is_solution(cell: Mapping[str, Any]) -> bool:
    """True for a markdown cell that starts with the solution block's ``<details>`` line."""
    return cell.get("cell_type") == "markdown" and _source(cell).lstrip().startswith(SOLUTION_START)


def check_calls(source: str) -> list[str]:
    """The ``check_exercise_N`` names that ``source`` calls, in order.

    Examples
    --------
    >>> check_calls("nb01.check_exercise_2(a, b)\\ncheck_exercise_10 (c)")
    ['check_exercise_2', 'check_exercise_10']
    """
    return _CHECK_CALL.findall(source)


def solution_code(markdown: str) -> str:
    """The code of the single fenced ``python`` block of a solution block.

    Raises
    ------
    ValueError
        When the block holds no fenced ``python`` block, or more than one.

    Examples
    --------
    >>> solution_code("<details><summary>Solution</summary>\\n\\n```python\\nprint(1)\\n```\\nWhy: ...\\n</details>")
    'print(1)'
    """
    blocks = _FENCE.findall(markdown)
    if len(blocks) != 1:
        raise ValueError(f"a solution block must hold exactly one ```python fenced block; found {len(blocks)}")
    return blocks[0].rstrip("\n")


def exercises(cells: Sequence[Mapping[str, Any]]) -> list[Exercise]:
    """Pair every your-turn cell with the solution block right after it.

    Parameters
    ----------
    cells : sequence of dict
        The notebook's cells (``nbformat`` nodes or plain dicts from the JSON).

    Returns
    -------
    list of Exercise
        In notebook order.

    Raises
    ------
    ValueError
        A your-turn cell that calls no ``check_exercise_N`` or is not followed
        by a solution block, a solution that calls another check than its
        your-turn cell, or a solution block with no your-turn cell before it;
        the message names the cell index.
    """
    found: list[Exercise] = []
    for index, cell in enumerate(cells):
        if is_solution(cell) and (index == 0 or not is_your_turn(cells[index - 1])):
            raise ValueError(f"cell {index}: a solution block must follow its your-turn cell directly")
        if not is_your_turn(cell):
            continue
        calls = check_calls(_source(cell))
        if not calls:
            raise ValueError(f"cell {index}: a your-turn cell must call its check_exercise_N function")
        if index + 1 >= len(cells) or not is_solution(cells[index + 1]):
            raise ValueError(f"cell {index}: a your-turn cell must be followed by a '{SOLUTION_START}' block")
        try:
            code = solution_code(_source(cells[index + 1]))
        except ValueError as error:
            raise ValueError(f"cell {index + 1}: {error}") from None
        if calls[-1] not in check_calls(code):
            raise ValueError(f"cell {index + 1}: the solution must call {calls[-1]}, as its your-turn cell does")
        found.append(Exercise(int(calls[-1].rsplit("_", 1)[1]), index, index + 1, code))
    return found


def solution_cell_source(exercise: Exercise, where: str) -> str:
    """The code the test run executes for ``exercise``: its solution between a reset and a verdict check.

    Examples
    --------
    >>> print(solution_cell_source(Exercise(1, 4, 5, "check_exercise_1(2)"), "01_x.ipynb"))
    from tutorial_utils.exercises import _feedback as _tu_feedback
    _tu_feedback.reset_verdicts()
    check_exercise_1(2)
    _tu_feedback.expect_correct('01_x.ipynb, exercise 1 (solution in cell 5)')
    """
    label = f"{where}, exercise {exercise.number} (solution in cell {exercise.solution_index})"
    return "\n".join(
        [
            "from tutorial_utils.exercises import _feedback as _tu_feedback",
            "_tu_feedback.reset_verdicts()",
            exercise.code,
            f"_tu_feedback.expect_correct({label!r})",
        ]
    )
