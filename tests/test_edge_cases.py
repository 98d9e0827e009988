"""Inputs real scans bring: a single slice stored as a 3D volume, an empty axis.

Every registered step and random transform (from the registry, like the
contract test) must work on a volume with one voxel along an axis: a 2D image
stored as 3D NIfTI, shape (1, 16, 16) or (16, 16, 1).
"""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from test_transform_contract import STEP_EXAMPLES
from tutorial_utils.records import random_transforms, registered_steps

SINGLE_SLICE_SHAPES = [(1, 16, 16), (16, 16, 1), (16, 1, 16)]

#: Step parameters for a 16-voxel slice: the contract's examples (for a 12 x 10 x 8 volume) with the
#: crops and pads that a length-1 axis needs.
SLICE_STEP_EXAMPLES: dict[str, dict] = {
    **STEP_EXAMPLES,
    "flip": {"axes": (0, 1, 2), "swap_labels": {1: 2, 2: 1}},
    "crop": {"start": (0, 2, 0), "size": (1, 6, 1)},
    "center_crop": {"size": (1, 6, 1)},
    "pad": {"shape": (18, 18, 18)},
}

SLICE_RANDOM_EXAMPLES = {
    "random_elastic": {"num_control_points": 5, "max_displacement": 2.0},
    "random_crop": {"size": (1, 6, 1)},
    "random_flip": {"p": 0.7, "swap_labels": {1: 2, 2: 1}},
}


def package_steps() -> dict:
    return {name: fn for name, fn in registered_steps().items() if fn.__module__.startswith("tutorial_utils")}


def package_random_transforms() -> dict:
    return {name: fn for name, fn in random_transforms().items() if fn.__module__.startswith("tutorial_utils")}


def single_slice(shape) -> tu.Volume:
    rng = np.random.default_rng(0)
    label = np.zeros(shape, np.uint8)
    centre = tuple(slice(max(0, n // 2 - 4), n // 2 + 4) for n in shape)
    label[centre] = 1
    label[tuple(slice(max(0, n // 2 - 2), n // 2 + 2) for n in shape)] = 2
    image = (label * 40.0 + rng.normal(100.0, 10.0, shape)).astype(np.float32)
    return tu.Volume(image, np.diag([0.8, 0.8, 3.0, 1.0]), label)


def calls():
    for name, step in sorted(package_steps().items()):
        yield pytest.param(step, name, id=f"step:{name}")
    for name, fn in sorted(package_random_transforms().items()):
        yield pytest.param(fn, name, id=name)


def test_every_step_has_a_single_slice_example():
    assert not sorted(set(package_steps()) - set(SLICE_STEP_EXAMPLES))


@pytest.mark.parametrize("shape", SINGLE_SLICE_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize(("fn", "name"), list(calls()))
def test_every_transform_works_on_a_single_slice(fn, name, shape):
    volume = single_slice(shape)
    if name in SLICE_STEP_EXAMPLES:
        kwargs = dict(SLICE_STEP_EXAMPLES[name])
        if name in ("crop", "center_crop"):
            kwargs["size"] = tuple(min(s, n) for s, n in zip(kwargs["size"], shape))
        if name == "crop":
            kwargs["start"] = tuple(min(a, n - s) for a, n, s in zip(kwargs["start"], shape, kwargs["size"]))
        out = fn(volume, **kwargs)
    else:
        kwargs = dict(SLICE_RANDOM_EXAMPLES.get(name, {}))
        if name == "random_crop":
            kwargs["size"] = tuple(min(s, n) for s, n in zip(kwargs["size"], shape))
        out = fn(volume, rng=0, **kwargs)
    assert isinstance(out, tu.Volume)
    assert np.isfinite(out.image).all()
    assert set(np.unique(out.label)) <= {0, 1, 2}
    again = tu.replay(volume, out.history)
    np.testing.assert_array_equal(again.image, out.image)
    np.testing.assert_array_equal(again.label, out.label)


# -- elastic on a single slice: a 2D field ---------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_the_field_of_a_single_slice_is_the_central_plane_of_a_3d_field_without_its_normal_component(axis):
    shape3d = [15, 17, 19]  # odd: the centre voxel sits exactly on the middle knot
    shape2d = list(shape3d)
    shape2d[axis] = 1
    flat = tu.random_displacement_field(tuple(shape2d), max_displacement=5.0, rng=4)
    full = tu.random_displacement_field(tuple(shape3d), max_displacement=5.0, rng=4)
    assert flat.shape == (3, *shape2d)
    assert not flat[axis].any()  # nothing moves out of the slice
    centre = np.take(full, [(shape3d[axis] - 1) // 2], axis=axis + 1)
    in_plane = [c for c in range(3) if c != axis]
    np.testing.assert_allclose(flat[in_plane], centre[in_plane], atol=1e-5)
    assert np.abs(flat[in_plane]).max() > 0.5  # and in the plane it really deforms


@pytest.mark.parametrize("shape", [(1, 24, 20), (24, 20, 1)], ids=["1x24x20", "24x20x1"])
def test_random_elastic_deforms_a_single_slice_in_plane_and_measures_a_2d_field(shape):
    volume = single_slice(shape)
    out = tu.random_elastic(volume, num_control_points=5, max_displacement=6.0, rng=1)
    assert out.shape == shape and not np.array_equal(out.image, volume.image)
    measured = out.history[-1].measured
    assert 0 < measured["field_max_mm"] <= 6.0 and measured["field_min_jacobian"] > 0
    seed = out.history[-1].params["seed"]
    field = tu.random_displacement_field(
        shape, num_control_points=5, max_displacement=6.0, spacing=volume.spacing, rng=seed
    )
    np.testing.assert_allclose(out.image, tu.warp(volume.image, field, cval=float(volume.image.min())), atol=1e-4)
    stats = tu.displacement_stats(field, volume.spacing)
    assert stats["min_jacobian"] == pytest.approx(measured["field_min_jacobian"], rel=1e-3)
    np.testing.assert_allclose(tu.jacobian_determinant(field).min(), stats["min_jacobian"], rtol=1e-5)


# -- an empty axis is refused at the door ----------------------------------------------------------

EMPTY_CALLS = {
    "Volume": lambda a: tu.Volume(a, np.eye(4)),
    "Volume label": lambda a: tu.Volume(np.zeros((2, 4, 5)), np.eye(4), np.zeros((0, 4, 5), np.uint8)),
    "percentile_clip": lambda a: tu.percentile_clip(a, 1, 99),
    "normalize_intensity": lambda a: tu.normalize_intensity(a),
    "window": lambda a: tu.window(a, 40, 400),
    "resize": lambda a: tu.resize(a, (2, 2, 2)),
    "rescale": lambda a: tu.rescale(a, 2.0),
    "zoom": lambda a: tu.zoom(a, 1.2),
    "rotate": lambda a: tu.rotate(a, 10.0),
    "flip": lambda a: tu.flip(a, 0),
    "shift": lambda a: tu.shift(a, 1),
    "crop": lambda a: tu.crop(a, 0, 1),
    "center_crop": lambda a: tu.center_crop(a, 1),
    "pad_to_shape": lambda a: tu.pad_to_shape(a, (4, 4, 5)),
    "crop_or_pad": lambda a: tu.crop_or_pad(a, (4, 4, 5)),
    "foreground_bbox": lambda a: tu.foreground_bbox(a > 0),
    "elastic_transform": lambda a: tu.elastic_transform(a, rng=0),
    "warp": lambda a: tu.warp(a, np.zeros((3, *a.shape), np.float32)),
    "add_noise": lambda a: tu.add_noise(a, 0.1, rng=0),
    "adjust_gamma": lambda a: tu.adjust_gamma(a, 1.2),
}


@pytest.mark.parametrize("call", list(EMPTY_CALLS.values()), ids=list(EMPTY_CALLS))
def test_an_empty_axis_is_refused_with_a_clear_error(call):
    with pytest.raises(ValueError, match=r"at least one voxel along every axis; got shape \(0, 4, 5\)"):
        call(np.zeros((0, 4, 5), np.float32))
