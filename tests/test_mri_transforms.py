"""MRI artifacts on a Volume: labels untouched, one record, what was drawn; Rician noise statistics."""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from test_mri_kspace import blob_image

STEPS = {
    "motion": lambda v: tu.motion_volume(v, degrees=[(0, 0, 8)], translation=[(0, 3, 0)], times=[0.3]),
    "ghosting": lambda v: tu.ghosting_volume(v, intensity=0.7),
    "spike": lambda v: tu.spike_volume(v, positions=[(0.2, 0.1, -0.3)], intensity=0.5),
    "gibbs": lambda v: tu.gibbs_volume(v, fraction=0.4),
    "thick_slices": lambda v: tu.thick_slices_volume(v, thickness=5.0),
    "rician_noise": lambda v: tu.rician_noise_volume(v, std=5.0, seed=1),
}

RANDOM = {
    "random_motion": tu.random_motion,
    "random_ghosting": tu.random_ghosting,
    "random_spike": tu.random_spike,
    "random_gibbs": tu.random_gibbs,
    "random_anisotropy": tu.random_anisotropy,
    "random_rician_noise": tu.random_rician_noise,
}


def volume(shape=(16, 14, 12)) -> tu.Volume:
    image = blob_image(shape, seed=3)
    label = (image > 60).astype(np.uint8)
    return tu.Volume(image, np.diag([1.0, 1.2, 2.0, 1.0]), label)


@pytest.mark.parametrize("name", list(STEPS))
def test_every_step_changes_the_image_only(name):
    vol = volume()
    out = STEPS[name](vol)
    assert out.label is vol.label
    np.testing.assert_array_equal(out.affine, vol.affine)
    assert out.image.dtype == np.float32 and out.shape == vol.shape
    assert not np.allclose(out.image, vol.image, atol=1e-2)
    assert [r.name for r in out.history] == [name]


@pytest.mark.parametrize("name", list(RANDOM))
def test_every_random_artifact_calls_one_step_and_records_what_it_drew(name):
    vol = volume()
    out = RANDOM[name](vol, rng=5)
    assert len(out.history) == 1
    record = out.history[-1]
    expected = {"random_anisotropy": "thick_slices"}.get(name, name.removeprefix("random_"))
    assert record.name == expected
    np.testing.assert_array_equal(tu.replay(vol, out.history).image, out.image)
    assert out.label is vol.label
    other = RANDOM[name](vol, rng=6)
    assert other.history[-1] != record  # another seed, another draw


def test_random_motion_draws_poses_in_range_and_times_near_even_spacing():
    params = (
        tu.random_motion(volume(), degrees=(2, 4), translation=5, num_moves=3, axes=(0, 2), rng=0).history[-1].params
    )
    degrees, translation, times = (np.array(params[k]) for k in ("degrees", "translation", "times"))
    assert degrees.shape == translation.shape == (3, 3)
    assert ((degrees >= 2) & (degrees <= 4)).all() and (np.abs(translation) <= 5).all()
    assert np.all(np.abs(times - [0.25, 0.5, 0.75]) <= 0.3 * 0.25 + 1e-12)  # TorchIO's jitter
    assert params["axis"] in (0, 2)


def test_random_ghosting_and_gibbs_and_anisotropy_respect_their_ranges():
    for seed in range(20):
        g = tu.random_ghosting(volume(), intensity=(0.2, 0.4), period=(2, 3), axes=1, rng=seed).history[-1].params
        assert 0.2 <= g["intensity"] <= 0.4 and g["period"] in (2, 3) and g["axis"] == 1
        f = tu.random_gibbs(volume(), fraction=0.6, rng=seed).history[-1].params
        assert 0.6 <= f["fraction"] <= 1.0 and f["axes"] == (0, 1, 2)
        a = tu.random_anisotropy(volume(), thickness=(3, 4), axes=(0, 1), rng=seed).history[-1].params
        assert 3 <= a["thickness"] <= 4 and a["axis"] in (0, 1)


def test_random_rician_noise_is_relative_to_the_brightest_tissue():
    vol = volume()
    brightest = np.percentile(vol.image[::4, ::4, ::4], 99)
    params = tu.random_rician_noise(vol, std_range=(0.05, 0.05), rng=0).history[-1].params
    assert params["std"] == pytest.approx(0.05 * brightest)
    scaled = tu.random_rician_noise(vol.replace(image=vol.image * 10), std_range=(0.05, 0.05), rng=0)
    assert scaled.history[-1].params["std"] == pytest.approx(10 * params["std"], rel=1e-5)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda v: tu.random_motion(v, num_moves=0), ValueError, "num_moves"),
        (lambda v: tu.random_motion(v, num_moves=1.5), TypeError, "num_moves"),
        (lambda v: tu.random_ghosting(v, intensity=(0.5, 1.5)), ValueError, "intensity"),
        (lambda v: tu.random_ghosting(v, period=(1, 3)), ValueError, "period"),
        (lambda v: tu.random_ghosting(v, period=(2.5, 3)), ValueError, "period"),
        (lambda v: tu.random_spike(v, num_spikes=0), ValueError, "num_spikes"),
        (lambda v: tu.random_gibbs(v, fraction=(0.0, 0.5)), ValueError, "fraction"),
        (lambda v: tu.random_anisotropy(v, thickness=(0.0, 3.0)), ValueError, "thickness"),
        (lambda v: tu.random_anisotropy(v, axes=(0, 5)), ValueError, "axes"),
        (lambda v: tu.random_rician_noise(v, std_range=(-1, 1)), ValueError, "std_range"),
    ],
)
def test_random_artifacts_check_their_ranges(call, error, match):
    with pytest.raises(error, match=match):
        call(volume())


# --- Rician noise -------------------------------------------------------------------------------


def test_rician_noise_on_a_zero_background_has_mean_sigma_sqrt_pi_over_2():
    sigma = 3.0
    background = tu.rician_noise(np.zeros((64, 64, 64), np.float32), sigma, rng=0)
    assert background.min() >= 0
    assert float(background.mean()) == pytest.approx(sigma * np.sqrt(np.pi / 2), rel=0.02)


def test_rician_noise_on_strong_signal_is_nearly_gaussian_and_zero_std_is_the_identity():
    signal = np.full((48, 48, 48), 200.0, np.float32)
    noisy = tu.rician_noise(signal, 4.0, rng=1)
    assert float(noisy.std()) == pytest.approx(4.0, rel=0.02)
    assert float(noisy.mean()) - 200.0 == pytest.approx(4.0**2 / (2 * 200.0), abs=0.02)  # bias sigma^2 / 2A
    x = blob_image((8, 8, 8))
    np.testing.assert_array_equal(tu.rician_noise(x, 0.0, rng=0), x)


def test_bias_field_is_part_of_the_mri_topic_without_a_new_record_name():
    from tutorial_utils import mri

    assert mri.random_bias_field is tu.random_bias_field
    assert tu.random_bias_field(volume(), rng=0).history[-1].name == "bias_field"


def test_rician_noise_depends_on_the_seed_and_shape_not_on_the_thread_count():
    x = blob_image((40, 64, 64))  # 4 noise blocks
    try:
        tu.set_num_threads(1)
        one = tu.rician_noise(x, 2.0, rng=7)
        tu.set_num_threads(3)
        three = tu.rician_noise(x, 2.0, rng=7)
    finally:
        tu.set_num_threads(None)
    np.testing.assert_array_equal(one, three)
    assert not np.array_equal(one, tu.rician_noise(x, 2.0, rng=8))


def test_tissue_statistics_match_a_plain_numpy_z_score():
    vol = tu.load_sample("mni")
    stats = tu.tissue_statistics(vol.image, vol.label, {"grey": 2, "white": 3})
    brain = vol.image[vol.label > 0].astype(np.float64)
    z = (vol.image.astype(np.float64) - brain.mean()) / brain.std()
    grey, white = z[vol.label == 2], z[vol.label == 3]
    assert stats["grey mean"] == pytest.approx(grey.mean()) and stats["white std"] == pytest.approx(white.std())
    pooled = np.sqrt((grey.var() + white.var()) / 2)
    assert stats["contrast-to-noise"] == pytest.approx(abs(grey.mean() - white.mean()) / pooled)
    assert stats["background mean"] == pytest.approx(z[vol.label == 0].mean())
    noisy = tu.rician_noise_volume(vol, std=5.0, seed=0)
    after = tu.tissue_statistics(noisy.image, noisy.label, {"grey": 2, "white": 3})
    assert after["contrast-to-noise"] < stats["contrast-to-noise"] and after["background > 0"] == 1.0
    with pytest.raises(ValueError, match="no voxel"):
        tu.tissue_statistics(vol.image, vol.label, {"lesion": 9})
