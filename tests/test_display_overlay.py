"""Pure display colours: windowing to grey levels, label colours, overlay blending."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial_utils.display.overlay import (
    LABEL_COLORS,
    color_index,
    color_of,
    composite,
    intensity_range,
    label_colors,
    label_rgba,
    overlay_table,
    to_uint8,
)

GREY = np.full((256, 4), 255, np.uint8)
GREY[:, :3] = np.arange(256)[:, None]


def rng_array(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


# -- intensities --------------------------------------------------------------------------------


def test_intensity_range_matches_numpy_percentiles_on_small_volumes():
    image = rng_array((6, 7, 8))
    low, high = intensity_range(image, (2.0, 98.0))
    np.testing.assert_allclose((low, high), np.percentile(image, (2.0, 98.0)), rtol=1e-6)
    assert type(low) is float and type(high) is float


def test_intensity_range_of_a_constant_image_is_not_empty():
    assert intensity_range(np.full((2, 2, 2), 5.0, np.float32)) == (5.0, 6.0)


def test_to_uint8_maps_the_window_linearly_and_clips_outside():
    values = np.array([[-100.0, 0.0, 25.0, 50.0, 100.0, 1000.0]], np.float32)
    out = to_uint8(values, 0.0, 100.0)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, [[0, 0, 64, 128, 255, 255]])
    with pytest.raises(ValueError, match="vmax must be > vmin"):
        to_uint8(values, 1.0, 1.0)


# -- labels -------------------------------------------------------------------------------------


def test_label_colours_repeat_every_ten_and_background_is_black():
    labels = np.array([[0, 1, 2, 11, 12]])
    assert color_index(labels).tolist() == [[0, 1, 2, 1, 2]]
    rgb = label_colors(labels)
    np.testing.assert_array_equal(rgb[0, 0], [0, 0, 0])
    np.testing.assert_array_equal(rgb[0, 1], LABEL_COLORS[0])
    np.testing.assert_array_equal(rgb[0, 1], rgb[0, 3])


def test_label_rgba_is_transparent_on_background_only():
    labels = np.array([[0, 1], [3, 0]], np.int16)
    labels.setflags(write=False)
    rgba = label_rgba(labels, alpha=0.4)
    np.testing.assert_array_equal(rgba[..., 3], [[0, 102], [102, 0]])
    np.testing.assert_array_equal(rgba[1, 0, :3], LABEL_COLORS[2])
    with pytest.raises(ValueError, match="alpha must be in"):
        label_rgba(labels, alpha=1.5)
    with pytest.raises(TypeError, match="alpha"):
        label_rgba(labels, alpha="0.5")


@settings(max_examples=25, deadline=None)
@given(alpha=st.floats(0.0, 1.0), seed=st.integers(0, 1000))
def test_composite_matches_an_independent_alpha_blend(alpha, seed):
    rng = np.random.default_rng(seed)
    image = rng.uniform(-10, 110, size=(5, 7)).astype(np.float32)
    labels = rng.integers(0, 13, size=(5, 7))
    out = composite(image, labels, 0.0, 100.0, overlay_table(GREY, alpha))
    grey = np.clip(np.rint((image - 0.0) * 2.55), 0, 255)
    colours = LABEL_COLORS[(labels - 1) % 10].astype(float)
    expected = np.where((labels != 0)[..., None], (1 - alpha) * grey[..., None] + alpha * colours, grey[..., None])
    np.testing.assert_allclose(out[..., :3], expected, atol=1.0)
    assert (out[..., 3] == 255).all()


def test_composite_without_labels_is_the_colormap():
    image = np.array([[0.0, 5.0, 10.0]], np.float32)
    np.testing.assert_array_equal(composite(image, None, 0.0, 10.0, overlay_table(GREY))[0, :, 0], [0, 128, 255])
    with pytest.raises(ValueError, match="label_slice must have"):
        composite(image, np.zeros((2, 2), int), 0.0, 10.0, overlay_table(GREY))
    with pytest.raises(ValueError, match="base must be a"):
        overlay_table(np.zeros((10, 4), np.uint8))


def test_color_of_is_the_overlay_colour_as_matplotlib_floats():
    for value in (1, 4, 11):
        assert color_of(value) == tuple(c / 255 for c in LABEL_COLORS[(value - 1) % 10])
