"""Shared validation helpers and the multithreaded scipy.ndimage wrappers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from tutorial_utils import _checks, _resampling, _threads


def test_as_rng_accepts_seeds_generators_and_none_without_global_state():
    generator = np.random.default_rng(1)
    assert _checks.as_rng(generator) is generator
    assert _checks.as_rng(7).random() == np.random.default_rng(7).random()
    state = np.random.get_state()[1].copy()
    _checks.as_rng(None).random()
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize(("value", "error"), [(1.5, TypeError), ("0", TypeError), (True, TypeError), (-1, ValueError)])
def test_as_rng_refuses_what_is_not_a_seed(value, error):
    with pytest.raises(error, match="rng"):
        _checks.as_rng(value)


def test_as_triple_broadcasts_scalars_and_names_the_parameter():
    assert _checks.as_triple(2, "spacing") == (2.0, 2.0, 2.0)
    assert _checks.as_triple((1, 2, 3), "size", integer=True) == (1, 2, 3)
    with pytest.raises(ValueError, match="spacing must have one entry per axis"):
        _checks.as_triple((1, 2), "spacing")
    with pytest.raises(ValueError, match="spacing must be > 0"):
        _checks.as_triple((1, 0, 2), "spacing", positive=True, allow_zero=False)
    with pytest.raises(ValueError, match="size must hold integers"):
        _checks.as_triple((1, 2.5, 3), "size", integer=True)


def test_check_axis_and_probability():
    assert _checks.check_axis(-1) == 2
    with pytest.raises(ValueError, match="axis must be in"):
        _checks.check_axis(3)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        _checks.check_probability(1.5, "p")


def _random_case(seed: int = 0):
    rng = np.random.default_rng(seed)
    array = rng.random((41, 30, 27)).astype(np.float32)
    matrix = np.eye(3) + rng.normal(0, 0.05, (3, 3))
    offset = rng.normal(0, 2, 3)
    return array, matrix, offset


@pytest.mark.parametrize("order", [0, 1, 3])
@pytest.mark.parametrize("mode", ["constant", "nearest", "reflect", "grid-constant"])
def test_threaded_affine_transform_equals_scipy(order, mode, monkeypatch):
    monkeypatch.setattr(_threads, "MIN_PARALLEL_VOXELS", 0)
    array, matrix, offset = _random_case()
    expected = ndimage.affine_transform(array, matrix, offset, order=order, mode=mode, cval=-1.0, output=np.float32)
    got = _resampling.affine_transform(array, matrix, offset, order=order, mode=mode, cval=-1.0, threads=3)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_threaded_affine_transform_honours_a_new_output_shape(monkeypatch):
    monkeypatch.setattr(_threads, "MIN_PARALLEL_VOXELS", 0)
    array, matrix, offset = _random_case(1)
    expected = ndimage.affine_transform(array, matrix, offset, output_shape=(20, 33, 9), order=1)
    got = _resampling.affine_transform(array, matrix, offset, output_shape=(20, 33, 9), order=1, threads=2)
    np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize("order", [0, 1, 3])
def test_threaded_map_coordinates_equals_scipy(order, monkeypatch):
    monkeypatch.setattr(_threads, "MIN_PARALLEL_VOXELS", 0)
    array, _, _ = _random_case(2)
    rng = np.random.default_rng(3)
    coords = (np.indices(array.shape) + rng.normal(0, 1.5, (3, *array.shape))).astype(np.float32)
    expected = ndimage.map_coordinates(array, coords, order=order, output=np.float32)
    got = _resampling.map_coordinates(array, coords, order=order, threads=2)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_threaded_resampling_leaves_a_read_only_input_untouched(monkeypatch):
    monkeypatch.setattr(_threads, "MIN_PARALLEL_VOXELS", 0)
    array, matrix, offset = _random_case(4)
    before = array.copy()
    array.setflags(write=False)
    _resampling.affine_transform(array, matrix, offset, order=3, threads=2)
    np.testing.assert_array_equal(array, before)
