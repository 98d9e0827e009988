"""Inputs the checks make up, and a safe call of the reader's function.

A check that calls the reader's function on inputs the reader has not seen
(affines, windows, volumes drawn from a fixed seed inside the check) cannot
be satisfied by an answer typed in from a figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def random_rotation(rng: np.random.Generator, max_degrees: float) -> np.ndarray:
    """A random 3 x 3 rotation by at most ``max_degrees`` about a random axis (Rodrigues' formula).

    Examples
    --------
    >>> r = random_rotation(np.random.default_rng(0), 30.0)
    >>> bool(np.allclose(r @ r.T, np.eye(3))), round(float(np.linalg.det(r)), 6)
    (True, 1.0)
    """
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    angle = np.radians(rng.uniform(-max_degrees, max_degrees))
    cross = np.array([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]])
    return np.eye(3) + np.sin(angle) * cross + (1.0 - np.cos(angle)) * cross @ cross


def make_affine(linear: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """The 4 x 4 affine with ``linear`` (3 x 3) and ``origin`` (3,).

    Examples
    --------
    >>> make_affine(np.eye(3), np.array([1.0, 2.0, 3.0]))[:3, 3].tolist()
    [1.0, 2.0, 3.0]
    """
    affine = np.eye(4)
    affine[:3, :3], affine[:3, 3] = linear, origin
    return affine


def call_answer(function: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """``(function(*args), None)``, or ``(None, "TypeError: ...")`` when the reader's function raised.

    ``NotImplementedError`` (an unfilled answer's hint) is not caught.

    Examples
    --------
    >>> call_answer(lambda x: x + 1, 1)
    (2, None)
    >>> call_answer(lambda x: x + "a", 1)
    (None, "TypeError: unsupported operand type(s) for +: 'int' and 'str'")
    """
    try:
        return function(*args), None
    except NotImplementedError:
        raise
    except Exception as error:  # the reader's code: reported in the verdict instead of a traceback
        return None, f"{type(error).__name__}: {error}"
