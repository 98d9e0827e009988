"""The live views' pure drawing: pixel maps, crosshairs, letters, the PNG writer, the layout."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from tutorial_utils import set_num_threads
from tutorial_utils.display._layout import MIN_WIDTH, Rect, check_width, fit_rect, long_side, row_boxes
from tutorial_utils.display._render import (
    blend,
    draw_crosshair,
    encode_png,
    letter_positions,
    lut_index,
    nearest_map,
    pixel_of,
)
from tutorial_utils.display.overlay import composite, overlay_table


@pytest.mark.parametrize("shape", [(7, 5, 3), (7, 5, 4), (7, 5), (1, 1, 3)])
def test_encode_png_is_lossless(shape):
    pixels = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(pixels))))
    np.testing.assert_array_equal(decoded, pixels)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_png_deflated_in_bands_decodes_to_the_image(threads):
    pixels = np.random.default_rng(1).integers(0, 4, size=(301, 400, 3), dtype=np.uint8)
    set_num_threads(threads)
    try:
        png = encode_png(pixels)
    finally:
        set_num_threads(None)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), pixels)


def test_encode_png_refuses_what_png_cannot_hold():
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(ValueError, match="1, 3 or 4 channels"):
        encode_png(np.zeros((2, 2, 2), np.uint8))


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 300), size=st.integers(1, 700))
def test_nearest_map_covers_the_voxels_in_order(n, size):
    index = nearest_map(n, size)
    assert index.shape == (size,) and index.min() >= 0 and index.max() <= n - 1
    assert (np.diff(index) >= 0).all()
    if size >= n:  # magnified: every voxel shows, and its centre pixel shows it
        assert set(index.tolist()) == set(range(n))
        for voxel in (0, n // 2, n - 1):
            assert index[pixel_of(voxel, n, size)] == voxel
            assert nearest_map(n, size, flip=True)[pixel_of(voxel, n, size, flip=True)] == voxel


def test_lut_index_matches_the_composite_table():
    rng = np.random.default_rng(2)
    plane = rng.uniform(-5, 105, size=(6, 9)).astype(np.float32)
    label = rng.integers(0, 13, size=(6, 9))
    grey = np.full((256, 4), 255, np.uint8)
    grey[:, :3] = np.arange(256)[:, None]
    table = overlay_table(grey, 0.3)
    index = lut_index(plane, label, 0.0, 100.0)
    np.testing.assert_array_equal(table.reshape(-1, 4)[index], composite(plane, label, 0.0, 100.0, table))


def test_crosshair_blends_one_row_and_one_column():
    pixels = np.full((5, 6, 3), 100, np.uint8)
    draw_crosshair(pixels, 2, 3, color=(200, 0, 0), alpha=0.5)
    changed = (pixels != 100).any(axis=-1)
    assert changed[:, 2].all() and changed[3, :].all() and changed.sum() == 5 + 6 - 1
    assert pixels[3, 2].tolist() == [150, 50, 50]  # the crossing is blended once


def test_blend_clips_a_stamp_at_the_border():
    pixels = np.zeros((3, 3, 3), np.uint8)
    stamp = np.zeros((2, 2, 4), np.float32)
    stamp[...] = (255, 255, 255, 1.0)
    blend(pixels, stamp, 2, -1)
    assert pixels[..., 0].tolist() == [[0, 0, 255], [0, 0, 0], [0, 0, 0]]
    blend(pixels, stamp, 5, 5)  # entirely outside: nothing happens


def test_letters_sit_inside_the_panel_edges():
    stamp = np.zeros((12, 9, 4), np.float32)
    edges = {edge: stamp for edge in ("left", "right", "top", "bottom")}
    positions = letter_positions((200, 100), edges, inset=3)
    assert positions == {"left": (3, 44), "right": (188, 44), "top": (95, 3), "bottom": (95, 85)}


def test_a_row_fills_the_width_and_keeps_each_aspect():
    sizes = [(233.0, 189.0), (197.0, 189.0), (197.0, 233.0)]  # mni: sagittal, coronal, axial
    boxes = row_boxes(sizes, 960, 24)
    side = long_side(sizes, 960)
    assert side >= 300
    assert boxes[0].x >= 0 and boxes[-1].x + boxes[-1].w <= 960
    assert boxes[-1].x + boxes[-1].w - boxes[0].x >= 940
    for box, size in zip(boxes, sizes):
        rect = fit_rect(box, size)
        assert max(rect.w, rect.h) == pytest.approx(side, abs=1)
        assert rect.h / rect.w == pytest.approx(size[1] / size[0], rel=0.01)
        assert rect.y >= box.y and rect.y + rect.h <= box.y + box.h


def test_fit_rect_centres_a_smaller_panel():
    assert fit_rect(Rect(10, 20, 100, 50), (1.0, 1.0)) == Rect(35, 20, 50, 50)


def test_check_width_names_the_parameter():
    assert check_width(np.int64(600)) == 600
    with pytest.raises(TypeError, match="frame_width must be an int"):
        check_width(600.0, "frame_width")
    with pytest.raises(ValueError, match=f">= {MIN_WIDTH}"):
        check_width(10)
