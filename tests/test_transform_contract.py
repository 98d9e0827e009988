"""One contract for every Volume transform, generated from the registry (not a hand list).

Every deterministic step registered with ``volume_transform`` and every
function marked ``random_transform`` is run on a small anisotropic, oblique
volume with a label, and must:

* give identical output for the same seed (random) or on a second call;
* add exactly one record per call;
* be reproduced exactly by ``replay(original, out.history)``, also after a
  JSON round trip of the history;
* leave the input untouched, and work on read-only input arrays;
* leave the global ``np.random`` state alone;
* never invent a label value;
* refuse a tampered record with an error naming the record and the parameter, in ``replay`` and inside
  ``invert`` (which checks every record with the step's own checks before composing anything).

A public ``tu`` function that takes and returns a Volume but is in neither
registry fails ``test_every_public_volume_function_is_registered``; a new step
without an example below fails ``test_every_registered_step_has_an_example``.
"""

from __future__ import annotations

import inspect

import nibabel as nib
import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.inference.steps import INVERSES
from tutorial_utils.records import random_transforms, records_from_json, records_to_json, registered_steps

#: Example keyword arguments for deterministic steps on the test volume (shape (12, 10, 8)).
STEP_EXAMPLES: dict[str, dict] = {
    "flip": {"axes": (0, 2), "swap_labels": {1: 2, 2: 1}},
    "affine": {"rotation": (5.0, -10.0, 20.0), "scale": 1.1, "translation": (1.0, -2.0, 0.5)},
    "rotate": {"rotation": (0.0, 0.0, 30.0)},
    "shift": {"offset": (1, -2, 0)},
    "zoom": {"factor": 1.2},
    "resample": {"spacing": (2.0, 2.0, 2.0), "label_mode": "onehot"},
    "resize": {"shape": (6, 5, 9)},
    "reorient": {"axcodes": "LPS"},
    "crop": {"start": (1, 2, 0), "size": (8, 6, 5)},
    "center_crop": {"size": (6, 6, 6)},
    "pad": {"shape": (14, 12, 11)},
    "crop_or_pad": {"shape": (14, 8, 9)},
    "window": {"level": 40.0, "width": 400.0},
    "normalize": {"method": "zscore"},
    "percentile_clip": {"lower": 1.0, "upper": 99.0},
    "gamma": {"gamma": 1.3},
    "noise": {"std": 0.1, "seed": 3},
    "bias_field": {"strength": 0.2, "seed": 3},
    "intensity_scale_shift": {"scale": 1.1, "shift": -0.2},
    "elastic": {"seed": 3, "num_control_points": 5, "max_displacement": 2.0},
    "skipped": {"transform": "random_flip"},
    "ct_normalize": {"low": 90.0, "high": 150.0, "mean": 100.0, "std": 20.0},  # issue 16 (dataset plan)
    # issue 24: MRI artifacts
    "motion": {
        "degrees": ((3.0, -2.0, 5.0), (0.0, 4.0, -3.0)),
        "translation": ((1.0, 0.0, -2.0), (0.5, 1.5, 0.0)),
        "times": (0.3, 0.7),
        "axis": 1,
    },
    "ghosting": {"intensity": 0.6, "period": 3, "axis": 0},
    "spike": {"positions": ((0.1, -0.3, 0.25),), "intensity": 0.3},
    "gibbs": {"fraction": 0.5, "axes": (0, 2)},
    "thick_slices": {"thickness": 5.0, "axis": 2},
    "rician_noise": {"std": 5.0, "seed": 3},
}

#: Keyword arguments random transforms need beyond their defaults on the test volume.
RANDOM_EXAMPLES: dict[str, dict] = {
    "random_crop": {"size": (6, 6, 5)},
    "random_flip": {"p": 0.7, "swap_labels": {1: 5, 5: 1}},
    "random_elastic": {"num_control_points": 5, "max_displacement": 2.0},  # the defaults fold on 12 voxels
}

#: Public functions that take and return a Volume without being a transform.
NOT_TRANSFORMS = {"replay"}

SEEDS = (0, 7)


def package_steps() -> dict:
    return {name: fn for name, fn in registered_steps().items() if fn.__module__.startswith("tutorial_utils")}


def package_random_transforms() -> dict:
    return {name: fn for name, fn in random_transforms().items() if fn.__module__.startswith("tutorial_utils")}


def oblique_volume() -> tu.Volume:
    """12 x 10 x 8 voxels of 1.0 x 1.5 x 2.5 mm, rotated in world space, with a 4-class label."""
    rng = np.random.default_rng(42)
    rotation = nib.eulerangles.euler2mat(0.3, -0.2, 0.1)
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag([1.0, 1.5, 2.5])
    affine[:3, 3] = (-20.0, 5.0, 12.0)
    label = np.zeros((12, 10, 8), np.uint8)
    label[2:10, 2:8, 1:7] = 1
    label[4:8, 3:7, 2:5] = 2
    label[5:7, 4:6, 3:4] = 5
    image = (label * 30.0 + rng.normal(100.0, 10.0, label.shape)).astype(np.float32)
    return tu.Volume(image, affine, label)


def read_only(volume: tu.Volume) -> tu.Volume:
    image, label = volume.image.copy(), volume.label.copy()
    image.setflags(write=False)
    label.setflags(write=False)
    return tu.Volume(image, volume.affine, label)


def assert_same(a: tu.Volume, b: tu.Volume) -> None:
    np.testing.assert_array_equal(a.image, b.image)
    np.testing.assert_array_equal(a.label, b.label)
    np.testing.assert_array_equal(a.affine, b.affine)
    assert a.image.dtype == b.image.dtype and a.label.dtype == b.label.dtype
    assert a.history == b.history


def calls():
    """(id, function, kwargs) for every registered step and random transform."""
    for name, step in sorted(package_steps().items()):
        yield pytest.param(step, STEP_EXAMPLES.get(name), id=f"step:{name}")
    for name, fn in sorted(package_random_transforms().items()):
        yield pytest.param(fn, RANDOM_EXAMPLES.get(name, {}), id=name)


def run(fn, volume: tu.Volume, kwargs: dict, seed: int) -> tu.Volume:
    if fn in package_random_transforms().values():
        return fn(volume, rng=seed, **kwargs)
    return fn(volume, **kwargs)


def test_every_registered_step_has_an_example():
    missing = sorted(set(package_steps()) - set(STEP_EXAMPLES))
    assert not missing, f"add example parameters for the new steps {missing} to STEP_EXAMPLES"


def test_every_public_volume_function_is_registered():
    registered = set(package_steps().values()) | set(package_random_transforms().values())
    unregistered = []
    for name in tu.__all__:
        if name in tu._DISPLAY_NAMES or name in NOT_TRANSFORMS:
            continue
        obj = getattr(tu, name)
        if not inspect.isfunction(obj):
            continue
        signature = inspect.signature(obj)
        first = next(iter(signature.parameters.values()), None)
        takes_volume = first is not None and first.annotation in ("Volume", tu.Volume)
        if takes_volume and signature.return_annotation in ("Volume", tu.Volume) and obj not in registered:
            unregistered.append(name)
    assert not unregistered, (
        f"{unregistered} take and return a Volume but are neither volume_transform steps nor random_transform: "
        "a direct call would add no record and replay would silently drop the step"
    )


@pytest.mark.parametrize(("fn", "kwargs"), list(calls()))
def test_transform_contract(fn, kwargs):
    assert kwargs is not None, "no example parameters for this step"
    volume = read_only(oblique_volume())
    image_before, label_before = volume.image.copy(), volume.label.copy()
    global_state = np.random.get_state()[1].copy()

    outputs = [run(fn, volume, kwargs, seed) for seed in SEEDS]
    again = run(fn, volume, kwargs, SEEDS[0])

    np.testing.assert_array_equal(np.random.get_state()[1], global_state)
    np.testing.assert_array_equal(volume.image, image_before)
    np.testing.assert_array_equal(volume.label, label_before)
    assert_same(again, outputs[0])
    for out in outputs:
        assert isinstance(out, tu.Volume)
        assert len(out.history) == len(volume.history) + 1, [r.name for r in out.history]
        assert set(np.unique(out.label)) <= set(np.unique(label_before))
        assert_same(tu.replay(volume, out.history), out)
        assert_same(tu.replay(volume, records_from_json(records_to_json(out.history))), out)


@pytest.mark.parametrize(("fn", "kwargs"), list(calls()))
def test_a_tampered_record_is_refused_naming_record_and_parameter(fn, kwargs):
    volume = oblique_volume()
    record = run(fn, volume, kwargs, SEEDS[0]).history[-1]
    tried = 0
    for parameter in record.params:
        tampered = tu.TransformRecord(record.name, {**record.params, parameter: {"bogus": True}})
        with pytest.raises((TypeError, ValueError), match=rf"record 0 \('{record.name}'\).*{parameter}"):
            tu.replay(volume, [tampered])
        tried += 1
    assert tried or not record.params


@pytest.mark.parametrize(("fn", "kwargs"), list(calls()))
def test_a_tampered_record_is_refused_inside_invert_naming_record_and_parameter(fn, kwargs):
    """invert checks each record with its step's own checks first: no numpy or scipy error escapes unnamed."""
    volume = oblique_volume()
    out = run(fn, volume, kwargs, SEEDS[0])
    record = out.history[-1]
    refused = INVERSES[record.name].kind == "refused"
    tried = 0
    for parameter in record.params:
        for bogus in ({"bogus": True}, None, "abc", -1, 0):
            if bogus == record.params[parameter] or (bogus is None and parameter == "swap_labels"):
                continue
            tampered = tu.TransformRecord(record.name, {**record.params, parameter: bogus})
            try:
                tu.replay(volume, [tampered])
            except (TypeError, ValueError):
                pass
            else:
                continue  # a value the step itself accepts (0 for a shift, "abc" for skipped): invert must too
            pattern = rf"history\[0\] \('{record.name}'\)" + ("" if refused else f".*{parameter}")
            with pytest.raises((TypeError, ValueError), match=pattern):
                tu.invert(out, [tampered], original=volume)
            tried += 1
    assert tried or not record.params
