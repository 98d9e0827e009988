"""What every exercise check shares: refuse an unfilled answer, print a verdict.

A "your turn" cell holds ``answer = ...``; the check receives ``Ellipsis``
and raises :class:`NotImplementedError` with a hint, which JupyterLab's Run
All and nbval step over (the cell is tagged ``raises-exception``). Once the
reader fills it in, the check prints what is right and what is not, and
ends with "Correct:" only when everything is.

Every verdict is also remembered (:func:`verdicts_since_reset`), so the test
run can tell that a notebook's solution was accepted by its check without
parsing printed text (see :mod:`tutorial_utils.exercises.notebook_format`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

#: The verdicts printed since the last :func:`reset_verdicts`: ``True`` for "Correct:", ``False`` for "Not yet:".
_VERDICTS: list[bool] = []


def is_unfilled(answer: Any) -> bool:
    """True when ``answer`` is ``...`` or a tuple, list or dict holding one.

    Examples
    --------
    >>> is_unfilled(...), is_unfilled((1, ..., 3)), is_unfilled({"edge": ...}), is_unfilled((1, 2))
    (True, True, True, False)
    """
    if answer is Ellipsis:
        return True
    if isinstance(answer, Mapping):
        return any(value is Ellipsis for value in answer.values())
    if isinstance(answer, (tuple, list)):
        return any(value is Ellipsis for value in answer)
    return False


def require(answer: Any, name: str, hint: str) -> None:
    """Raise ``NotImplementedError`` naming ``name`` and giving ``hint`` while ``answer`` is unfilled.

    Examples
    --------
    >>> require(3, "origin", "invert the affine")
    >>> require(..., "origin", "invert the affine")
    Traceback (most recent call last):
    ...
    NotImplementedError: Your turn: replace the ... in `origin = ...` with your answer and run the cell again. Hint: invert the affine
    """
    if is_unfilled(answer):
        raise NotImplementedError(
            f"Your turn: replace the ... in `{name} = ...` with your answer and run the cell again. Hint: {hint}"
        )


def as_vector(answer: Any, length: int) -> np.ndarray | None:
    """``answer`` as a float vector of ``length`` numbers, or ``None`` when it is not one.

    Examples
    --------
    >>> as_vector((1, 2, 3), 3)
    array([1., 2., 3.])
    >>> as_vector("left", 3) is None
    True
    """
    try:
        vector = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None
    if vector.shape != (length,) or not np.all(np.isfinite(vector)):
        return None
    return vector


def verdict(problems: list[str], praise: str, notes: list[str] | None = None) -> None:
    """Print the notes, then either "Not yet:" and the problems, or "Correct:" and the praise.

    Examples
    --------
    >>> verdict([], "well done.", ["shape (2, 3)"])
    shape (2, 3)
    Correct: well done.
    >>> verdict(["the shape is wrong."], "well done.")
    Not yet:
    - the shape is wrong.
    """
    for note in notes or []:
        print(note)
    _VERDICTS.append(not problems)
    if problems:
        print("Not yet:")
        for problem in problems:
            print(f"- {problem}")
    else:
        print(f"Correct: {praise}")


def reset_verdicts() -> None:
    """Forget the verdicts printed so far (the test run calls it before each solution).

    Examples
    --------
    >>> verdict([], "fine.")
    Correct: fine.
    >>> reset_verdicts(); verdicts_since_reset()
    []
    """
    _VERDICTS.clear()


def verdicts_since_reset() -> list[bool]:
    """The verdicts printed since :func:`reset_verdicts`, oldest first (``True`` is "Correct:")."""
    return list(_VERDICTS)


def expect_correct(where: str) -> None:
    """Raise ``RuntimeError`` unless a verdict was printed since the reset and the last one was "Correct:".

    The test run appends this call to every solution it injects, so a
    solution that its own check rejects, or that never calls the check, fails
    ``make test`` with ``where`` (the notebook and exercise) in the message.

    Examples
    --------
    >>> reset_verdicts()
    >>> expect_correct("notebook 01, exercise 1")
    Traceback (most recent call last):
    ...
    RuntimeError: notebook 01, exercise 1: the solution printed no verdict (it must call its check_exercise function)
    >>> verdict(["the sign is wrong."], "")
    Not yet:
    - the sign is wrong.
    >>> expect_correct("notebook 01, exercise 1")
    Traceback (most recent call last):
    ...
    RuntimeError: notebook 01, exercise 1: the solution's check printed "Not yet:" (see the output above)
    """
    if not _VERDICTS:
        raise RuntimeError(f"{where}: the solution printed no verdict (it must call its check_exercise function)")
    if not _VERDICTS[-1]:
        raise RuntimeError(f'{where}: the solution\'s check printed "Not yet:" (see the output above)')
