"""Intensity augmentations: arrays (intensity.augment_ops) and Volumes (intensity.augment_transforms)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tutorial_utils as tu

AUGMENTATIONS = {
    "gamma": lambda v, rng: tu.random_gamma(v, rng=rng),
    "noise": lambda v, rng: tu.random_noise(v, std_range=(1.0, 5.0), rng=rng),
    "rician": lambda v, rng: tu.random_noise(v, std_range=(1.0, 5.0), kind="rician", rng=rng),
    "bias_field": lambda v, rng: tu.random_bias_field(v, rng=rng),
    "scale_shift": lambda v, rng: tu.random_intensity_scale_shift(v, rng=rng),
}


@pytest.fixture
def volume() -> tu.Volume:
    rng = np.random.default_rng(3)
    image = rng.uniform(10.0, 100.0, size=(10, 9, 8)).astype(np.float32)
    image[:2] = 0.0
    label = (image > 50).astype(np.uint8) + (image > 80).astype(np.uint8)
    affine = np.diag([1.5, 1.0, 2.5, 1.0])
    affine[:3, 3] = (-7.0, 3.0, 11.0)
    return tu.Volume(image, affine, label)


@pytest.mark.parametrize("name", sorted(AUGMENTATIONS))
def test_label_and_affine_untouched_image_changed(volume, name):
    image, label = volume.image.copy(), volume.label.copy()
    volume.image.flags.writeable = False
    out = AUGMENTATIONS[name](volume, 0)
    np.testing.assert_array_equal(out.label, label)
    assert out.label.dtype == label.dtype
    np.testing.assert_array_equal(out.affine, volume.affine)
    np.testing.assert_array_equal(volume.image, image)
    assert out.image.dtype == np.float32 and out.image.shape == image.shape
    assert not np.array_equal(out.image, image)
    assert np.isfinite(out.image).all()


@pytest.mark.parametrize("name", sorted(AUGMENTATIONS))
def test_same_seed_same_output_other_seed_other_output(volume, name):
    a = AUGMENTATIONS[name](volume, 7)
    b = AUGMENTATIONS[name](volume, 7)
    c = AUGMENTATIONS[name](volume, 8)
    np.testing.assert_array_equal(a.image, b.image)
    assert not np.array_equal(a.image, c.image)
    assert a.history == b.history


@pytest.mark.parametrize("name", sorted(AUGMENTATIONS))
def test_replay_reproduces_the_output(volume, name):
    out = AUGMENTATIONS[name](volume, np.random.default_rng(11))
    assert len(out.history) == len(volume.history) + 1
    for value in out.history[-1].params.values():
        assert isinstance(value, (int, float, str)) and not isinstance(value, np.generic)
    again = tu.replay(volume, out.history)
    np.testing.assert_array_equal(again.image, out.image)


def test_chained_augmentations_replay_in_order(volume):
    out = tu.random_bias_field(volume, rng=1)
    out = tu.random_gamma(out, rng=2)
    out = tu.random_noise(out, rng=3)
    out = tu.random_intensity_scale_shift(out, rng=4)
    assert [r.name for r in out.history] == ["bias_field", "gamma", "noise", "intensity_scale_shift"]
    np.testing.assert_array_equal(tu.replay(volume, out.history).image, out.image)


def test_global_random_state_is_not_used(volume):
    np.random.seed(0)
    state = np.random.get_state()[1].copy()
    tu.random_noise(volume, rng=None)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


# --- gamma ---------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(gamma=st.floats(0.2, 5.0))
def test_adjust_gamma_matches_formula_and_keeps_min_max(gamma):
    x = np.linspace(-3.0, 5.0, 60, dtype=np.float32).reshape(3, 4, 5)
    out = tu.adjust_gamma(x, gamma)
    expected = -3.0 + 8.0 * ((x.astype(np.float64) + 3.0) / 8.0) ** gamma
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert out.min() == np.float32(-3.0)
    assert abs(out.max() - 5.0) < 1e-5


def test_adjust_gamma_constant_image_unchanged_and_gamma_checked():
    x = np.full((2, 2, 2), 3.0, np.float32)
    np.testing.assert_array_equal(tu.adjust_gamma(x, 2.0), x)
    with pytest.raises(ValueError, match="gamma"):
        tu.adjust_gamma(x, 0.0)


def test_random_gamma_records_gamma_inside_the_range(volume):
    for seed in range(10):
        gamma = tu.random_gamma(volume, log_gamma_range=(-0.5, 0.2), rng=seed).history[-1].params["gamma"]
        assert np.exp(-0.5) <= gamma <= np.exp(0.2)


# --- noise ---------------------------------------------------------------------------------


def test_gaussian_noise_has_the_recorded_std(volume):
    flat = tu.Volume(np.zeros((40, 40, 40)), np.eye(4))
    out = tu.random_noise(flat, std_range=(2.0, 3.0), rng=5)
    std = out.history[-1].params["std"]
    assert 2.0 <= std <= 3.0
    assert abs(out.image.std() - std) < 0.05 * std
    assert abs(out.image.mean()) < 0.05


def test_rician_noise_is_non_negative_and_biases_zero_upwards():
    zero = np.zeros((30, 30, 30), np.float32)
    out = tu.add_noise(zero, 1.0, kind="rician", rng=0)
    assert out.min() >= 0
    # the magnitude of two N(0, 1) channels is Rayleigh: mean sqrt(pi / 2)
    assert abs(out.mean() - np.sqrt(np.pi / 2)) < 0.02


def test_zero_std_noise_changes_nothing(volume):
    out = tu.random_noise(volume, std_range=(0.0, 0.0), rng=0)
    np.testing.assert_array_equal(out.image, volume.image)


# --- bias field ----------------------------------------------------------------------------


def test_bias_field_is_smooth_positive_and_multiplicative(volume):
    n, strength, max_frequency = 24, 0.3, 3
    ones = tu.Volume(np.ones((n, n, n)), np.eye(4))
    for seed in range(5):
        field = tu.random_bias_field(ones, strength=strength, max_frequency=max_frequency, rng=seed).image
        log_gain = np.log(field)
        assert np.isclose(np.abs(log_gain).max(), strength, rtol=1e-5)  # reaches exp(+-strength)
        # smooth: Bernstein's inequality bounds the slope of a cosine sum of frequency <= max_frequency
        # (max_frequency half-periods over n voxels) by max_frequency * pi / n * max|p| per voxel;
        # white noise would jump by about 2 * strength
        slope = max_frequency * np.pi / n * strength
        for axis in range(3):
            assert np.abs(np.diff(log_gain, axis=axis)).max() <= slope * (1 + 1e-4)
    out = tu.random_bias_field(volume, rng=4)
    again = tu.random_bias_field(tu.Volume(np.ones(volume.shape), volume.affine), rng=4)
    np.testing.assert_allclose(out.image, volume.image * again.image, rtol=1e-6)
    np.testing.assert_array_equal(out.image[volume.image == 0], 0.0)


def test_cosine_bias_field_matches_direct_evaluation():
    rng = np.random.default_rng(0)
    c = rng.uniform(-0.3, 0.3, size=(3, 3, 3))
    shape = (5, 6, 7)
    field = tu.cosine_bias_field(shape, c)
    i, j, k = np.meshgrid(*(np.arange(n) + 0.5 for n in shape), indexing="ij")
    p = sum(
        c[a, b, d]
        * np.cos(np.pi * a * i / shape[0])
        * np.cos(np.pi * b * j / shape[1])
        * np.cos(np.pi * d * k / shape[2])
        for a in range(3)
        for b in range(3)
        for d in range(3)
    )
    assert field.dtype == np.float32
    np.testing.assert_allclose(field, np.exp(p), rtol=1e-5)
    scaled = tu.cosine_bias_field(shape, c, max_log_gain=0.7)
    np.testing.assert_allclose(np.log(scaled), p * 0.7 / np.abs(p).max(), atol=1e-5)


def test_zero_strength_bias_field_changes_nothing(volume):
    out = tu.random_bias_field(volume, strength=0.0, rng=0)
    np.testing.assert_array_equal(out.image, volume.image)


# --- scale and shift -----------------------------------------------------------------------


def test_symmetric_ranges_from_one_number(volume):
    for seed in range(10):
        p = tu.random_intensity_scale_shift(volume, scale_range=0.25, shift_range=2.0, rng=seed).history[-1].params
        assert 0.75 <= p["scale"] <= 1.25 and -2.0 <= p["shift"] <= 2.0
        gamma = tu.random_gamma(volume, log_gamma_range=0.1, rng=seed).history[-1].params["gamma"]
        assert np.exp(-0.1) <= gamma <= np.exp(0.1)


def test_deterministic_steps_are_public_and_replay(volume):
    out = tu.scale_shift_volume(tu.gamma_volume(volume, gamma=0.5), scale=2.0, shift=1.0)
    assert [r.name for r in out.history] == ["gamma", "intensity_scale_shift"]
    assert out.history[-1].params == {"scale": 2.0, "shift": 1.0}
    np.testing.assert_allclose(out.image, tu.adjust_gamma(volume.image, 0.5) * 2.0 + 1.0, rtol=1e-6)
    np.testing.assert_array_equal(tu.replay(volume, out.history).image, out.image)


def test_add_noise_draws_from_rng_and_refuses_a_seed_keyword():
    x = np.zeros((6, 6, 6), np.float32)
    np.testing.assert_array_equal(tu.add_noise(x, 1.0, rng=3), tu.add_noise(x, 1.0, rng=np.random.default_rng(3)))
    with pytest.raises(TypeError, match="seed"):
        tu.add_noise(x, 1.0, seed=3)
    with pytest.raises(TypeError, match="positional"):
        tu.add_noise(x, 1.0, "rician")


def test_a_tampered_noise_record_names_the_parameter(volume):
    record = tu.random_noise(volume, rng=0).history[-1]
    for parameter, bad, match in [("seed", -1, "seed must be a non-negative int"), ("kind", "poisson", "kind")]:
        tampered = tu.TransformRecord("noise", {**record.params, parameter: bad})
        with pytest.raises(ValueError, match=rf"record 0 \('noise'\): .*{match}"):
            tu.replay(volume, [tampered])


def test_scale_shift_matches_recorded_values(volume):
    out = tu.random_intensity_scale_shift(volume, scale_range=(0.5, 2.0), shift_range=(-3.0, 3.0), rng=9)
    p = out.history[-1].params
    assert 0.5 <= p["scale"] <= 2.0 and -3.0 <= p["shift"] <= 3.0
    np.testing.assert_allclose(out.image, volume.image * p["scale"] + p["shift"], rtol=1e-6)


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda v: tu.random_gamma(v, log_gamma_range=(0.3, -0.3)), ValueError, "log_gamma_range"),
        (lambda v: tu.random_gamma(v, log_gamma_range="wide"), TypeError, "log_gamma_range"),
        (lambda v: tu.random_gamma(v, log_gamma_range=-0.3), ValueError, "log_gamma_range"),
        (lambda v: tu.random_noise(v, std_range=(-1.0, 1.0)), ValueError, "std_range"),
        (lambda v: tu.random_noise(v, std_range=(0.0, np.inf)), ValueError, "std_range"),
        (lambda v: tu.random_noise(v, kind="poisson"), ValueError, "kind"),
        (lambda v: tu.random_bias_field(v, strength=-0.1), ValueError, "strength"),
        (lambda v: tu.random_bias_field(v, max_frequency=9), ValueError, "max_frequency must be an int from 0 to 5"),
        (lambda v: tu.random_bias_field(v, max_frequency=2.0), TypeError, "max_frequency must be an int"),
        (lambda v: tu.random_bias_field(v, order=2), TypeError, "order"),
        (lambda v: tu.random_noise(v, std_range=0.1), ValueError, "std_range must stay >= 0"),
        (lambda v: tu.random_intensity_scale_shift(v, scale_range=2.0), ValueError, "scale_range must stay >= 0"),
        (lambda v: tu.gamma_volume(v, gamma=-1.0), ValueError, "gamma must be a number > 0"),
        (lambda v: tu.gamma_volume(v, gamma="strong"), TypeError, "gamma must be a number"),
        (lambda v: tu.scale_shift_volume(v, scale=np.nan), ValueError, "scale must be a finite number"),
        (lambda v: tu.scale_shift_volume(v, shift="up"), TypeError, "shift must be a number"),
        (lambda v: tu.random_intensity_scale_shift(v, scale_range=(2.0, 1.0)), ValueError, "scale_range"),
        (lambda v: tu.random_intensity_scale_shift(v, shift_range=("a", 1)), TypeError, "shift_range"),
        (lambda v: tu.random_gamma(v.image), TypeError, "volume"),
        (lambda v: tu.random_noise(v, rng="seed"), TypeError, "rng"),
    ],
)
def test_bad_arguments_raise_naming_the_parameter(volume, call, error, match):
    with pytest.raises(error, match=match):
        call(volume)
