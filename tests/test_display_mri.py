"""k-space figures: what they draw is the slice's 2D k-space (numpy's FFT as the reference), on shared scales."""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.display.mri_plots import LOG_RANGE, slice_kspace


@pytest.fixture
def volume():
    image = np.random.default_rng(0).uniform(0, 100, (10, 8, 6)).astype(np.float32)
    return tu.Volume(image, np.diag([1.0, 2.0, 3.0, 1.0]))


@pytest.mark.parametrize(("plane", "axis"), [("sagittal", 0), ("coronal", 1), ("axial", 2)])
def test_slice_kspace_is_the_centred_2d_fft_of_the_slice_as_drawn(volume, plane, axis):
    index = 3
    shown = np.take(volume.image, index, axis=axis).astype(np.float64)
    expected = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(shown), norm="ortho")).T
    np.testing.assert_allclose(slice_kspace(volume, plane, index), expected, atol=1e-3)


def test_show_kspace_draws_the_slice_its_log_magnitude_and_phase_in_cycles_per_mm(volume):
    fig = tu.show_kspace(volume, "axial", 2)
    image_ax, magnitude_ax, phase_ax = fig.axes[:3]
    np.testing.assert_array_equal(image_ax.get_images()[0].get_array(), volume.image[:, :, 2].T)
    kspace = slice_kspace(volume, "axial", 2)
    magnitude = magnitude_ax.get_images()[0]
    np.testing.assert_allclose(magnitude.get_array(), np.log10(np.abs(kspace) + 1e-12), rtol=1e-5)
    assert magnitude.get_clim()[1] - magnitude.get_clim()[0] == pytest.approx(LOG_RANGE)
    np.testing.assert_allclose(phase_ax.get_images()[0].get_array(), np.angle(kspace), atol=1e-6)
    left, right, bottom, top = magnitude.get_extent()
    assert (right - left) == pytest.approx(1.0 / 1.0) and (top - bottom) == pytest.approx(1.0 / 2.0)  # 1/spacing


def test_show_artifact_shares_the_first_items_scales(volume):
    fig = tu.show_artifact({"clean": volume, "brighter": volume.image * 3}, "coronal")
    clean, clean_k, bright, bright_k = fig.axes[:4]
    assert clean.get_images()[0].get_clim() == bright.get_images()[0].get_clim()
    assert clean_k.get_images()[0].get_clim() == bright_k.get_images()[0].get_clim()
    with pytest.raises(TypeError, match="items"):
        tu.show_artifact([volume])


def test_an_explorer_draws_without_a_layout_warning_under_the_notebook_style(volume):
    """The live frame places its axes at exact pixels: rcParams' constrained layout must not touch it."""
    import warnings

    import matplotlib

    with matplotlib.rc_context(), warnings.catch_warnings():
        tu.use_notebook_style()
        warnings.simplefilter("error")
        explorer = tu.TransformExplorer(volume, tu.gibbs_volume, fraction=(0.1, 1.0, 0.1, 0.5))
        explorer.set(fraction=0.3)
