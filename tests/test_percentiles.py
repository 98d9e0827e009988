"""Exact percentiles by sample, bracket and count (tutorial_utils.intensity.rank_ops) equal np.percentile.

The fast path normally starts at 65536 voxels; these tests shrink its sample,
chunk and threshold so that hypothesis's small arrays run through it (and
through the fallback when a bracket misses), then compare with NumPy exactly.
"""

from __future__ import annotations

import contextlib
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tutorial_utils as tu
from tutorial_utils.intensity import rank_ops

shapes = hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=9)
percentiles = st.tuples(st.floats(0, 100), st.floats(0, 100)).map(sorted)
#: Few distinct values (many ties), or many: both must give NumPy's numbers.
float_values = st.one_of(
    st.sampled_from([-2.0, 0.0, 0.5, 3.0]),
    st.floats(-1e6, 1e6, width=32),
)
dtypes = st.sampled_from([np.float32, np.float64, np.int16, np.uint8, np.int32])


@contextlib.contextmanager
def fast_path_on_small_arrays(sample: int = 7, spread: float | None = None):
    """Run the sample/bracket/count path on arrays of any size, in chunks of 5 voxels."""
    patches = {"MIN_VOXELS": 0, "SAMPLE_SIZE": sample, "CHUNK": 5}
    if spread is not None:
        patches.update(SPREAD=spread, MARGIN=0)
    with mock.patch.multiple(rank_ops, **patches):
        yield


def _reference(values: np.ndarray, qs) -> list[float]:
    return [float(np.percentile(values, q)) for q in qs]


@st.composite
def arrays_and_masks(draw):
    dtype = draw(dtypes)
    shape = draw(shapes)
    if np.issubdtype(dtype, np.floating):
        elements = float_values if draw(st.booleans()) else st.sampled_from([1.0, 1.0, 2.0])
    else:
        info = np.iinfo(dtype)
        elements = st.integers(max(info.min, -3000), min(info.max, 3000)) | st.sampled_from([0, 1, 7])
    array = draw(hnp.arrays(dtype, shape, elements=elements))
    mask = draw(st.none() | hnp.arrays(np.bool_, shape).filter(lambda m: m.any()))
    return array, mask


@settings(max_examples=150, deadline=None)
@given(data=arrays_and_masks(), qs=percentiles, sample=st.integers(2, 40), narrow=st.booleans())
def test_exact_percentiles_equal_numpy(data, qs, sample, narrow):
    """Any dtype, ties, constant arrays, tiny arrays, masks; ``narrow`` brackets often miss (fallback)."""
    array, mask = data
    original = array.copy()
    with fast_path_on_small_arrays(sample, spread=0.0 if narrow else None):
        found = rank_ops.exact_percentiles(array, qs, mask)
    assert found == _reference(array if mask is None else array[mask], qs)
    np.testing.assert_array_equal(array, original)


@settings(max_examples=60, deadline=None)
@given(data=arrays_and_masks(), qs=percentiles)
def test_percentile_clip_equals_numpy_clipping(data, qs):
    array, mask = data
    lo, hi = qs
    with fast_path_on_small_arrays():
        out = tu.percentile_clip(array, lo, hi, mask=mask)
        bounds = tu.percentile_bounds(array, lo, hi, mask=mask)
    values = array if mask is None else array[mask]
    low, high = np.percentile(values, lo), np.percentile(values, hi)
    expected = array.astype(np.float32)
    where = np.ones(array.shape, bool) if mask is None else mask
    expected[where] = np.clip(array[where], low, high).astype(np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected)
    assert bounds == (float(low), float(high))


def test_constant_and_single_voxel_arrays():
    with fast_path_on_small_arrays():
        for array in (np.full((3, 4, 5), 7.5, np.float32), np.array([[[3]]], np.int16)):
            assert rank_ops.exact_percentiles(array, (0.0, 0.5, 50.0, 100.0)) == [float(array.flat[0])] * 4


def test_a_sample_that_misses_falls_back_to_a_full_partition():
    """Every 7th voxel is bright and the stride-7 sample sees only those: the median's bracket misses."""
    array = np.arange(7 * 8 * 9, dtype=np.float32).reshape(7, 8, 9)
    array.reshape(-1)[::7] = 1000.0
    spy = mock.patch.object(rank_ops, "_partition_all", wraps=rank_ops._partition_all)
    with fast_path_on_small_arrays(sample=array.size // 7, spread=0.0), spy as fallback:
        found = rank_ops.exact_percentiles(array, (50.0, 60.0))
    assert fallback.called
    assert found == _reference(array, (50.0, 60.0))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_voxels_give_none_and_percentile_clip_raises(bad):
    array = np.arange(300, dtype=np.float32).reshape(5, 6, 10)
    array[4, 5, 9] = bad
    with fast_path_on_small_arrays():
        assert rank_ops.exact_percentiles(array, (1.0, 99.0)) is None
        with pytest.raises(ValueError, match="1 NaN or infinite"):
            tu.percentile_clip(array, 1, 99)


@pytest.mark.parametrize("mask", [None, "nonzero", "brain"])
def test_large_volume_takes_the_fast_path_and_equals_numpy(mask):
    """The real sizes: a zero background (a tie on the lower bracket), outliers, threads, no fallback."""
    mni = tu.load_sample("mni")
    image = mni.image
    resolved = {None: None, "nonzero": image != 0, "brain": mni.label > 0}[mask]
    with mock.patch.object(rank_ops, "_partition_all", side_effect=AssertionError("fallback taken")):
        found = rank_ops.exact_percentiles(image, (0.5, 99.5), resolved)
    assert found == _reference(image if resolved is None else image[resolved], (0.5, 99.5))
    if mask is not None:
        out = tu.percentile_clip(image, 0.5, 99.5, mask=mask if mask == "nonzero" else resolved)
        np.testing.assert_array_equal(out[~resolved], image[~resolved])
        np.testing.assert_array_equal(out[resolved], np.clip(image[resolved], *found).astype(np.float32))


def test_int16_ct_takes_the_fast_path_and_equals_numpy():
    hu = np.rint(tu.load_sample("ct").image).astype(np.int16)
    with mock.patch.object(rank_ops, "_partition_all", side_effect=AssertionError("fallback taken")):
        found = rank_ops.exact_percentiles(hu, (0.5, 99.5, 50.0))
    assert found == _reference(hu, (0.5, 99.5, 50.0))
