"""k-space and the k-space artifacts (ghosting, spikes, Gibbs ringing): physics checked against numpy's FFT.

The library takes shortcuts (a 1D transform along the phase-encoding axis, a
spike added as a plane wave, a Gibbs cut computed axis by axis); every one is
compared here with the plain route: the whole 3D k-space from ``numpy.fft``,
the change, the inverse and the magnitude.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tutorial_utils as tu
from tutorial_utils.mri.artifact_ops import kept_lines

SHAPES = [(12, 10, 8), (9, 7, 11), (1, 16, 15), (16, 1, 6)]


def blob_image(shape, seed=0) -> np.ndarray:
    """Non-negative test image: a smooth bright box plus texture, zero near the faces."""
    rng = np.random.default_rng(seed)
    image = np.zeros(shape, np.float32)
    inner = tuple(slice(n // 4, max(n // 4 + 1, 3 * n // 4)) for n in shape)
    image[inner] = 100.0
    image += rng.uniform(0, 20, shape).astype(np.float32)
    return image


def numpy_kspace(x: np.ndarray) -> np.ndarray:
    return np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(x), norm="ortho"))


def numpy_image(k: np.ndarray) -> np.ndarray:
    return np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(k), norm="ortho"))


def along(values, axis):
    shape = [1, 1, 1]
    shape[axis] = len(values)
    return np.asarray(values).reshape(shape)


def assert_identity(out, x):
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_allclose(out, x, rtol=1e-5, atol=1e-5 * float(np.abs(x).max()))


# --- to_kspace / from_kspace ------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_to_kspace_is_numpys_centred_orthonormal_fft(shape):
    x = blob_image(shape)
    k = tu.to_kspace(x)
    assert k.dtype == np.complex64
    np.testing.assert_allclose(k, numpy_kspace(x.astype(np.float64)), atol=2e-3)
    centre = tuple(n // 2 for n in shape)
    assert k[centre].real == pytest.approx(x.sum(dtype=np.float64) / np.sqrt(x.size), rel=1e-5)


@settings(max_examples=30, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9)),
    axes=st.sampled_from([(0, 1, 2), (0, 1), (2,), (1, 2)]),
    seed=st.integers(0, 2**16),
)
def test_from_kspace_inverts_to_kspace_and_energy_is_preserved(shape, axes, seed):
    x = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    k = tu.to_kspace(x, axes=axes)
    np.testing.assert_allclose(tu.from_kspace(k, axes=axes), x, atol=1e-5)
    assert float((np.abs(k) ** 2).sum()) == pytest.approx(float((x.astype(np.float64) ** 2).sum()), rel=1e-5)


def test_kspace_of_two_axes_is_the_2d_kspace_of_every_slice():
    x = blob_image((8, 6, 5))
    k = tu.to_kspace(x, axes=(0, 1))
    for s in range(x.shape[2]):
        slice_k = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(x[:, :, s]), norm="ortho"))
        np.testing.assert_allclose(k[:, :, s], slice_k, atol=1e-3)


def test_kspace_leaves_a_read_only_input_alone():
    x = blob_image((6, 6, 6))
    x.setflags(write=False)
    before = x.copy()
    tu.from_kspace(tu.to_kspace(x))
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: tu.to_kspace(np.zeros((4, 4))), ValueError, "3D"),
        (lambda: tu.to_kspace(np.zeros((4, 4, 4), bool)), TypeError, "boolean"),
        (lambda: tu.to_kspace(np.full((4, 4, 4), np.nan)), ValueError, "NaN"),
        (lambda: tu.to_kspace(np.zeros((4, 4, 4)), axes=3), ValueError, "axes"),
        (lambda: tu.to_kspace(np.zeros((4, 4, 4)), axes=(0, 0)), ValueError, "repeat"),
        (lambda: tu.from_kspace(np.zeros((4, 4, 4)), axes="xy"), TypeError, "axes"),
    ],
)
def test_kspace_errors_name_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- the magnitude contract -----------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda x: tu.ghosting(x, intensity=0.5),
        lambda x: tu.spike(x, positions=[(0.1, 0.1, 0.1)], intensity=0.5),
        lambda x: tu.gibbs(x, fraction=0.5),
        lambda x: tu.motion(x, degrees=[(0, 0, 5)], translation=[(0, 0, 0)], times=[0.5]),
        lambda x: tu.rician_noise(x, 1.0, rng=0),
    ],
    ids=["ghosting", "spike", "gibbs", "motion", "rician_noise"],
)
def test_kspace_artifacts_refuse_a_z_scored_image_instead_of_folding_it(call):
    z = blob_image((8, 8, 8)) - 50.0
    with pytest.raises(ValueError, match=r"magnitude image \(all values >= 0\).*before z-scoring"):
        call(z)


# --- ghosting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_zero_ghost_intensity_is_the_identity(axis):
    x = blob_image((12, 10, 9))
    assert_identity(tu.ghosting(x, intensity=0.0, period=3, axis=axis), x)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_every_other_line_gives_one_ghost_half_the_field_of_view_away(axis):
    x = blob_image((12, 10, 8))
    s = 0.6
    expected = np.abs((1 - s / 2) * x - s / 2 * np.roll(x, x.shape[axis] // 2, axis=axis))
    np.testing.assert_allclose(tu.ghosting(x, intensity=s, period=2, axis=axis), expected, atol=1e-3)


def test_a_point_gets_period_minus_one_ghosts_n_over_period_voxels_apart():
    x = np.zeros((1, 12, 1), np.float32)
    x[0, 2, 0] = 9.0
    out = tu.ghosting(x, intensity=1.0, period=3, axis=1).ravel()
    assert np.flatnonzero(out > 1e-3).tolist() == [2, 6, 10]  # 12 / 3 = 4 voxels apart
    np.testing.assert_allclose(out[[2, 6, 10]], [6.0, 3.0, 3.0], atol=1e-4)  # (1 - 1/3) * 9 and 9 / 3


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("period", [2, 3])
def test_ghosting_equals_scaling_lines_of_the_full_3d_kspace(shape, period):
    x = blob_image(shape)
    axis = 1 if shape[1] > 1 else 2
    k = numpy_kspace(x.astype(np.float64))
    n = shape[axis]
    lines = (np.arange(n) - n // 2) % period == 0
    k *= along(np.where(lines, 0.3, 1.0), axis)
    expected = np.abs(numpy_image(k))
    np.testing.assert_allclose(tu.ghosting(x, intensity=0.7, period=period, axis=axis), expected, atol=2e-3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"intensity": 1.5}, ValueError, "intensity"),
        ({"intensity": -0.1}, ValueError, "intensity"),
        ({"intensity": 0.5, "period": 1}, ValueError, "period"),
        ({"intensity": 0.5, "period": 2.0}, TypeError, "period"),
        ({"intensity": 0.5, "axis": 3}, ValueError, "axis"),
    ],
)
def test_ghosting_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        tu.ghosting(blob_image((4, 4, 4)), **kwargs)


# --- spikes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_spikes_equal_bright_points_added_to_the_full_3d_kspace(shape):
    x = blob_image(shape)
    positions = [(0.1, -0.3, 0.25), (-0.5, 0.5, 0.0), (0.45, 0.0, -0.2)]
    intensity = 0.4
    k = numpy_kspace(x.astype(np.float64))
    centre = tuple(n // 2 for n in shape)
    height = intensity * abs(k[centre])
    for position in positions:
        index = tuple((int(np.floor(f * n + 0.5)) + n // 2) % n for f, n in zip(position, shape))
        k[index] += height
    expected = np.abs(numpy_image(k))
    out = tu.spike(x, positions=positions, intensity=intensity)
    np.testing.assert_allclose(out, expected, atol=2e-3 * float(x.max()))


def test_a_spike_is_stripes_of_intensity_times_the_mean_at_its_frequency():
    x = np.full((4, 8, 4), 10.0, np.float32)
    out = tu.spike(x, positions=[(0.0, 0.25, 0.0)], intensity=0.3)
    profile = out[0, :, 0]
    np.testing.assert_allclose(profile, np.roll(profile, 4), atol=1e-5)  # period 1 / 0.25 = 4 voxels
    assert profile.max() == pytest.approx(13.0, abs=1e-4) and profile.min() == pytest.approx(7.0, abs=1e-4)
    assert np.ptp(out[:, 0, :]) < 1e-5  # no stripes along the other axes


@pytest.mark.parametrize(
    "kwargs", [{"positions": [], "intensity": 1.0}, {"positions": [(0.2, 0.1, 0)], "intensity": 0}]
)
def test_no_spike_is_the_identity(kwargs):
    x = blob_image((6, 7, 5))
    assert_identity(tu.spike(x, **kwargs), x)


@pytest.mark.parametrize(
    ("positions", "error"),
    [([(0.6, 0, 0)], ValueError), ([(0.1, 0.2)], ValueError), ("centre", TypeError), ([(0, 0, np.nan)], ValueError)],
)
def test_spike_positions_are_checked(positions, error):
    with pytest.raises(error, match="positions"):
        tu.spike(blob_image((4, 4, 4)), positions=positions, intensity=1.0)


# --- Gibbs ringing ------------------------------------------------------------------------------


def test_full_kspace_is_the_identity():
    x = blob_image((12, 9, 8))
    assert_identity(tu.gibbs(x, fraction=1.0), x)


def test_strong_truncation_overshoots_a_step_by_the_gibbs_9_percent():
    step = np.zeros((1, 2, 1024), np.float32)
    step[..., 256:768] = 1.0
    overshoot = float(tu.gibbs(step, fraction=1 / 16, axes=2).max()) - 1.0
    gibbs_constant = 0.0895  # (1 / pi) Si(pi) - 1 / 2
    assert overshoot == pytest.approx(gibbs_constant, abs=0.002)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("fraction", "axes"), [(0.5, (0, 1, 2)), (0.3, (0, 2)), (0.7, 1)])
def test_gibbs_equals_cutting_a_box_of_the_full_3d_kspace_and_keeps_its_energy(shape, fraction, axes):
    x = blob_image(shape)
    k = numpy_kspace(x.astype(np.float64))
    for a in np.atleast_1d(axes):
        n = shape[a]
        k *= along(np.abs(np.arange(n) - n // 2) <= kept_lines(n, fraction), a)
    expected = np.abs(numpy_image(k))
    out = tu.gibbs(x, fraction=fraction, axes=axes)
    np.testing.assert_allclose(out, expected, atol=2e-3)
    assert float((out.astype(np.float64) ** 2).sum()) == pytest.approx(float((np.abs(k) ** 2).sum()), rel=1e-5)


@pytest.mark.parametrize(("fraction", "error"), [(0.0, ValueError), (1.2, ValueError), ("half", TypeError)])
def test_gibbs_fraction_is_checked(fraction, error):
    with pytest.raises(error, match="fraction"):
        tu.gibbs(blob_image((4, 4, 4)), fraction=fraction)


# --- the naive shortcuts the notebook shows --------------------------------------------------


def test_naive_truncation_without_fftshift_keeps_the_highest_frequencies_not_the_lowest():
    from tutorial_utils.naive import mri as naive

    x = blob_image((16, 16, 16))
    naive_out = naive.truncate_kspace(x, 0.5)
    right = tu.gibbs(x, fraction=0.5)
    assert abs(float(right.mean()) - float(x.mean())) < 0.01 * float(x.mean())  # the centre (the mean) is kept
    assert float(naive_out.mean()) < 0.2 * float(x.mean())  # the naive one threw the mean away: edges only


def test_naive_clipped_gaussian_noise_underestimates_the_background_rician_noise():
    from tutorial_utils.naive import mri as naive

    zeros = np.zeros((48, 48, 48), np.float32)
    clipped = naive.gaussian_noise_clipped(zeros, 2.0)
    assert float(clipped.mean()) == pytest.approx(2.0 / np.sqrt(2 * np.pi), rel=0.03)
    assert float((clipped == 0).mean()) == pytest.approx(0.5, abs=0.01)
    assert float(tu.rician_noise(zeros, 2.0, rng=0).mean()) == pytest.approx(2.0 * np.sqrt(np.pi / 2), rel=0.02)
