"""Array crop and pad functions, and the naive blog crop they replace."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.patches import Rectangle

from tutorial_utils import (
    TransformExplorer,
    center_crop,
    crop,
    crop_box_annotator,
    crop_or_pad,
    crop_start_around,
    draw_crop_box,
    foreground_bbox,
    pad_to_shape,
    random_crop_start,
    show_slices,
)
from tutorial_utils.crop.pad_ops import crop_or_pad_plan
from tutorial_utils.naive.crop import crop_3d_volume, find_random_crop_dim, random_crop_3d

axis_len = st.integers(1, 9)
shapes = st.tuples(axis_len, axis_len, axis_len)


def _coded(shape):
    """Array whose value tells the voxel index: value = i * J * K + j * K + k."""
    return np.arange(np.prod(shape), dtype=np.int32).reshape(shape)


def _decode(values, shape):
    return np.stack(np.unravel_index(values, shape), axis=-1)


@st.composite
def shape_and_box(draw):
    shape = draw(shapes)
    size = tuple(draw(st.integers(1, n)) for n in shape)
    start = tuple(draw(st.integers(0, n - s)) for n, s in zip(shape, size))
    return shape, start, size


# --- crop -------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(shape_and_box())
def test_crop_matches_numpy_slicing(case):
    shape, start, size = case
    a = _coded(shape)
    expected = a[start[0] : start[0] + size[0], start[1] : start[1] + size[1], start[2] : start[2] + size[2]]
    out = crop(a, start, size)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == a.dtype and out.flags.c_contiguous


def test_crop_returns_a_new_array_from_read_only_input():
    a = _coded((4, 5, 6))
    a.flags.writeable = False
    out = crop(a, 0, (4, 5, 6))
    out[0, 0, 0] = -1
    assert a[0, 0, 0] == 0


def test_crop_past_the_end_names_the_axis():
    with pytest.raises(ValueError, match=r"axis 1: 3 \+ 4 = 7 > 6.*last valid start on that axis is 2"):
        crop(np.zeros((8, 6, 8)), (0, 3, 0), 4)


@pytest.mark.parametrize(
    ("start", "size", "match"),
    [
        ((0, -1, 0), 2, "start must be >= 0"),
        (0, (2, -2, 2), "size must be > 0"),
        (0, (2, 0, 2), "size must be > 0"),
        ((0, 0), 2, r"start must have one entry per axis \(3\); got 2"),
        (0, (2, 2, 2, 2), r"size must have one entry per axis \(3\); got 4"),
        (0, 1.5, "size must hold integers"),
    ],
)
def test_crop_rejects_bad_boxes(start, size, match):
    with pytest.raises(ValueError, match=match):
        crop(np.zeros((4, 4, 4)), start, size)


def test_crop_rejects_non_3d_arrays():
    with pytest.raises(ValueError, match="array must be 3D"):
        crop(np.zeros((4, 4)), 0, 2)


# --- random_crop_start ---------------------------------------------------------


def test_random_crop_start_reaches_every_start_uniformly_and_none_outside():
    rng = np.random.default_rng(1)
    draws = np.array([random_crop_start((7, 12, 3), (3, 12, 1), rng=rng) for _ in range(3000)])
    assert set(draws[:, 0]) == set(range(5))  # 0 .. 7 - 3, both ends
    assert set(draws[:, 1]) == {0}  # a matching axis starts at 0
    assert set(draws[:, 2]) == {0, 1, 2}
    counts = np.bincount(draws[:, 0])
    assert counts.min() > 0.8 * 3000 / 5 and counts.max() < 1.2 * 3000 / 5


@settings(max_examples=25, deadline=None)
@given(shape_and_box(), st.integers(0, 2**32))
def test_random_crop_start_is_valid_and_seeded(case, seed):
    shape, _, size = case
    start = random_crop_start(shape, size, rng=seed)
    assert all(0 <= a <= n - s for a, n, s in zip(start, shape, size))
    assert start == random_crop_start(shape, size, rng=seed)
    assert all(isinstance(a, int) for a in start)


def test_random_crop_start_refuses_a_crop_larger_than_the_shape():
    with pytest.raises(ValueError, match="axis 2 has 64 voxels but the crop needs 96"):
        random_crop_start((512, 512, 64), 96, rng=0)


# --- centre crop and pad ----------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(shape_and_box())
def test_center_crop_then_pad_back_restores_the_cropped_region(case):
    shape, _, size = case
    a = _coded(shape) + 1
    back = pad_to_shape(center_crop(a, size), shape, cval=0)
    kept = back != 0
    assert kept.sum() == np.prod(size)
    np.testing.assert_array_equal(back[kept], a[kept])


def test_center_crop_drops_the_odd_voxel_at_the_end():
    a = _coded((5, 4, 3))
    out = center_crop(a, (2, 2, 3))
    np.testing.assert_array_equal(out, a[1:3, 1:3, :])


@pytest.mark.parametrize("mode", ["edge", "reflect"])
def test_pad_to_shape_modes_match_numpy_pad(mode):
    a = np.random.default_rng(0).random((3, 4, 5)).astype(np.float32)
    out = pad_to_shape(a, (6, 4, 10), mode=mode)
    np.testing.assert_array_equal(out, np.pad(a, ((1, 2), (0, 0), (2, 3)), mode=mode))
    assert out.dtype == np.float32


def test_pad_to_shape_constant_value_and_min():
    a = np.full((2, 2, 2), 5, dtype=np.int16)
    a[0, 0, 0] = -1000
    out = pad_to_shape(a, (4, 2, 2), cval=7)
    assert out.dtype == np.int16 and (out[0] == 7).all() and (out[3] == 7).all()
    assert (pad_to_shape(a, (4, 2, 2), cval="min")[0] == -1000).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"shape": (4, 3, 4)}, ValueError, r"smaller than shape \(4, 4, 4\) on axis 1"),
        ({"shape": 6, "mode": "wrap"}, ValueError, "mode must be one of"),
        ({"shape": 6, "cval": 300}, ValueError, r"cval must be an integer in \[0, 255\]"),
        ({"shape": 6, "cval": 1.5}, ValueError, "cval must be an integer"),
        ({"shape": 6, "cval": "max"}, ValueError, 'cval must be a number or "min"'),
        ({"shape": 6, "cval": None}, TypeError, 'cval must be a number or "min"'),
        ({"shape": 6, "mode": None}, ValueError, "mode must be one of"),
    ],
)
def test_pad_to_shape_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        pad_to_shape(np.zeros((4, 4, 4), dtype=np.uint8), **kwargs)


def test_pad_to_shape_rejects_nan_fill():
    with pytest.raises(ValueError, match="cval must be finite"):
        pad_to_shape(np.zeros((2, 2, 2), np.float32), 4, cval=float("nan"))


def test_pad_options_are_keyword_only():
    with pytest.raises(TypeError, match="positional"):
        pad_to_shape(np.zeros((2, 2, 2)), 4, "edge")
    with pytest.raises(TypeError, match="positional"):
        crop_or_pad(np.zeros((2, 2, 2)), 4, "constant", 0)


# --- crop_or_pad ------------------------------------------------------------------


@pytest.mark.parametrize("change", list(itertools.product((-3, 0, 2), repeat=3)))
def test_crop_or_pad_gives_the_shape_for_every_combination(change):
    shape = (7, 8, 6)
    target = tuple(n + c for n, c in zip(shape, change))
    a = _coded(shape) + 1
    out = crop_or_pad(a, target, cval=0)
    assert out.shape == target
    # Every kept voxel sits where the centred plan puts it: input = output + offset.
    start, _, before, _ = crop_or_pad_plan(shape, target)
    offset = np.subtract(start, before)
    kept = np.argwhere(out != 0)
    np.testing.assert_array_equal(_decode(out[out != 0] - 1, shape), kept + offset)
    expected_kept = np.prod([min(n, t) for n, t in zip(shape, target)])
    assert len(kept) == expected_kept


@settings(max_examples=25, deadline=None)
@given(shapes, shapes)
def test_crop_or_pad_round_trip_keeps_the_common_region(shape, target):
    a = _coded(shape) + 1
    back = crop_or_pad(crop_or_pad(a, target, cval=0), shape, cval=0)
    kept = back != 0
    assert kept.sum() == np.prod([min(n, t) for n, t in zip(shape, target)])
    np.testing.assert_array_equal(back[kept], a[kept])


def test_crop_or_pad_keeps_label_dtype_and_values():
    label = np.random.default_rng(0).integers(0, 4, (6, 6, 6)).astype(np.uint8)
    out = crop_or_pad(label, (4, 9, 6))
    assert out.dtype == np.uint8 and set(np.unique(out)) <= set(np.unique(label))


# --- crop_start_around and foreground_bbox -------------------------------------------


@settings(max_examples=25, deadline=None)
@given(shape_and_box(), st.data())
def test_crop_start_around_keeps_the_centre_voxel_inside(case, data):
    shape, _, size = case
    center = tuple(data.draw(st.integers(0, n - 1)) for n in shape)
    start = crop_start_around(shape, size, center)
    assert all(0 <= a <= n - s for a, n, s in zip(start, shape, size))
    assert all(a <= c < a + s for a, c, s in zip(start, center, size))


@settings(max_examples=25, deadline=None)
@given(shapes, st.data(), st.integers(0, 3))
def test_foreground_bbox_matches_argwhere(shape, data, margin):
    mask = np.zeros(shape, dtype=np.uint8)
    for _ in range(data.draw(st.integers(1, 4))):
        mask[tuple(data.draw(st.integers(0, n - 1)) for n in shape)] = 2
    start, size = foreground_bbox(mask, margin=margin)
    where = np.argwhere(mask)
    low = np.maximum(where.min(axis=0) - margin, 0)
    high = np.minimum(where.max(axis=0) + 1 + margin, shape)
    assert start == tuple(low) and size == tuple(high - low)
    assert crop(mask, start, size).sum() == mask.sum()


def test_foreground_bbox_refuses_an_empty_mask():
    with pytest.raises(ValueError, match="mask has no foreground"):
        foreground_bbox(np.zeros((3, 3, 3), dtype=bool))


def test_foreground_bbox_refuses_a_negative_margin():
    with pytest.raises(ValueError, match="margin must be >= 0"):
        foreground_bbox(np.ones((3, 3, 3), dtype=bool), margin=-1)


# --- the naive blog crop really has the bugs notebook 04 shows ---------------------------


def test_naive_offsets_never_reach_the_last_start():
    rng = np.random.default_rng(0)
    draws = np.array([find_random_crop_dim((7, 7, 7), (3, 3, 3), rng=rng) for _ in range(2000)])
    assert set(draws.ravel()) == {0, 1, 2, 3}  # 4 = 7 - 3 is valid but never drawn


def test_naive_offset_equals_the_crop_size_on_a_matching_axis():
    assert find_random_crop_dim((10, 8, 6), (4, 8, 6), rng=0)[1:] == (8, 6)


def test_naive_crop_with_two_matching_axes_returns_an_empty_axis():
    image = np.ones((10, 8, 6))
    size = (4, 8, 6)
    out = crop_3d_volume(image, find_random_crop_dim(image.shape, size, rng=0), size)
    assert out.shape == (4, 8, 0)
    assert crop(image, random_crop_start(image.shape, size, rng=0), size).shape == size


def test_naive_crop_of_image_and_label_draws_different_offsets():
    coded = _coded((12, 12, 12))
    rng = np.random.default_rng(3)
    image_patch = random_crop_3d(coded, (4, 4, 4), rng=rng)
    label_patch = random_crop_3d(coded, (4, 4, 4), rng=rng)
    assert image_patch[0, 0, 0] != label_patch[0, 0, 0]


def test_naive_validation_is_an_assert():
    with pytest.raises(AssertionError):
        find_random_crop_dim((4, 4, 4), (5, 4, 4))


# --- drawing the crop box -------------------------------------------------------------


def _rectangles(fig):
    return [p for ax in fig.axes for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]


def test_draw_crop_box_outlines_the_voxel_edges_on_each_plane():
    fig = show_slices(np.zeros((10, 12, 14)), (0, 5, 5))
    sag, cor, axi = draw_crop_box(fig.axes[:3], (2, 3, 4), (5, 6, 7), indices=(0, 5, 5))
    assert (sag.get_xy(), sag.get_width(), sag.get_height()) == ((2.5, 3.5), 6, 7)  # (j, k)
    assert (cor.get_xy(), cor.get_width(), cor.get_height()) == ((1.5, 3.5), 5, 7)  # (i, k)
    assert (axi.get_xy(), axi.get_width(), axi.get_height()) == ((1.5, 2.5), 5, 6)  # (i, j)
    assert [b.get_linestyle() for b in (sag, cor, axi)] == ["--", "-", "-"]  # slice i = 0 misses the box


def test_draw_crop_box_refuses_other_axes():
    with pytest.raises(TypeError, match="axes must be 3 matplotlib Axes"):
        draw_crop_box([None, None], 0, 2)


def test_crop_box_annotator_follows_transform_explorer_sliders():
    volume = np.random.default_rng(0).random((12, 12, 12)).astype(np.float32)

    def crop_at(v, i, size):
        return crop(v, (i, 0, 0), (size, 12, 12))

    explorer = TransformExplorer(
        volume,
        crop_at,
        annotate=crop_box_annotator(lambda v: ((v["i"], 0, 0), (v["size"], 12, 12))),
        i=(0, 6, 1, 2),
        size=(2, 6, 1, 4),
    )
    assert [r.get_xy()[0] for r in _rectangles(explorer.figure)] == [-0.5, 1.5, 1.5]
    explorer.set(i=5)
    assert [r.get_xy()[0] for r in _rectangles(explorer.figure)] == [-0.5, 4.5, 4.5]
