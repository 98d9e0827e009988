"""Tests for the separable (three 1-D passes) resampler against scipy.ndimage.affine_transform."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from tutorial_utils import _separable
from tutorial_utils._separable import resample_separable
from tutorial_utils.spatial.resize_ops import resize, sample_centred

sizes = st.lists(st.integers(1, 14), min_size=3, max_size=3)
scales = st.lists(st.floats(0.2, 4.0), min_size=3, max_size=3)
offsets = st.lists(st.floats(-3.0, 3.0), min_size=3, max_size=3)


def _scipy(array, scale, offset, shape, order):
    return ndimage.affine_transform(
        array, np.diag(scale), offset, output_shape=tuple(shape), order=order, mode="nearest"
    )


def _centred(in_shape, out_shape):
    """Scales and offsets of the resize grid: the old and new voxel edges coincide (half-integer positions)."""
    scale = np.asarray(in_shape, dtype=np.float64) / np.asarray(out_shape, dtype=np.float64)
    offset = (np.asarray(in_shape) - 1.0) / 2.0 - scale * (np.asarray(out_shape) - 1.0) / 2.0
    return scale, offset


@settings(max_examples=25, deadline=None)
@given(in_shape=sizes, out_shape=sizes, scale=scales, offset=offsets, seed=st.integers(0, 2**32 - 1))
def test_matches_scipy_random_grid(in_shape, out_shape, scale, offset, seed):
    rng = np.random.default_rng(seed)
    image = rng.normal(size=in_shape).astype(np.float32)
    labels = rng.integers(0, 7, size=in_shape).astype(np.int16)
    for order in (0, 1):
        got = resample_separable(image, scale, offset, out_shape, order)
        assert got.dtype == np.float32 and got.shape == tuple(out_shape)
        np.testing.assert_allclose(got, _scipy(image, scale, offset, out_shape, order), rtol=1e-5, atol=1e-5)
    got = resample_separable(labels, scale, offset, out_shape, 0)
    assert got.dtype == np.int16
    np.testing.assert_array_equal(got, _scipy(labels, scale, offset, out_shape, 0))


@settings(max_examples=25, deadline=None)
@given(in_shape=sizes, out_shape=sizes, seed=st.integers(0, 2**32 - 1))
def test_matches_scipy_centred_grid(in_shape, out_shape, seed):
    """Up- and down-sampling on the resize grid, where order 0 hits exact halves (scipy rounds them up)."""
    rng = np.random.default_rng(seed)
    scale, offset = _centred(in_shape, out_shape)
    image = rng.uniform(-100.0, 100.0, size=in_shape).astype(np.float32)
    labels = rng.integers(0, 300, size=in_shape).astype(np.int32)
    np.testing.assert_allclose(
        resample_separable(image, scale, offset, out_shape, 1),
        _scipy(image, scale, offset, out_shape, 1),
        rtol=1e-5,
        atol=1e-4,
    )
    np.testing.assert_array_equal(
        resample_separable(image, scale, offset, out_shape, 0), _scipy(image, scale, offset, out_shape, 0)
    )
    np.testing.assert_array_equal(
        resample_separable(labels, scale, offset, out_shape, 0), _scipy(labels, scale, offset, out_shape, 0)
    )


@pytest.mark.parametrize("out_shape", [(48, 40, 56), (90, 70, 81)])
def test_threaded_volume_matches_scipy(out_shape):
    """Large enough for the thread pool: slabs must tile the output exactly."""
    rng = np.random.default_rng(0)
    in_shape = (67, 71, 59)
    image = rng.normal(size=in_shape).astype(np.float32)
    labels = rng.integers(0, 5, size=in_shape).astype(np.uint8)
    scale, offset = _centred(in_shape, out_shape)
    np.testing.assert_allclose(
        resample_separable(image, scale, offset, out_shape, 1),
        _scipy(image, scale, offset, out_shape, 1),
        rtol=1e-5,
        atol=1e-5,
    )
    np.testing.assert_array_equal(
        resample_separable(labels, scale, offset, out_shape, 0), _scipy(labels, scale, offset, out_shape, 0)
    )


def test_sample_centred_bool_and_read_only_input():
    mask = np.zeros((9, 10, 11), dtype=bool)
    mask[2:6, 3:8, 4:9] = True
    mask.flags.writeable = False
    out = sample_centred(mask, (0.7, 1.3, 2.0), (13, 8, 6), order=0, mode="nearest")
    assert out.dtype == np.bool_
    step = np.array([0.7, 1.3, 2.0])
    offset = (np.array(mask.shape) - 1.0) / 2.0 - step * (np.array([13, 8, 6]) - 1.0) / 2.0
    np.testing.assert_array_equal(out, _scipy(mask.view(np.uint8), step, offset, (13, 8, 6), 0) > 0)


def test_rejects_order_above_one():
    with pytest.raises(ValueError, match="order"):
        resample_separable(np.zeros((2, 2, 2), np.float32), (1, 1, 1), (0, 0, 0), (2, 2, 2), 3)


@settings(max_examples=60, deadline=None)
@given(
    in_shape=sizes,
    out_shape=sizes,
    where=st.tuples(
        st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True)
    ),
    bad=st.sampled_from([np.nan, np.inf, -np.inf]),
    order=st.sampled_from([0, 1]),
    antialias=st.booleans(),
)
def test_resize_finds_a_non_finite_voxel_wherever_it_is(in_shape, out_shape, where, bad, order, antialias):
    """The finiteness check rides along with the resampling: voxels it reads, and those it skips (>2x shrink)."""
    image = np.ones(in_shape, np.float32)
    image[tuple(int(f * n) for f, n in zip(where, in_shape))] = bad
    with pytest.raises(ValueError, match="array holds 1 NaN or infinite"):
        resize(image, out_shape, order=order, antialias=antialias)


def test_a_false_alarm_runs_the_full_check_which_passes():
    """An infinity that finite voxels produce (overflow) must not raise: the full check decides."""
    image = np.random.default_rng(0).normal(size=(20, 30, 25)).astype(np.float32)
    skips = mock.patch.object(_separable, "_skips_voxels", return_value=True)
    with skips, mock.patch.object(_separable, "_all_finite", return_value=False) as full_pass:
        out = resize(image, (7, 40, 9), order=1, antialias=False)
    assert full_pass.called
    np.testing.assert_array_equal(out, resize(image, (7, 40, 9), order=1, antialias=False))


@pytest.mark.parametrize("block_values", [1, 50, 1 << 30])
def test_block_size_does_not_change_the_values(block_values):
    """One output plane per block, a few, or the whole volume in one block: the same numbers."""
    rng = np.random.default_rng(3)
    image = rng.normal(size=(23, 17, 31)).astype(np.float32)
    scale, offset = _centred(image.shape, (30, 9, 12))
    expected = resample_separable(image, scale, offset, (30, 9, 12), 1)
    with mock.patch.object(_separable, "BLOCK_VALUES", block_values):
        np.testing.assert_array_equal(resample_separable(image, scale, offset, (30, 9, 12), 1), expected)


@pytest.mark.parametrize("scales", [(-0.66, 1.0, 1.0), (-1.5, -0.5, 1.0), (1.0, 1.0, -1.0)])
def test_mirrored_axes_equal_scipy(scales):
    """A negative scale (an axis mirrored, as when a prediction is inverted onto an LPS scan) reads planes backwards."""
    rng = np.random.default_rng(3)
    array = rng.random((30, 24, 20), dtype=np.float32)
    shape = (33, 20, 20)
    offsets = [(n_in - 1) if s < 0 else 0.0 for s, n_in in zip(scales, array.shape)]
    expected = ndimage.affine_transform(array, np.diag(scales), offsets, output_shape=shape, order=1, mode="nearest")
    got = resample_separable(array, scales, offsets, shape, order=1)
    np.testing.assert_allclose(got, expected, atol=1e-5)
