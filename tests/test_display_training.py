"""The loss-curve figure of notebook 12: every iteration, its running mean, the course's figure size."""

from __future__ import annotations

import numpy as np
import pytest

from tutorial_utils import show_training_curve


def test_the_curve_draws_every_loss_and_the_running_mean():
    losses = np.linspace(1.0, 0.0, 30) + np.tile([0.1, -0.1], 15)
    fig = show_training_curve(losses, window=5, title="run")
    raw, mean = fig.axes[0].get_lines()
    np.testing.assert_allclose(raw.get_ydata(), losses)
    np.testing.assert_allclose(mean.get_xdata(), np.arange(5, 31))
    np.testing.assert_allclose(mean.get_ydata()[0], losses[:5].mean())
    assert fig.get_size_inches()[0] * fig.dpi == pytest.approx(950)


def test_fewer_losses_than_the_window_give_no_mean():
    assert len(show_training_curve([0.5, 0.4], window=10).axes[0].get_lines()) == 1


@pytest.mark.parametrize(("losses", "window"), [([], 10), ([0.1, np.nan], 10), ([[0.1]], 10), ([0.1], 0), ([0.1], 2.5)])
def test_bad_input_is_refused_naming_the_parameter(losses, window):
    with pytest.raises(ValueError, match="losses|window"):
        show_training_curve(losses, window=window)
