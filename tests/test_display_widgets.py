"""SliceViewer and TransformExplorer driven headlessly: set a slider, check what is displayed."""

from __future__ import annotations

import base64
import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from tutorial_utils import SliceViewer, TransformExplorer, Volume
from tutorial_utils.display._panels import colormap_table
from tutorial_utils.display._render import ACCENT, CROSSHAIR_ALPHA, nearest_map
from tutorial_utils.display.overlay import LABEL_COLORS, composite, overlay_table

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
AFFINE = np.diag([2.0, 2.0, 3.0, 1.0])


@pytest.fixture
def volume():
    rng = np.random.default_rng(1)
    image = rng.uniform(0, 100, size=(12, 10, 8)).astype(np.float32)
    label = np.zeros(image.shape, np.uint8)
    label[3:9, 2:7, 2:6] = 1
    label[5:7, 4:6, 3:5] = 3
    return Volume(image, AFFINE, label)


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def panel_region(view, panel) -> np.ndarray:
    """The pixels of ``panel`` in the picture the Image widget shows now."""
    x, y, w, h = panel.rect
    return decode(view.png)[y : y + h, x : x + w]


def on_screen(plane: np.ndarray, panel) -> np.ndarray:
    """A voxel-resolution plane (as ``imshow(origin="lower")`` takes it) scaled to the panel's pixels."""
    rows = nearest_map(plane.shape[0], panel.rect.h, flip=True)
    cols = nearest_map(plane.shape[1], panel.rect.w)
    return plane[rows][:, cols]


def expected_pixels(image_2d, label_2d, panel, window, style="contour", alpha=0.35):
    """The panel's pixels computed here: scale to the screen, then window and blend (contours on the pixel grid)."""
    table = overlay_table(colormap_table("gray"), 1.0 if style == "contour" else alpha)
    label = None if label_2d is None else on_screen(label_2d, panel)
    return composite(on_screen(image_2d, panel), label, *window, table, contour=style == "contour")[..., :3]


def crosshair_color(under: np.ndarray) -> np.ndarray:
    return np.rint(under * (1 - CROSSHAIR_ALPHA) + CROSSHAIR_ALPHA * np.array(ACCENT)).astype(np.uint8)


# -- SliceViewer --------------------------------------------------------------------------------


def test_moving_a_plane_slider_shows_that_slice(volume):
    viewer = SliceViewer(volume)
    before = viewer.png
    viewer.sliders["axial"].value = 6
    assert viewer.indices == (6, 5, 6)
    np.testing.assert_array_equal(viewer.slices()[2], volume.image[:, :, 6].T)
    expected = expected_pixels(volume.image[:, :, 6].T, volume.label[:, :, 6].T, viewer.panels[2], viewer.window.value)
    np.testing.assert_array_equal(viewer.displayed()[2], expected)
    assert viewer.png != before


@pytest.mark.parametrize("name, axis", [("sagittal", 0), ("coronal", 1)])
def test_each_plane_slider_drives_its_own_panel(volume, name, axis):
    viewer = SliceViewer(volume)
    others = [viewer.displayed()[a].copy() for a in range(3) if a != axis]
    viewer.sliders[name].value = 1
    np.testing.assert_array_equal(viewer.slices()[axis], np.take(volume.image, 1, axis=axis).T)
    assert [d for a, d in enumerate(viewer.displayed()) if a != axis][0].tobytes() == others[0].tobytes()


def test_the_picture_shows_each_voxel_scaled_to_the_panel(volume):
    viewer = SliceViewer(volume, indices=(0, 0, 0))  # crosshairs along the panel edges
    for axis, panel in enumerate(viewer.panels):
        shown = panel_region(viewer, panel)
        inner = (slice(30, -30), slice(30, -30))  # away from the crosshairs and the orientation letters
        np.testing.assert_array_equal(shown[inner], viewer.displayed()[axis][inner])
    for style in ("fill", None):  # the other overlays take the same path
        other = SliceViewer(volume, indices=(0, 0, 0), overlay=style)
        np.testing.assert_array_equal(panel_region(other, other.panels[2])[inner], other.displayed()[2][inner])


def test_crosshairs_follow_the_other_planes(volume):
    viewer = SliceViewer(volume)
    viewer.sliders["axial"].value = 2
    viewer.sliders["sagittal"].value = 9
    sag, cor, axi = viewer.panels
    assert sag.crosshair_pixel(viewer.indices)[1] == sag.rect.h - 1 - int(2.5 * sag.rect.h / 8)  # k up
    assert cor.crosshair_pixel(viewer.indices)[1] == sag.crosshair_pixel(viewer.indices)[1] * cor.rect.h // sag.rect.h
    assert axi.crosshair_pixel(viewer.indices)[0] == int(9.5 * axi.rect.w / 12)  # axial: i across
    for axis, panel in enumerate(viewer.panels):
        x, y = panel.crosshair_pixel(viewer.indices)
        shown = panel_region(viewer, panel)
        under = viewer.displayed()[axis]
        middle = slice(panel.rect.h // 4, panel.rect.h // 4 + 5)  # clear of the letters
        np.testing.assert_array_equal(shown[middle, x], crosshair_color(under[middle, x]))
        middle = slice(panel.rect.w // 4, panel.rect.w // 4 + 5)
        np.testing.assert_array_equal(shown[y, middle], crosshair_color(under[y, middle]))


def test_an_updated_picture_equals_a_fresh_viewer_in_that_state(volume):
    viewer = SliceViewer(volume)
    viewer.sliders["coronal"].value = 2
    viewer.window.value = (20.0, 60.0)
    fresh = SliceViewer(volume, indices=(6, 2, 4), vmin=20.0, vmax=60.0)
    np.testing.assert_array_equal(viewer.frame(), fresh.frame())
    np.testing.assert_array_equal(decode(viewer.png), viewer.frame())


def test_panels_fill_the_width_with_their_physical_aspect(volume):
    viewer = SliceViewer(volume)  # 12 x 10 x 8 voxels of 2 x 2 x 3 mm
    height, width = viewer.frame().shape[:2]
    assert width == 960 and decode(viewer.png).shape == (height, width, 3)
    rects = [panel.rect for panel in viewer.panels]
    assert all(max(r.w, r.h) >= 300 for r in rects)
    assert sum(r.w for r in rects) >= 0.9 * width
    for rect, (w_mm, h_mm) in zip(rects, [(20, 24), (24, 24), (24, 20)]):
        assert rect.h / rect.w == pytest.approx(h_mm / w_mm, abs=0.01)
    assert SliceViewer(volume, frame_width=480).frame().shape[1] == 480
    with pytest.raises(ValueError, match="frame_width must be >= 240"):
        SliceViewer(volume, frame_width=100)


def test_window_and_overlay_controls(volume):
    viewer = SliceViewer(volume)
    viewer.window.value = (40.0, 60.0)
    axial, label, panel = viewer.slices()[2], volume.label[:, :, 4].T, viewer.panels[2]
    assert viewer.overlay == "contour" and viewer.opacity.disabled
    np.testing.assert_array_equal(viewer.displayed()[2], expected_pixels(axial, label, panel, (40.0, 60.0)))
    viewer.show_labels.value = False
    assert viewer.overlay is None
    np.testing.assert_array_equal(viewer.displayed()[2], expected_pixels(axial, None, panel, (40.0, 60.0)))
    viewer.show_labels.value = True
    viewer.style.value = "fill"
    assert not viewer.opacity.disabled and viewer.opacity.value == 0.35
    np.testing.assert_array_equal(viewer.displayed()[2], expected_pixels(axial, label, panel, (40.0, 60.0), "fill"))
    viewer.opacity.value = 0.0
    np.testing.assert_array_equal(viewer.displayed()[2], expected_pixels(axial, None, panel, (40.0, 60.0)))


def test_live_contours_leave_the_image_inside_the_label_and_are_one_pixel_wide():
    image = np.full((30, 30, 5), 50.0, np.float32)  # window 0..100: shows as grey 128
    label = np.zeros(image.shape, np.uint8)
    label[8:22, 8:22] = 4  # yellow
    for frame_width in (960, 240):  # the panel magnifies the slice, then shrinks it
        viewer = SliceViewer(image, label, indices=(0, 0, 2), vmin=0.0, vmax=100.0, frame_width=frame_width)
        panel = viewer.panels[2]  # no affine: no letters; the crosshairs run along voxel 0
        middle = panel.rect.h // 2
        shown = panel_region(viewer, panel)[middle].astype(int)  # one row across the label
        inside = np.flatnonzero(on_screen(label[:, :, 2].T, panel)[middle])  # the label's pixels on that row
        yellow = np.flatnonzero((shown == LABEL_COLORS[3]).all(-1))
        assert yellow.tolist() == [inside[0], inside[-1]]  # one pixel at each boundary crossing
        assert (shown[inside[0] + 1 : inside[-1]] == 128).all()  # the image's grey inside, untouched
        clear = panel.rect.w // 10  # right of the crosshair
        assert (shown[clear : inside[0]] == 128).all() and (shown[inside[-1] + 1 :] == 128).all()


def test_without_a_label_the_overlay_controls_are_disabled(volume):
    viewer = SliceViewer(volume.image)
    assert viewer.show_labels.disabled and viewer.opacity.disabled
    rgb = viewer.displayed()[0][..., :3]
    assert (rgb == rgb[..., :1]).all()  # grey only
    shown = panel_region(viewer, viewer.panels[0])[:20, :20]  # a corner: no crosshair, no letters (no affine)
    assert (shown == shown[..., :1]).all()


def test_plane_sliders_update_while_dragging(volume):
    viewer = SliceViewer(volume)
    assert all(slider.continuous_update for slider in viewer.sliders.values())
    assert [s.max for s in viewer.sliders.values()] == [11, 9, 7]


def test_mimebundle_carries_the_live_widget_and_a_static_png(volume):
    viewer = SliceViewer(volume)
    bundle = viewer._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert bundle[WIDGET_VIEW]["model_id"] == viewer.widget.model_id
    np.testing.assert_array_equal(decode(base64.b64decode(bundle["image/png"])), decode(viewer.png))
    assert bundle["text/plain"].startswith("SliceViewer(shape=(12, 10, 8)")
    assert viewer.image in viewer.widget.children


def test_viewer_errors_name_the_parameter(volume):
    with pytest.raises(ValueError, match="vmax must be > vmin"):
        SliceViewer(volume, vmin=5, vmax=1)
    with pytest.raises(ValueError, match=r"indices\[1\]"):
        SliceViewer(volume, indices=(0, 10, 0))
    with pytest.raises(ValueError, match="cmap must be"):
        SliceViewer(volume, cmap="no-such-map")


# -- TransformExplorer --------------------------------------------------------------------------


def scale(volume, gain=1.0, rng=None):
    return volume.replace(image=volume.image * gain)


def test_explorer_runs_the_transform_with_the_slider_values(volume):
    explorer = TransformExplorer(volume, scale, shared_range=True, gain=(1.0, 3.0, 0.5))
    assert explorer.values == {"gain": 2.0}
    np.testing.assert_allclose(explorer.after.image, volume.image * 2.0)
    before_png = explorer.png
    explorer.controls["gain"].value = 3.0
    np.testing.assert_allclose(explorer.after.image, volume.image * 3.0)
    np.testing.assert_array_equal(explorer.slices("after")[2], explorer.after.image[:, :, 4].T)
    assert explorer.png != before_png


def test_the_picture_says_which_values_made_the_after_row(volume):
    explorer = TransformExplorer(volume, scale, seed=4, gain=(1.0, 3.0, 0.5))
    assert explorer.caption == "after = scale(before, gain=2, rng=4)"
    before_png = explorer.png
    explorer.set(gain=2.5)
    assert explorer.caption == "after = scale(before, gain=2.5, rng=4)"
    assert explorer.png != before_png
    lambda_explorer = TransformExplorer(volume, lambda v, n: v, n=(0, 4, 1))
    assert lambda_explorer.caption == "after = transform(before, n=2)"


def test_explorer_draws_label_contours_in_both_rows_and_fill_on_request():
    image = np.full((30, 30, 5), 50.0, np.float32)
    image[0, 0] = 0.0  # a darker corner: the limits put the rest at a mid grey
    label = np.zeros(image.shape, np.uint8)
    label[8:22, 8:22] = 4  # yellow
    volume = Volume(image, np.eye(4), label)
    for style in ("contour", "fill"):
        explorer = TransformExplorer(volume, lambda v: v, overlay=style)
        explorer.planes["axial"].value = 2
        for row in ("before", "after"):
            panel = explorer._panels[row][2]
            middle = panel.rect.h // 2
            shown = panel_region(explorer, panel)[middle].astype(int)
            inside = np.flatnonzero(on_screen(label[:, :, 2].T, panel)[middle])
            yellow = np.flatnonzero((shown == LABEL_COLORS[3]).all(-1))
            grey = shown[inside[0] - 3]  # the image outside the label
            if style == "contour":
                assert yellow.tolist() == [inside[0], inside[-1]], row
                assert (shown[inside[0] + 1 : inside[-1]] == grey).all(), row
            else:
                tinted = shown[inside[len(inside) // 2]]
                assert not (tinted == grey).all() and not (tinted == LABEL_COLORS[3]).all(), row


def test_both_rows_are_drawn_from_their_volumes(volume):
    explorer = TransformExplorer(volume, scale, shared_range=True, gain=(1.0, 3.0, 0.5))
    explorer.planes["axial"].value = 6
    for row in ("before", "after"):
        for axis, panel in enumerate(explorer._panels[row]):
            shown = panel_region(explorer, panel)[30:-30, 30:-30]  # inside the orientation letters
            np.testing.assert_array_equal(shown, explorer.displayed(row)[axis][30:-30, 30:-30])
    index = explorer.after_indices()[2]
    expected = expected_pixels(
        explorer.after.image[:, :, index].T,
        volume.label[:, :, index].T,
        explorer._panels["after"][2],
        explorer._limits["after"],
    )
    np.testing.assert_array_equal(explorer.displayed("after")[2], expected)


def test_annotations_are_drawn_over_the_panels(volume):
    def annotate(axes, values):
        axes["after"][2].axvline(5.0, color="#00ff00", linewidth=3)

    explorer = TransformExplorer(volume, scale, annotate=annotate, gain=(1.0, 3.0, 1.0))
    panel = explorer._panels["after"][2]
    column = int((5.0 + 0.5) * panel.rect.w / 12)  # data x = voxel index i
    shown = panel_region(explorer, panel)[panel.rect.h // 2]
    assert tuple(shown[column]) == (0, 255, 0)
    assert tuple(shown[column - 8]) != (0, 255, 0)


def test_long_descriptions_are_readable(volume):
    def transform(volume, num_control_points, max_displacement, rng=None):
        return volume

    explorer = TransformExplorer(
        volume, transform, seed=0, num_control_points=(4, 16, 1), max_displacement=(0.0, 40.0, 1.0)
    )
    for control in explorer.controls.values():
        assert control.style.description_width == "initial"
    widths = {name: int(control.layout.width.removesuffix("px")) for name, control in explorer.controls.items()}
    assert widths["num_control_points"] > widths["seed"]


def test_each_row_gets_its_own_limits_unless_shared(volume):
    explorer = TransformExplorer(volume, scale, gain=(1.0, 3.0, 1.0))
    np.testing.assert_array_equal(explorer.displayed("before")[2], explorer.displayed("after")[2])
    shared = TransformExplorer(volume, scale, shared_range=True, gain=(1.0, 3.0, 1.0))
    assert not np.array_equal(shared.displayed("before")[2], shared.displayed("after")[2])


def test_parameter_sliders_wait_for_release(volume):
    def transform(volume, gain, other):
        return volume

    explorer = TransformExplorer(volume, transform, gain=(1.0, 3.0, 0.5), other=widgets.FloatSlider())
    assert not any(control.continuous_update for control in explorer.controls.values())


def test_slider_specs_build_the_matching_widgets(volume):
    def transform(volume, n, mode, flag, rng=None):
        return volume

    explorer = TransformExplorer(volume, transform, seed=3, n=(0, 10, 2), mode=["a", "b"], flag=True)
    assert isinstance(explorer.controls["n"], widgets.IntSlider)
    assert isinstance(explorer.controls["mode"], widgets.Dropdown)
    assert isinstance(explorer.controls["flag"], widgets.Checkbox)
    assert explorer.values == {"n": 4, "mode": "a", "flag": True, "seed": 3}
    with pytest.raises(TypeError, match="slider 'n' must be"):
        TransformExplorer(volume, transform, n="many")
    with pytest.raises(ValueError, match="needs max > min"):
        TransformExplorer(volume, transform, n=(5, 1, 1))


def test_the_seed_slider_is_passed_as_rng(volume):
    seen = []

    def noisy(volume, sigma, rng=None):
        seen.append(rng)
        noise = np.random.default_rng(rng).normal(0, sigma, volume.shape).astype(np.float32)
        return volume.replace(image=volume.image + noise)

    explorer = TransformExplorer(volume, noisy, seed=7, sigma=(0.0, 2.0, 0.5, 1.0))
    first = explorer.after.image.copy()
    explorer.controls["seed"].value = 8
    assert seen == [7, 8]
    assert not np.array_equal(first, explorer.after.image)
    explorer.set(seed=7)
    np.testing.assert_array_equal(first, explorer.after.image)


def test_a_failing_transform_shows_its_error_and_keeps_the_last_result(volume):
    def fragile(volume, gain):
        if gain > 2:
            raise ValueError("gain must be <= 2")
        return scale(volume, gain)

    explorer = TransformExplorer(volume, fragile, gain=(1.0, 3.0, 0.5))
    good = explorer.after
    explorer.set(gain=3.0)
    assert "ValueError: gain must be &lt;= 2" in explorer.status.value
    assert explorer.after is good
    explorer.set(gain=1.5)
    assert "transform ran in" in explorer.status.value
    with pytest.raises(RuntimeError, match="starting values.*ValueError: gain must be <= 2"):
        TransformExplorer(volume, fragile, gain=(2.5, 3.0, 0.5))


def test_set_updates_once_and_refuses_unknown_names(volume):
    calls = []

    def counted(volume, a, b):
        calls.append((a, b))
        return volume

    explorer = TransformExplorer(volume, counted, a=(0, 4, 1), b=(0, 4, 1))
    explorer.set(a=0, b=4)
    assert calls == [(2, 2), (0, 4)]
    with pytest.raises(ValueError, match=r"unknown control name\(s\) \['c'\]"):
        explorer.set(c=1)


def crop(volume, start):
    """A crop that keeps world coordinates (independent of tutorial_utils' own crop)."""
    shift = np.eye(4)
    shift[:3, 3] = start
    region = tuple(slice(s, n - s) for s, n in zip(start, volume.shape))
    return Volume(volume.image[region], volume.affine @ shift, volume.label[region])


def test_a_grid_change_maps_the_after_slices_by_world_coordinates(volume):
    explorer = TransformExplorer(volume, lambda v, margin: crop(v, (margin,) * 3), margin=(1, 3, 1, 2))
    assert explorer.after.shape == (8, 6, 4)
    assert explorer.after_indices() == (4, 3, 2)  # before centre (6, 5, 4) minus the margin
    np.testing.assert_array_equal(explorer.slices("after")[0], explorer.after.image[4].T)
    assert explorer.axes()["after"][2].get_xlim() == (-0.5, 7.5)
    explorer.planes["sagittal"].value = 0  # outside the crop: clipped to its first slice
    assert explorer.after_indices()[0] == 0
    explorer.set(margin=1)
    assert explorer.axes()["after"][2].get_xlim() == (-0.5, 9.5)


def test_array_outputs_reuse_the_input_grid_when_the_shape_matches(volume):
    explorer = TransformExplorer(volume, lambda v, gain: v.image * gain, gain=(1.0, 2.0, 1.0))
    assert explorer._after_data.label is volume.label
    explorer = TransformExplorer(volume, lambda v, n: v.image[n:], n=(1, 2, 1))
    assert explorer._after_data.label is None and explorer._after_data.affine is None


def test_plane_sliders_move_both_rows(volume):
    explorer = TransformExplorer(volume, scale, gain=(1.0, 2.0, 1.0))
    explorer.planes["axial"].value = 1
    np.testing.assert_array_equal(explorer.slices("before")[2], volume.image[:, :, 1].T)
    np.testing.assert_array_equal(explorer.slices("after")[2], explorer.after.image[:, :, 1].T)


def test_annotations_are_replaced_on_each_update(volume):
    calls = []

    def annotate(axes, values):
        calls.append(dict(values))
        assert set(axes) == {"before", "after", "histogram"}
        axes["after"][2].axvline(values["gain"])
        axes["histogram"].axvline(values["gain"] * 10)

    explorer = TransformExplorer(volume, scale, histogram=True, annotate=annotate, gain=(1.0, 3.0, 1.0))
    n_lines = len(explorer.axes()["after"][2].lines)
    explorer.set(gain=3.0)
    assert len(explorer.axes()["after"][2].lines) == n_lines
    assert explorer.axes()["after"][2].lines[-1].get_xdata()[0] == 3.0
    assert calls == [{"gain": 2.0}, {"gain": 3.0}]


def test_a_failing_annotate_is_reported_in_the_status_line(volume):
    def broken(axes, values):
        axes["after"][0].axhline(1.0)
        raise KeyError("no such value")

    explorer = TransformExplorer(volume, scale, annotate=broken, gain=(1.0, 3.0, 1.0))
    assert "annotate failed" in explorer.status.value and "KeyError" in explorer.status.value
    n_lines = len(explorer.axes()["after"][0].lines)
    explorer.set(gain=1.0)
    assert len(explorer.axes()["after"][0].lines) == n_lines  # what it drew is still removed


def test_histogram_counts_every_voxel(volume):
    explorer = TransformExplorer(volume, scale, histogram=True, gain=(1.0, 3.0, 1.0))
    values, edges, _ = explorer._histogram.stairs["after"].get_data()
    assert values.sum() == pytest.approx(volume.image.size, abs=5)  # empty bins are drawn at 0.8
    assert edges[-1] == pytest.approx(float(explorer.after.image.max()))


def test_explorer_mimebundle_and_argument_errors(volume):
    explorer = TransformExplorer(volume, scale, gain=(1.0, 2.0, 1.0))
    bundle = explorer._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    np.testing.assert_array_equal(decode(base64.b64decode(bundle["image/png"])), explorer.frame())
    with pytest.raises(TypeError, match="transform must be callable"):
        TransformExplorer(volume, "scale")
    with pytest.raises(TypeError, match="seed must be a non-negative int"):
        TransformExplorer(volume, scale, seed=1.5)
    with pytest.raises(ValueError, match="row must be one of"):
        explorer.slices("middle")
