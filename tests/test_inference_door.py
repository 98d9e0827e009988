"""Predictions and records checked at the door of invert, predict_sliding_window and predict_with_tta (issue 22).

Nothing silent: a NaN, logits, a single sigmoid channel, a predictor that changes its output between calls, a
hand-edited record that its own step refuses; each gets a ValueError/TypeError that says where and what to do.
"""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.inference import (
    IntensityModel,
    invert,
    one_hot,
    predict_sliding_window,
    predict_with_tta,
    transformed_grid,
)
from tutorial_utils.records import records_from_json, records_to_json


def scan() -> tu.Volume:
    rng = np.random.default_rng(1)
    affine = np.diag([1.0, 1.5, 2.0, 1.0])
    label = rng.integers(0, 3, size=(12, 10, 8)).astype(np.uint8)
    return tu.Volume(label * 50.0 + rng.normal(0.0, 5.0, label.shape).astype(np.float32), affine, label)


def crop_and_flip(volume: tu.Volume) -> tu.Volume:
    return tu.flip_volume(tu.crop_volume(volume, start=(2, 1, 0), size=(8, 8, 8)), axes=0)


def resampled(volume: tu.Volume) -> tu.Volume:
    return tu.resample_to_spacing(volume, spacing=2.0)


# --- invert: the prediction ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("preprocess", [crop_and_flip, resampled], ids=["exact", "interpolating"])
def test_invert_refuses_a_non_finite_prediction_naming_how_many_and_the_first(bad, preprocess):
    """One NaN became 24 after an interpolating inverse on main, silently."""
    volume = scan()
    out = preprocess(volume)
    probabilities = one_hot(out.label, 3)
    probabilities[2, 3, 4, 5] = bad
    probabilities[1, 5, 0, 1] = bad
    with pytest.raises(
        ValueError, match=r"prediction holds 2 NaN or infinite values; the first is class 1 at voxel \(5, 0, 1\)"
    ):
        invert(probabilities, out.history, original=volume)


def test_invert_refuses_logits_instead_of_clipping_them():
    """Logits clipped to [0, 1] tie at 1.0 and flip the argmax, even where the inverse only copies."""
    volume = scan()
    out = crop_and_flip(volume)
    logits = np.random.default_rng(0).normal(2.0, 1.0, size=(3, *out.shape)).astype(np.float32)
    with pytest.raises(ValueError, match="not a probability map.*pass softmax probabilities, not logits"):
        invert(logits, out.history, original=volume)
    positive = np.abs(logits) + 0.5  # no negative value, but classes that do not sum to 1
    with pytest.raises(ValueError, match=r"classes that sum to [\d.]+ at voxel .*not logits"):
        invert(positive, out.history, original=volume)
    softmax = np.exp(logits) / np.exp(logits).sum(axis=0)
    back = invert(softmax, out.history, original=volume)
    np.testing.assert_array_equal(back[:, 2:10, 1:9].argmax(axis=0), softmax[:, ::-1].argmax(axis=0))


def test_invert_refuses_a_single_sigmoid_channel_with_the_remedy():
    """On main a (1, I, J, K) map came back as 1.0 (foreground) wherever a crop had dropped voxels."""
    volume = scan()
    out = crop_and_flip(volume)
    foreground = np.random.default_rng(0).uniform(size=(1, *out.shape)).astype(np.float32)
    with pytest.raises(ValueError, match=r"single channel.*np\.stack\(\[1 - p\[0\], p\[0\]\]\)"):
        invert(foreground, out.history, original=volume)
    two = np.stack([1 - foreground[0], foreground[0]])
    back = invert(two, out.history, original=volume)
    assert float(back[1, 0].max()) == 0.0  # dropped by the crop: background
    np.testing.assert_allclose(back.sum(axis=0), 1.0, atol=1e-6)


# --- invert: the records ------------------------------------------------------------------------


def _edited(out: tu.Volume, position: int, **changes) -> tuple:
    """The history as JSON, one record's parameters edited by hand, read back."""
    import json

    entries = json.loads(records_to_json(out.history))
    entries[position]["params"].update(changes)
    return records_from_json(json.dumps(entries))


@pytest.mark.parametrize(
    ("gamma", "error", "message"),
    [
        (0.0, ValueError, "gamma"),  # ZeroDivisionError: float division by zero on main
        ("abc", TypeError, "gamma"),  # could not convert string to float: 'abc', naming nothing
        (None, TypeError, "gamma"),  # float() argument must be ... not 'NoneType'
    ],
)
def test_a_hand_edited_gamma_record_names_itself_inside_invert(gamma, error, message):
    volume = scan()
    out = tu.gamma_volume(crop_and_flip(volume), gamma=1.5)
    history = _edited(out, 2, gamma=gamma)
    with pytest.raises(error, match=rf"history\[2\] \('gamma'\).*{message}"):
        invert(out, history, original=volume)


def test_a_reorient_record_its_step_refuses_is_refused_by_invert_with_the_steps_words():
    volume = scan()
    out = tu.reorient(crop_and_flip(volume), axcodes="LPS")
    history = _edited(out, 2, axcodes="RRS")
    with pytest.raises(ValueError) as direct:
        tu.reorient(volume, axcodes="RRS")
    with pytest.raises(ValueError, match=r"history\[2\] \('reorient'\)") as inside:
        invert(one_hot(out.label, 3), history, original=volume)
    assert str(inside.value) == f"history[2] ('reorient'): {direct.value}"
    with pytest.raises(ValueError, match=r"history\[2\] \('reorient'\)"):
        transformed_grid(volume, history)


def test_a_crop_record_that_does_not_fit_its_grid_names_itself():
    volume = scan()
    out = tu.crop_volume(volume, start=(0, 0, 0), size=(8, 8, 8))
    history = _edited(out, 0, start=[6, 0, 0])
    with pytest.raises(ValueError, match=r"history\[0\] \('crop'\): start \(6, 0, 0\) \+ size .* axis 0"):
        invert(out, history, original=volume)


def test_every_record_is_checked_before_any_resampling(monkeypatch):
    """The bad record is the last one: nothing has been composed or resampled when it is refused."""
    import sys

    inverse = sys.modules["tutorial_utils.inference.inverse"]
    calls = []
    monkeypatch.setattr(inverse, "_map_back", lambda *a, **k: calls.append(a))
    volume = scan()
    out = tu.gamma_volume(resampled(volume), gamma=1.5)
    with pytest.raises(ValueError, match=r"history\[1\] \('gamma'\)"):
        invert(out, _edited(out, 1, gamma=-2.0), original=volume)
    assert not calls


def test_the_label_map_advice_is_the_whole_way_even_with_a_normalize_step():
    """Main's advice (reference.replace(label=labels)) led into 'cannot be undone ... intensity="keep"'."""
    volume = scan()
    out = tu.normalize_volume(crop_and_flip(volume))
    labels = out.label.astype(np.int64)  # as np.argmax gives them
    with pytest.raises(TypeError) as advice:
        invert(labels, out.history, original=volume, reference=out)
    expected = "invert(reference.replace(label=labels), history, original=original, intensity='keep').label"
    assert expected in str(advice.value)
    back = eval(
        expected,
        {"invert": invert},
        {"reference": out, "labels": labels, "history": out.history, "original": volume},
    )
    np.testing.assert_array_equal(back[2:10, 1:9], volume.label[2:10, 1:9])
    with pytest.raises(ValueError, match=r"history\[2\] \('normalize'\).*intensity='keep'.*\.label"):
        invert(out.replace(label=labels), out.history, original=volume)


# --- predictors: sliding window and TTA ---------------------------------------------------------


def model() -> IntensityModel:
    return IntensityModel((0.0, 50.0, 100.0), (20.0, 20.0, 20.0), (0.4, 0.3, 0.3), smoothing=0.0)


def test_sliding_window_refuses_a_predictor_that_returns_nan_naming_the_patch_and_voxel():
    """On main 60 NaN voxels came out, with no error or warning."""
    volume = scan()

    def nan_in_the_third_patch(batch):
        out = model()(batch)
        if nan_in_the_third_patch.calls == 2:
            out[0, 1, 1, 2, 3] = np.nan
        nan_in_the_third_patch.calls += 1
        return out

    nan_in_the_third_patch.calls = 0
    with pytest.raises(
        ValueError,
        match=r"predict's output for batch 3 of \d+ \(patches 2 to 2\) holds 1 NaN .*class 1 at voxel \(1, 2, 3\) "
        r"of the patch starting at \(\d+, \d+, \d+\) \(voxel \(\d+, \d+, \d+\) of the volume\)",
    ):
        predict_sliding_window(volume, nan_in_the_third_patch, (6, 6, 6), batch_size=1)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ("classes", ValueError, r"returned shape \(2, 2, 6, 6, 6\) for batch 2 of \d+ .*\(2, 3, 6, 6, 6\)"),
        ("batch", ValueError, r"returned shape \(1, 3, 6, 6, 6\) for batch 2 of \d+ .*\(2, 3, 6, 6, 6\)"),
        ("dtype", TypeError, r"returned array of shape \(2, 3, 6, 6, 6\) and dtype int64 for batch 2 of \d+ .*float"),
    ],
)
def test_sliding_window_refuses_a_predictor_that_changes_its_output_between_batches(change, error, message):
    volume = scan()

    def drifting(batch):
        out = model()(batch)
        drifting.calls += 1
        if drifting.calls < 2:
            return out
        if change == "classes":
            return np.stack([out[:, 0] + out[:, 1], out[:, 2]], axis=1)
        if change == "batch":
            return out[:1]
        return (out > 0.5).astype(np.int64)

    drifting.calls = 0
    with pytest.raises(error, match=rf"predict {message}"):
        predict_sliding_window(volume, drifting, (6, 6, 6), batch_size=2)


def test_predictors_must_return_softmax_probabilities_not_logits():
    volume = scan()

    def logits(batch):
        return np.log(model()(batch))

    with pytest.raises(ValueError, match="for batch 1 of .*not a probability map.*not logits"):
        predict_sliding_window(volume, logits, (6, 6, 6))
    with pytest.raises(ValueError, match="for the unchanged volume is not a probability map.*not logits"):
        predict_with_tta(volume, logits)

    def sigmoid(batch):
        return model()(batch)[:, 2:]

    with pytest.raises(ValueError, match=r"single channel.*np\.concatenate\(\[1 - p, p\], axis=1\)"):
        predict_sliding_window(volume, sigmoid, (6, 6, 6))


def test_tta_refuses_a_predictor_that_changes_its_class_count_naming_the_copy():
    volume = scan()

    def drifting(batch):
        drifting.calls += 1
        out = model()(batch)
        return out if drifting.calls < 4 else np.stack([out[:, 0] + out[:, 1], out[:, 2]], axis=1)

    drifting.calls = 0
    with pytest.raises(
        ValueError, match=r"predict returned shape \(1, 2, 12, 10, 8\) for copy 3 of 7 \(flip\).*\(1, 3,"
    ):
        predict_with_tta(volume, drifting)

    def nan_copy(batch):
        nan_copy.calls += 1
        out = model()(batch)
        if nan_copy.calls == 2:
            out[0, 0, 0, 0, 0] = np.nan
        return out

    nan_copy.calls = 0
    with pytest.raises(ValueError, match=r"copy 1 of 7 \(flip\) holds 1 NaN"):
        predict_with_tta(volume, nan_copy)


def test_an_oblique_scan_round_trip_still_passes_the_checks():
    """The door lets real probabilities through: a reoriented, resampled, padded oblique scan and back."""
    rng = np.random.default_rng(3)
    affine = np.eye(4)
    affine[:3, :3] = nib.eulerangles.euler2mat(0.2, 0.1, -0.3) @ np.diag([1.0, 1.2, 2.0])
    label = rng.integers(0, 3, size=(14, 12, 9)).astype(np.uint8)
    volume = tu.Volume(label * 50.0, affine, label)
    out = tu.crop_or_pad_volume(tu.resample_to_spacing(tu.reorient(volume, "LPS"), spacing=1.5), shape=(12, 12, 12))
    probabilities = predict_sliding_window(out, model(), (8, 8, 8))
    back = invert(probabilities, out.history, original=volume, reference=out)
    np.testing.assert_allclose(back.sum(axis=0), 1.0, atol=1e-5)
