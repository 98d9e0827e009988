"""Crop and pad of a Volume: image, label and affine together; random foreground crops."""

from __future__ import annotations

import itertools

import nibabel as nib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial_utils import (
    TransformRecord,
    Volume,
    center_crop_volume,
    crop_or_pad_volume,
    crop_volume,
    pad_volume,
    random_crop,
    replay,
)


def _oblique_affine():
    """Anisotropic, rotated, translated: any shortcut in the affine update shows."""
    c, s = np.cos(0.3), np.sin(0.3)
    rotation = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag([0.8, 1.2, 2.5])
    affine[:3, 3] = (-40.0, 12.5, 7.0)
    return affine


def _volume(shape=(9, 10, 7), label=True):
    image = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) + 1
    lab = None
    if label:
        lab = (np.arange(np.prod(shape)).reshape(shape) % 4).astype(np.uint8)
    return Volume(image, _oblique_affine(), lab)


def _world(affine, voxels):
    return nib.affines.apply_affine(affine, voxels)


def _input_voxel(vol, values):
    """Input voxel index of each image value (the test image is coded: value - 1 = flat index)."""
    return np.stack(np.unravel_index(values.astype(np.int64) - 1, vol.shape), axis=-1)


def _assert_world_preserved(vol, out):
    """Every non-padding output voxel has the world coordinate of the input voxel it came from."""
    kept = np.argwhere(out.image > 0)
    assert len(kept) > 0
    source = _input_voxel(vol, out.image[out.image > 0])
    np.testing.assert_allclose(_world(out.affine, kept), _world(vol.affine, source), atol=1e-9)
    np.testing.assert_array_equal(out.label[out.image > 0], vol.label[tuple(source.T)])


@st.composite
def boxes(draw, shape=(9, 10, 7)):
    size = tuple(draw(st.integers(1, n)) for n in shape)
    start = tuple(draw(st.integers(0, n - s)) for n, s in zip(shape, size))
    return start, size


@settings(max_examples=25, deadline=None)
@given(boxes())
def test_crop_volume_preserves_world_coordinates(box):
    vol = _volume()
    start, size = box
    out = crop_volume(vol, start, size)
    assert out.shape == size and out.spacing == pytest.approx(vol.spacing)
    _assert_world_preserved(vol, out)


def test_crop_volume_records_itself_keeps_history_dtypes_and_input():
    vol = _volume().replace(history=(TransformRecord("flip", {"axes": (0,)}),))
    before = vol.image.copy()
    out = crop_volume(vol, (1, 2, 3), (4, 4, 4))
    assert out.history[:-1] == vol.history
    assert out.history[-1].name == "crop" and out.history[-1].params == {"start": (1, 2, 3), "size": (4, 4, 4)}
    assert out.image.dtype == np.float32 and out.label.dtype == np.uint8
    np.testing.assert_array_equal(vol.image, before)


def test_pad_volume_preserves_world_coordinates_and_pads_label_with_zero():
    vol = _volume()
    out = pad_volume(vol, (12, 10, 10), cval=0)
    assert out.shape == (12, 10, 10)
    _assert_world_preserved(vol, out)
    assert (out.label[out.image == 0] == 0).all()
    assert (out.image == 0).sum() == np.prod(out.shape) - np.prod(vol.shape)


def test_pad_volume_default_fill_is_the_image_minimum():
    ct = Volume(np.full((4, 4, 2), 40.0), np.eye(4))
    ct.image[0, 0, 0] = -1000.0
    out = pad_volume(ct, (4, 4, 6))
    assert float(out.image[0, 0, 0]) == -1000.0 and float(out.image[2, 2, 5]) == -1000.0


def test_pad_volume_edge_mode_pads_the_label_with_background():
    vol = Volume(np.ones((3, 3, 3)), np.eye(4), np.ones((3, 3, 3), np.uint8))
    out = pad_volume(vol, (5, 5, 5), mode="edge")
    assert (out.image == 1).all()
    assert out.label.sum() == 27


@pytest.mark.parametrize("change", list(itertools.product((-3, 0, 2), repeat=3)))
def test_crop_or_pad_volume_shape_and_world_coordinates(change):
    vol = _volume()
    target = tuple(n + c for n, c in zip(vol.shape, change))
    out = crop_or_pad_volume(vol, target, cval=0)
    assert out.shape == target
    _assert_world_preserved(vol, out)


def test_center_crop_volume_keeps_the_centre_voxel_in_place():
    vol = _volume((9, 9, 9))
    out = center_crop_volume(vol, 3)
    np.testing.assert_allclose(_world(out.affine, [1, 1, 1]), _world(vol.affine, [4, 4, 4]))


def test_volume_crop_refuses_a_crop_larger_than_the_volume():
    ct = Volume(np.zeros((32, 32, 8)), np.eye(4))
    with pytest.raises(ValueError, match="axis 2 has 8 voxels but the crop needs 16"):
        random_crop(ct, 16, rng=0)
    with pytest.raises(ValueError, match="on axis 2"):
        crop_volume(ct, 0, 16)
    assert crop_or_pad_volume(ct, 16).shape == (16, 16, 16)


@pytest.mark.parametrize(
    ("step", "name"),
    [
        (lambda v: crop_volume(v, 1, (4, 5, 3)), "crop"),
        (lambda v: center_crop_volume(v, 5), "center_crop"),
        (lambda v: pad_volume(v, (12, 11, 9)), "pad"),
        (lambda v: pad_volume(v, (12, 11, 9), mode="reflect"), "pad"),
        (lambda v: crop_or_pad_volume(v, (6, 14, 7), cval=-3.0), "crop_or_pad"),
    ],
)
def test_deterministic_crop_and_pad_steps_record_plain_params_and_replay_exactly(step, name):
    vol = _volume()
    out = step(random_crop(vol, (8, 9, 6), rng=2))
    assert [r.name for r in out.history] == ["crop", name]
    for value in out.history[-1].params.values():
        assert isinstance(value, (str, int, float, tuple)) and not isinstance(value, np.generic)
    replayed = replay(vol, out.history)
    np.testing.assert_array_equal(replayed.image, out.image)
    np.testing.assert_array_equal(replayed.label, out.label)
    np.testing.assert_array_equal(replayed.affine, out.affine)


def test_crop_functions_refuse_a_plain_array():
    with pytest.raises(TypeError, match="volume must be a Volume"):
        crop_volume(np.zeros((4, 4, 4)), 0, 2)
    with pytest.raises(TypeError, match="volume must be a Volume"):
        random_crop(np.zeros((4, 4, 4)), 2, rng=0)


@pytest.mark.parametrize(
    ("step", "error", "match"),
    [
        (lambda v: pad_volume(v, 12, cval="max"), ValueError, 'cval must be a number or "min"'),
        (lambda v: pad_volume(v, 12, cval=None), TypeError, 'cval must be a number or "min"'),
        (lambda v: pad_volume(v, 12, mode="wrap"), ValueError, "mode must be one of"),
        (lambda v: pad_volume(v, 4), ValueError, r"target \(4, 4, 4\) is smaller than shape"),
        (lambda v: crop_or_pad_volume(v, 8, cval=float("inf")), ValueError, "cval must be finite"),
        (lambda v: crop_or_pad_volume(v, 8, "edge"), TypeError, "positional"),
        (lambda v: center_crop_volume(v, 20), ValueError, "axis 0 has 9 voxels but the crop needs 20"),
        (lambda v: crop_volume(v, (0, 0, -1), 2), ValueError, "start must be >= 0"),
    ],
)
def test_crop_and_pad_steps_name_the_bad_parameter(step, error, match):
    with pytest.raises(error, match=match):
        step(_volume())


def test_crop_and_pad_records_are_checked_on_replay():
    vol = _volume()
    record = pad_volume(vol, 12).history[-1]
    tampered = TransformRecord("pad", {**record.params, "cval": "max"})
    with pytest.raises(ValueError, match=r"record 0 \('pad'\).*cval must be a number"):
        replay(vol, [tampered])


def test_pad_cval_min_is_resolved_again_on_replay():
    ct = Volume(np.full((4, 4, 2), 40.0), np.eye(4))
    out = crop_or_pad_volume(ct, (2, 4, 4))
    assert out.history[-1].params == {"shape": (2, 4, 4), "mode": "constant", "cval": "min"}
    darker = ct.replace(image=ct.image - 1000.0)
    assert float(replay(darker, out.history).image[0, 0, 0]) == -960.0


# --- random_crop --------------------------------------------------------------------


def _sparse_volume(shape, voxels, value=1):
    label = np.zeros(shape, np.uint8)
    for v in voxels:
        label[v] = value
    return Volume(np.zeros(shape), np.eye(4), label)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_foreground_crop_contains_foreground(data):
    shape = (12, 9, 7)
    voxel = tuple(data.draw(st.integers(0, n - 1)) for n in shape)
    size = tuple(data.draw(st.integers(1, n)) for n in shape)
    vol = _sparse_volume(shape, [voxel])
    patch = random_crop(vol, size, foreground_p=1.0, rng=data.draw(st.integers(0, 1000)))
    assert patch.shape == size
    assert patch.label.sum() == 1


def test_foreground_voxels_are_drawn_uniformly():
    voxels = [(0, 0, 0), (3, 5, 1), (7, 2, 4)]
    vol = _sparse_volume((8, 6, 5), voxels)
    rng = np.random.default_rng(0)
    starts = [random_crop(vol, 1, foreground_p=1.0, rng=rng).history[-1].params["start"] for _ in range(900)]
    counts = {v: starts.count(v) for v in voxels}
    assert sum(counts.values()) == 900
    assert min(counts.values()) > 240


def test_foreground_labels_select_the_class():
    vol = _sparse_volume((20, 20, 20), [(1, 1, 1)], value=3)
    label = vol.label.copy()
    label[10:, :, :] = 1
    vol = vol.replace(label=label)
    patches = [random_crop(vol, 4, foreground_p=1.0, foreground_labels=[3], rng=s) for s in range(20)]
    assert all((p.label == 3).any() for p in patches)


def test_random_crop_without_foreground_is_uniform_over_every_start():
    vol = _sparse_volume((6, 4, 4), [])
    rng = np.random.default_rng(0)
    starts = np.array([random_crop(vol, (3, 4, 4), rng=rng).history[-1].params["start"] for _ in range(400)])
    assert set(starts[:, 0]) == {0, 1, 2, 3} and set(starts[:, 1]) == {0}


def test_foreground_p_sets_the_share_of_foreground_patches():
    vol = _sparse_volume((40, 40, 40), [(20, 20, 20)])
    rng = np.random.default_rng(0)
    hits = [random_crop(vol, 4, foreground_p=0.5, rng=rng).label.any() for _ in range(400)]
    assert 0.4 < np.mean(hits) < 0.6  # uniform patches almost never hit the voxel


def test_random_crop_is_seeded_recorded_and_replayable():
    vol = _volume((16, 16, 16))
    patch = random_crop(vol, (8, 6, 4), rng=7)
    record = patch.history[-1]
    assert record.name == "crop" and record.params["size"] == (8, 6, 4)
    assert all(isinstance(a, int) for a in record.params["start"])
    again = random_crop(vol, (8, 6, 4), rng=7)
    replayed = replay(vol, patch.history)
    for other in (again, replayed):
        np.testing.assert_array_equal(other.image, patch.image)
        np.testing.assert_array_equal(other.label, patch.label)
        np.testing.assert_array_equal(other.affine, patch.affine)
    _assert_world_preserved(vol, patch)


def test_random_crop_without_label_falls_back_to_uniform():
    vol = _volume(label=False)
    assert random_crop(vol, 3, foreground_p=1.0, rng=0).shape == (3, 3, 3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"foreground_p": 1.5}, ValueError, "foreground_p must be in"),
        ({"foreground_p": "often"}, TypeError, "foreground_p must be a number"),
        ({"foreground_labels": []}, ValueError, "foreground_labels must hold"),
        ({"foreground_labels": [1.5]}, ValueError, "foreground_labels must hold"),
        ({"foreground_labels": 3}, TypeError, "foreground_labels must be None or a sequence"),
        ({"rng": -1}, ValueError, "rng must be a non-negative"),
    ],
)
def test_random_crop_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        random_crop(_volume(), 2, **kwargs)
