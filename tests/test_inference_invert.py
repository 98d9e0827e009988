"""invert(): every recorded step has an inverse, exact steps come back exactly, one resampling for a chain."""

from __future__ import annotations

import inspect
import sys

import nibabel as nib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tutorial_utils as tu
from tutorial_utils.inference import invert, one_hot, transformed_grid
from tutorial_utils.inference.steps import INVERSES
from tutorial_utils.naive.inference import invert_step_by_step
from tutorial_utils.records import registered_steps

inverse_module = sys.modules["tutorial_utils.inference.inverse"]

#: Steps that move voxels without interpolating: inverted exactly.
EXACT_STEPS = {
    "flip": {"axes": (0, 2)},
    "crop": {"start": (1, 2, 0), "size": (8, 6, 5)},
    "center_crop": {"size": (6, 6, 6)},
    "pad": {"shape": (14, 12, 11)},
    "crop_or_pad": {"shape": (14, 8, 9)},
    "shift": {"offset": (1, -2, 0)},
    "reorient": {"axcodes": "PSL"},
}
#: Steps that interpolate, with parameters for the 12 x 10 x 8 test volume.
INTERPOLATING_STEPS = {
    "affine": {"rotation": (5.0, -10.0, 20.0), "scale": 1.1, "translation": (1.0, -2.0, 0.5)},
    "rotate": {"rotation": (0.0, 0.0, 30.0)},
    "shift": {"offset": (0.5, -1.25, 0.0)},
    "zoom": {"factor": 1.2},
    "resample": {"spacing": (2.0, 2.0, 2.0)},
    "resize": {"shape": (6, 5, 9)},
}


def package_steps() -> dict:
    """Registered steps defined in the package (a doctest may register its own)."""
    found = {}
    for name, fn in registered_steps().items():
        module = sys.modules.get(getattr(fn, "__module__", ""), None)
        defined = getattr(fn, "__wrapped__", fn)
        if (
            module is not None
            and fn.__module__.startswith("tutorial_utils")
            and getattr(module, getattr(defined, "__name__", ""), None) in (fn, defined)
        ):
            found[name] = fn
    return found or dict(registered_steps())


def step(name: str, volume: tu.Volume, **params) -> tu.Volume:
    if name not in registered_steps():
        pytest.skip(f"no {name!r} step in this version of the package")
    return registered_steps()[name](volume, **params)


def oblique_volume(shape=(12, 10, 8)) -> tu.Volume:
    """Anisotropic voxels, rotated in world space, labels 1 to 3 everywhere (0 means 'not covered')."""
    rng = np.random.default_rng(42)
    affine = np.eye(4)
    affine[:3, :3] = nib.eulerangles.euler2mat(0.3, -0.2, 0.1) @ np.diag([1.0, 1.5, 2.5])
    affine[:3, 3] = (-20.0, 5.0, 12.0)
    label = rng.integers(1, 4, size=shape).astype(np.uint8)
    return tu.Volume(rng.normal(100.0, 10.0, shape).astype(np.float32), affine, label)


def test_every_registered_step_has_an_inverse_or_is_listed_as_not_invertible():
    missing = sorted(set(package_steps()) - set(INVERSES))
    assert not missing, f"add the steps {missing} to tutorial_utils.inference.steps.INVERSES"
    assert {e.kind for e in INVERSES.values()} <= {"spatial", "intensity", "none", "refused"}


@pytest.mark.parametrize("name", sorted(INVERSES))
def test_each_inverse_reads_parameters_its_step_takes(name):
    if name not in registered_steps():
        pytest.skip(f"no {name!r} step in this version of the package")
    parameters = inspect.signature(registered_steps()[name]).parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        pytest.skip("transitional step without a full signature")
    assert set(INVERSES[name].reads) <= set(parameters), f"{name} takes {list(parameters)[1:]}"


@pytest.mark.parametrize("name", sorted({**EXACT_STEPS, **INTERPOLATING_STEPS}))
def test_the_traced_grid_is_the_grid_each_step_makes(name):
    volume = oblique_volume()
    for params in (EXACT_STEPS.get(name), INTERPOLATING_STEPS.get(name)):
        if params is None:
            continue
        out = step(name, volume, **params)
        shape, affine = transformed_grid(volume, out.history)
        assert shape == out.shape
        np.testing.assert_allclose(affine, out.affine, atol=1e-9)


@pytest.mark.parametrize("name", sorted(EXACT_STEPS))
def test_exact_steps_come_back_exactly(name):
    volume = oblique_volume()
    out = step(name, volume, **EXACT_STEPS[name])
    back = invert(out, out.history, original=volume)
    assert back.shape == volume.shape
    np.testing.assert_array_equal(back.affine, volume.affine)
    kept = back.label > 0  # 0: cropped away or shifted out
    np.testing.assert_array_equal(back.label[kept], volume.label[kept])
    np.testing.assert_array_equal(back.image[kept], volume.image[kept])
    assert kept.sum() == min(volume.label.size, out.label.size) or name in ("shift", "crop_or_pad")
    probabilities = invert(one_hot(out.label), out.history, original=volume, reference=out)
    np.testing.assert_array_equal(probabilities.argmax(0)[kept], volume.label[kept])


@settings(max_examples=25, deadline=None)
@given(
    axes=st.lists(st.integers(0, 2), unique=True, max_size=3),
    start=st.tuples(*[st.integers(0, 2)] * 3),
    size=st.tuples(*[st.integers(1, 5)] * 3),
    pad=st.tuples(*[st.integers(0, 4)] * 3),
)
def test_chains_of_exact_steps_come_back_exactly_inside_the_kept_box(axes, start, size, pad):
    volume = oblique_volume((9, 8, 7))
    out = step("crop", volume, start=start, size=size)
    out = step("flip", out, axes=tuple(axes))
    out = step("pad", out, shape=tuple(s + p for s, p in zip(size, pad)))
    back = invert(out, out.history, original=volume)
    box = tuple(slice(a, a + s) for a, s in zip(start, size))
    np.testing.assert_array_equal(back.label[box], volume.label[box])
    assert back.label.sum() == volume.label[box].sum()  # nothing outside the box


def test_mni_resampled_to_1_5_mm_and_back_keeps_grey_and_white_matter():
    mni = tu.load_sample("mni")
    forward = step("resample", mni, spacing=(1.5, 1.5, 1.5), order=1, antialias=False)
    nearest = invert(forward, forward.history, original=mni)
    assert nearest.shape == mni.shape
    np.testing.assert_array_equal(nearest.affine, mni.affine)
    dice_nearest = tu.dice_scores(mni.label, nearest.label, (2, 3))
    # a perfect network predicts the tissue fractions: one-hot labels resampled linearly
    soft = np.stack([tu.replay(tu.Volume(c, mni.affine), forward.history).image for c in one_hot(mni.label)])
    probabilities = invert(soft, forward.history, original=mni, reference=forward)
    dice_linear = tu.dice_scores(mni.label, probabilities.argmax(0).astype(np.uint8), (2, 3))
    assert min(dice_nearest.values()) >= 0.92, dice_nearest
    assert min(dice_linear.values()) >= 0.97, dice_linear
    assert probabilities.dtype == np.float32 and probabilities.min() >= 0 and probabilities.max() <= 1
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0, atol=1e-5)


def chain(volume: tu.Volume) -> tu.Volume:
    out = step("resample", volume, spacing=(1.2, 1.2, 2.0))
    out = step("rotate", out, rotation=(0.0, 0.0, 12.0))
    out = step("zoom", out, factor=1.1)
    out = step("shift", out, offset=(0.5, 0.0, -0.5))
    return step("crop_or_pad", out, shape=(14, 14, 10))


def test_a_chain_of_interpolating_steps_is_inverted_with_one_resampling(monkeypatch):
    calls = []
    for name in ("resample_separable", "_resampling"):
        original = getattr(inverse_module, name)
        if name == "_resampling":
            monkeypatch.setattr(original, "affine_transform", _counting(original.affine_transform, calls))
        else:
            monkeypatch.setattr(inverse_module, name, _counting(original, calls))
    volume = oblique_volume()
    out = chain(volume)
    assert len(out.history) == 5
    back = invert(out, out.history, original=volume)
    assert len(calls) == 2  # image and label, once each
    assert back.shape == volume.shape


def _counting(fn, calls):
    def counted(*args, **kwargs):
        calls.append(fn)
        return fn(*args, **kwargs)

    return counted


def test_one_composed_resampling_blurs_less_than_inverting_step_by_step():
    x = np.linspace(-1, 1, 24)
    smooth = np.cos(3 * x)[:, None, None] * np.sin(2 * x)[None, :, None] * np.cos(x[:16])[None, None, :]
    volume = tu.Volume(smooth[:, :20] * 100, np.diag([1.0, 1.0, 1.5, 1.0]))
    out = chain(volume)
    composed = invert(out, out.history, original=volume)
    stepwise = invert_step_by_step(out, out.history, volume)
    centre = (slice(6, 18), slice(6, 14), slice(5, 11))
    error_composed = np.abs(composed.image - volume.image)[centre].mean()
    error_stepwise = np.abs(stepwise.image - volume.image)[centre].mean()
    assert error_composed < 0.8 * error_stepwise, (error_composed, error_stepwise)


@pytest.mark.parametrize("chained", [False, True])
def test_inverted_probabilities_stay_in_0_1_and_sum_to_1(chained):
    volume = oblique_volume()
    out = chain(volume) if chained else step("affine", volume, **INTERPOLATING_STEPS["affine"])
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, *out.shape)).astype(np.float32)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=0, dtype=np.float32)
    back = invert(probabilities, out.history, original=volume, reference=out)
    assert back.shape == (4, *volume.shape) and back.dtype == np.float32
    assert back.min() >= 0.0 and back.max() <= 1.0
    np.testing.assert_allclose(back.sum(axis=0), 1.0, atol=1e-5)
    assert (back[0] == 1).any()  # corners outside the rotated field of view: background


def test_image_intensity_steps_are_undone_where_they_can_be():
    volume = oblique_volume()
    out = step("intensity_scale_shift", step("flip", volume, axes=1), scale=2.0, shift=-3.0)
    out = step("gamma", out, gamma=1.5)
    back = invert(out, out.history, original=volume)
    np.testing.assert_allclose(back.image, volume.image, rtol=1e-5)
    kept = invert(out, out.history, original=volume, intensity="keep")
    assert not np.allclose(kept.image, volume.image)
    normalized = step("normalize", volume, method="zscore")
    with pytest.raises(ValueError, match=r"normalize.*intensity='keep'"):
        invert(normalized, normalized.history, original=volume)
    np.testing.assert_array_equal(
        invert(normalized, normalized.history, original=volume, intensity="keep").image, normalized.image
    )


def test_labels_and_probabilities_ignore_intensity_steps():
    volume = oblique_volume()
    out = step("normalize", step("flip", volume, axes=0), method="zscore")
    back = invert(out.replace(image=volume.image), out.history, original=volume, intensity="keep")
    np.testing.assert_array_equal(back.label, volume.label)


def test_elastic_steps_are_refused_with_a_reason():
    volume = oblique_volume()
    out = step("elastic", volume, seed=3, num_control_points=5, max_displacement=2.0)
    with pytest.raises(ValueError, match=r"history\[0\] \('elastic'\).*training-time"):
        invert(out, out.history, original=volume)


def test_a_prediction_on_another_grid_is_refused():
    volume = oblique_volume()
    out = step("crop", volume, start=(0, 0, 0), size=(6, 6, 6))
    with pytest.raises(ValueError, match=r"shape \(12, 10, 8\).*history leads"):
        invert(one_hot(volume.label), out.history, original=volume)
    with pytest.raises(ValueError, match="reference"):
        invert(one_hot(out.label), out.history, original=volume, reference=volume)
    with pytest.raises(ValueError, match="order must be 0 or 1"):
        invert(one_hot(out.label), out.history, original=volume, order=3)
    with pytest.raises(TypeError, match="prediction must be a Volume or a float"):
        invert(out.label, out.history, original=volume)
    with pytest.raises(TypeError, match="history must be a sequence"):
        invert(out, "crop", original=volume)
    with pytest.raises(ValueError, match="no inverse is known for step 'bogus'"):
        invert(out, [tu.TransformRecord("bogus", {})], original=volume)


def test_inputs_are_not_modified_and_may_be_read_only():
    volume = oblique_volume()
    out = chain(volume)
    probabilities = one_hot(out.label)
    probabilities.setflags(write=False)
    before = probabilities.copy()
    invert(probabilities, out.history, original=volume)
    np.testing.assert_array_equal(probabilities, before)


def test_the_original_history_is_skipped_as_replay_does():
    volume = step("flip", oblique_volume(), axes=0)
    out = step("crop", volume, start=(1, 1, 1), size=(5, 5, 5))
    back = invert(out, out.history, original=volume)
    assert back.history == volume.history
    np.testing.assert_array_equal(back.label[1:6, 1:6, 1:6], volume.label[1:6, 1:6, 1:6])
