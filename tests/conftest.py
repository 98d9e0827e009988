"""Shared test set-up: a non-interactive backend, no figure left open between tests, exercise-check helpers."""

from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from tutorial_utils import Volume  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def run_check(capsys):
    """Call an exercise check: ``run_check(check, *args)`` returns whether it printed "Correct:" and all it printed."""

    def run(check, *args, **kwargs):
        assert check(*args, **kwargs) is None, "a check returns None (no stray Out[] in the notebook)"
        printed = capsys.readouterr().out
        return "\nCorrect: " in "\n" + printed, printed

    return run


@pytest.fixture(scope="module")
def head():
    """A small MRI-like volume: a bright ball (labels 1-3) in a zero background, with a one-voxel unlabelled shell."""
    shape = (24, 20, 18)
    i, j, k = np.indices(shape)
    centre = (np.array(shape) - 1) / 2
    radius = np.sqrt(((i - centre[0]) / 9) ** 2 + ((j - centre[1]) / 8) ** 2 + ((k - centre[2]) / 7) ** 2)
    label = np.select([radius < 0.4, radius < 0.7, radius < 0.9], [3, 2, 1], 0).astype(np.uint8)
    rng = np.random.default_rng(0)
    image = np.where(radius < 1.0, 100 + 40 * (label == 3) + rng.normal(0, 5, shape), 0).astype(np.float32)
    return Volume(image, np.diag([2.0, 2.0, 2.0, 1.0]), label)
