"""Sliding-window inference, test-time augmentation and the stand-in predictor."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tutorial_utils as tu
from tutorial_utils.inference import IntensityModel, gaussian_importance, patch_starts, predict_sliding_window


def pointwise(batch: np.ndarray) -> np.ndarray:
    """Three classes from each voxel alone, with ops that round the same way wherever the voxel sits."""
    x = batch[:, None] * np.float32(0.01)
    bright = x * x / (np.float32(1.0) + x * x)
    dark = np.float32(1.0) - bright
    return np.concatenate([dark * np.float32(0.5), dark * np.float32(0.5), bright], axis=1)


def image(shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 300, size=shape).astype(np.float32)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(*[st.integers(1, 13)] * 3),
    patch=st.tuples(*[st.integers(1, 16)] * 3),
    overlap=st.floats(0.0, 0.9),
    weighting=st.sampled_from(["gaussian", "uniform"]),
    batch_size=st.integers(1, 5),
)
def test_a_pointwise_predictor_gets_its_whole_volume_prediction_back_exactly(
    shape, patch, overlap, weighting, batch_size
):
    volume = image(shape)
    tiled = predict_sliding_window(
        volume, pointwise, patch, overlap=overlap, weighting=weighting, batch_size=batch_size
    )
    assert tiled.dtype == np.float32 and tiled.shape == (3, *shape)
    np.testing.assert_array_equal(tiled, pointwise(volume[None])[0])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), patch=st.integers(1, 128), overlap=st.floats(0.0, 0.95))
def test_patches_cover_every_voxel_lie_inside_and_end_flush(n, patch, overlap):
    starts = patch_starts(n, patch, overlap)
    if patch >= n:
        assert starts == [-((patch - n) // 2)]
        return
    assert starts[0] == 0 and starts[-1] == n - patch
    assert all(0 <= s <= n - patch for s in starts)
    assert all(0 < b - a <= patch for a, b in zip(starts, starts[1:]))
    assert len(set(starts)) == len(starts)


def test_gaussian_weights_peak_in_the_centre_and_never_vanish():
    weights = gaussian_importance((9, 8, 5))
    assert weights.dtype == np.float32 and weights.shape == (9, 8, 5)
    assert weights.max() == weights[4, 3:5, 2].max() and weights.min() >= 1e-3
    np.testing.assert_array_equal(weights, weights[::-1, ::-1, ::-1])


def test_gaussian_weighting_leaves_smaller_seams_than_uniform_averaging():
    mni = tu.load_sample("mni")
    volume = mni.image[60:140, 70:150, 60:124]
    model = IntensityModel.fit(tu.Volume(volume, np.eye(4), mni.label[60:140, 70:150, 60:124]), smoothing=2.0)
    whole = model(volume[None])[0]
    errors = {
        weighting: np.abs(predict_sliding_window(volume, model, 32, overlap=0.5, weighting=weighting) - whole).mean()
        for weighting in ("gaussian", "uniform")
    }
    assert errors["gaussian"] < 0.5 * errors["uniform"], errors


def test_bad_arguments_are_refused_with_what_was_expected():
    volume = image((6, 6, 6))
    with pytest.raises(ValueError, match=r"overlap must be a number in \[0, 1\)"):
        predict_sliding_window(volume, pointwise, 4, overlap=1.0)
    with pytest.raises(ValueError, match="weighting must be"):
        predict_sliding_window(volume, pointwise, 4, weighting="cosine")
    with pytest.raises(ValueError, match="batch_size"):
        predict_sliding_window(volume, pointwise, 4, batch_size=0)
    with pytest.raises(ValueError, match=r"predict returned shape \(4, 4, 4, 4\) .* expected \(B, C, I, J, K\)"):
        predict_sliding_window(volume, lambda batch: batch, 4)
    with pytest.raises(TypeError, match="predict must be a callable"):
        predict_sliding_window(volume, "model", 4)


def test_the_same_result_for_a_volume_and_its_image():
    volume = tu.Volume(image((10, 9, 8)), np.eye(4))
    model = IntensityModel((50.0, 150.0, 250.0), (40.0, 40.0, 40.0), (0.3, 0.4, 0.3), smoothing=1.0)
    np.testing.assert_array_equal(
        predict_sliding_window(volume, model, (6, 6, 6)), predict_sliding_window(volume.image, model, (6, 6, 6))
    )


def scan() -> tu.Volume:
    x = np.linspace(0, 1, 14 * 12 * 10, dtype=np.float32).reshape(14, 12, 10) * 300
    return tu.Volume(np.sin(x / 40) * 100 + 120, np.diag([1.0, 1.2, 2.0, 1.0]))


def test_tta_with_a_flip_equivariant_predictor_equals_the_plain_prediction():
    volume = scan()
    model = IntensityModel((40.0, 120.0, 200.0), (30.0, 30.0, 30.0), (0.3, 0.4, 0.3), smoothing=1.5)
    mean, disagreement = tu.predict_with_tta(volume, model)
    np.testing.assert_array_equal(mean, model(volume.image[None])[0])
    assert disagreement.shape == volume.shape and disagreement.dtype == np.float32
    assert float(disagreement.max()) == 0.0


def test_tta_disagreement_shows_where_a_predictor_is_not_equivariant():
    volume = scan()

    def lopsided(batch):  # depends on the position along axis 0: flips disagree
        ramp = np.linspace(0, 1, batch.shape[1], dtype=np.float32)[None, :, None, None]
        p = np.clip(batch / 240 * ramp, 0, 1)
        return np.stack([1 - p, p], axis=1)

    mean, disagreement = tu.predict_with_tta(volume, lopsided, tu.flip_transforms((0,)))
    assert disagreement.max() > 0.01
    np.testing.assert_allclose(mean.sum(axis=0), 1.0, atol=1e-6)


def test_tta_with_random_affine_copies_is_reproducible_and_stays_a_probability():
    volume = scan()
    model = IntensityModel((40.0, 120.0, 200.0), (30.0, 30.0, 30.0), (0.3, 0.4, 0.3), smoothing=1.0)
    transforms = [functools.partial(tu.random_affine, degrees=10, translation_range=1.0)] * 2
    mean, disagreement = tu.predict_with_tta(volume, model, transforms, rng=3)
    again, _ = tu.predict_with_tta(volume, model, transforms, rng=3)
    np.testing.assert_array_equal(mean, again)
    assert mean.min() >= 0 and mean.max() <= 1
    np.testing.assert_allclose(mean.sum(axis=0), 1.0, atol=1e-5)
    assert 0 < disagreement.max() <= 0.25


def test_flip_transforms_are_the_seven_mirrorings():
    assert [t.keywords["axes"] for t in tu.flip_transforms()] == [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]
    with pytest.raises(TypeError, match="axes must be a non-empty sequence"):
        tu.flip_transforms(())


def test_the_stand_in_model_is_fitted_to_the_labels_and_sums_to_one():
    mni = tu.load_sample("mni")
    model = IntensityModel.fit(mni, smoothing=0.0)
    assert model.n_classes == 4 and "not a network" in repr(model)
    probabilities = model(mni.image[None, 80:100, 100:120, 80:100])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    predicted = probabilities[0].argmax(axis=0)
    truth = mni.label[80:100, 100:120, 80:100]
    assert (predicted == truth).mean() > 0.6
    with pytest.raises(ValueError, match="label map"):
        IntensityModel.fit(tu.Volume(mni.image, mni.affine))


@pytest.mark.parametrize("mode", ["gaussian", "constant"])
def test_the_same_blend_as_monai_sliding_window_inference(mode):
    torch = pytest.importorskip("torch")
    inferers = pytest.importorskip("monai.inferers")
    data = pytest.importorskip("monai.data.utils")
    np.testing.assert_allclose(
        gaussian_importance((16, 12, 9)), data.compute_importance_map((16, 12, 9), mode="gaussian").numpy(), rtol=1e-6
    )
    volume = image((30, 26, 21), seed=1)
    model = IntensityModel((50.0, 150.0, 250.0), (40.0, 40.0, 40.0), (0.3, 0.4, 0.3), smoothing=1.5)
    ours = predict_sliding_window(
        volume, model, (16, 12, 9), overlap=0.5, weighting="gaussian" if mode == "gaussian" else "uniform", batch_size=3
    )
    theirs = inferers.sliding_window_inference(
        torch.from_numpy(volume[None, None]),
        roi_size=(16, 12, 9),
        sw_batch_size=3,
        predictor=lambda x: torch.from_numpy(model(x[:, 0].numpy())),
        overlap=0.5,
        mode=mode,
    )
    np.testing.assert_allclose(ours, theirs[0].numpy(), atol=2e-6)
