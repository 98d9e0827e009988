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
from tutorial_utils.spatial.resize_ops import antialias_sigma, resize, sample_centred

sizes = st.lists(st.integers(1, 14), min_size=3, max_size=3)
scales = st.lists(st.floats(0.2, 4.0), min_size=3, max_size=3)
offsets = st.lists(st.floats(-3.0, 3.0), min_size=3, max_size=3)


@pytest.fixture(autouse=True, params=["rows", "passes"])
def path(request):
    """Every test runs both ways of linear resampling: the sparse product over axes 0 and 1, and the 1-D passes."""
    share = np.inf if request.param == "rows" else 0.0
    with mock.patch.object(_separable, "_ROWS_COST_SHARE", share, create=True):  # create: runs on older code too
        yield request.param


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


def _scipy_resize(image, shape, order, antialias):
    """An independent resize in float64: scipy's Gaussian per shrinking axis, then affine_transform (mode nearest)."""
    out = image.astype(np.float64)
    step = np.asarray(image.shape, dtype=np.float64) / np.asarray(shape, dtype=np.float64)
    if antialias and order > 0:
        for axis, sigma in enumerate(antialias_sigma(tuple(step))):
            if sigma > 0:
                out = ndimage.gaussian_filter1d(out, sigma, axis=axis, mode="nearest", truncate=4.0)
    scale, offset = _centred(image.shape, shape)
    return _scipy(out, scale, offset, shape, order)


@settings(max_examples=80, deadline=None)
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
def test_resize_refuses_a_non_finite_voxel_exactly_where_the_output_reads_it(
    in_shape, out_shape, where, bad, order, antialias
):
    """The check covers the voxels the output reads (scipy's NaN propagation is the independent judge), no more.

    Where scipy's equivalent spreads the bad value into its output, resize raises; where it does not (a plane
    that a more than twofold shrink skips), resize returns the same finite output as for a clean image.
    """
    clean = np.ones(in_shape, np.float32)
    image = clean.copy()
    image[tuple(int(f * n) for f, n in zip(where, in_shape))] = bad
    if not np.isfinite(_scipy_resize(image, out_shape, order, antialias)).all():
        with pytest.raises(ValueError, match="array holds 1 NaN or infinite value where the output reads it"):
            resize(image, out_shape, order=order, antialias=antialias)
    else:
        out = resize(image, out_shape, order=order, antialias=antialias)
        np.testing.assert_allclose(out, resize(clean, out_shape, order=order, antialias=antialias), rtol=1e-6)


def test_a_nan_that_no_output_reads_cannot_spread_and_is_not_refused():
    """A 4x shrink without anti-aliasing reads planes 1, 2, 5, 6, ...: a NaN in plane 0 reaches nothing.

    Main refused it anyway (a whole-array check). With anti-aliasing, the Gaussian (reach 4 sigma, about 1.2
    planes per plane of shrink) spreads it into what the output reads, and it is refused.
    """
    image = np.random.default_rng(0).normal(size=(64, 8, 8)).astype(np.float32)
    bad = image.copy()
    bad[0, 3, 4] = np.nan
    bad[3, 0, 0] = -np.inf
    out = resize(bad, (16, 8, 8), order=1, antialias=False)
    np.testing.assert_allclose(out, resize(image, (16, 8, 8), order=1, antialias=False), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="array holds 2 NaN or infinite values where the output reads it"):
        resize(bad, (16, 8, 8), order=1, antialias=True)
    bad[2, 0, 0] = np.nan  # a plane the sampling reads
    with pytest.raises(ValueError, match="array holds 1 NaN or infinite value where the output reads it"):
        resize(bad, (16, 8, 8), order=1, antialias=False)


def test_a_nan_in_a_column_no_output_reads_does_not_leak_through_a_zero_weight(path):
    """The sparse path blends the last axis with small dense products over the columns a band of outputs reads:
    a NaN in a skipped column inside that band would reach every output of the band (0 * NaN); the block is
    then redone with gathers of the columns each output reads, and nothing is refused or spread."""
    image = np.random.default_rng(1).normal(size=(64, 64, 64)).astype(np.float32)
    bad = image.copy()
    bad[5, 6, 3] = np.nan  # column 3: a 4x shrink reads columns 1, 2, 5, 6, ...; row (5, 6) is read
    with mock.patch.object(_separable, "resample_rows", wraps=_separable.resample_rows) as rows:
        out = resize(bad, (16, 16, 16), order=1, antialias=False)
    assert rows.called == (path == "rows")
    # the redone block rounds as numpy does, the others as BLAS does: equal to float32 precision
    np.testing.assert_allclose(out, resize(image, (16, 16, 16), order=1, antialias=False), rtol=1e-6, atol=1e-6)
    bad[5, 6, 2] = np.inf  # a column it reads
    with pytest.raises(ValueError, match="array holds 1 NaN or infinite value where the output reads it"):
        resize(bad, (16, 16, 16), order=1, antialias=False)


def test_an_overflow_that_finite_voxels_produce_is_returned_not_refused():
    """An infinity in the output with only finite voxels read (float32 overflow) is not the input's fault."""
    image = np.random.default_rng(0).normal(size=(20, 30, 25)).astype(np.float32)
    blocks = _separable._blocks

    def overflowing(*args):
        out, _ = blocks(*args)
        return out, False  # as if a block had overflowed

    with mock.patch.object(_separable, "_blocks", overflowing) as patched:
        out = resize(image, (7, 40, 9), order=1, antialias=False)
    assert patched is overflowing
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
