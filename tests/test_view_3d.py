"""``tu.view_3d`` (ipyniivue) and its static picture (``display.render3d``): arguments, the data NiiVue gets, the picture.

The browser side (NiiVue drawing, the opacity reaching the canvas) is
tested in ``tests/browser/test_view_3d.py``.
"""

from __future__ import annotations

import base64
import gzip
import io
import socket
import subprocess
import sys

import nibabel as nib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from scipy import ndimage

import tutorial_utils as tu
from tutorial_utils.display import render3d
from tutorial_utils.display.overlay import LABEL_COLORS
from tutorial_utils.display.view3d import View3D, label_lut, nifti_bytes


def block_volume(affine: np.ndarray | None = None) -> tu.Volume:
    """A 24^3 volume of 2 mm voxels: a bright block on the patient's right (RAS, large i), labelled 1."""
    image = np.zeros((24, 24, 24), np.float32)
    label = np.zeros((24, 24, 24), np.uint8)
    image[16:22, 8:16, 8:16] = 100.0
    label[16:22, 8:16, 8:16] = 1
    image[2:6, 8:16, 8:16] = 50.0  # a dimmer block on the left, unlabelled
    if affine is None:
        affine = np.diag([2.0, 2.0, 2.0, 1.0])
        affine[:3, 3] = -23.0
    return tu.Volume(image, affine, label)


@pytest.fixture(scope="module")
def volume() -> tu.Volume:
    return block_volume()


def nifti_from(data: bytes) -> nib.Nifti1Image:
    return nib.Nifti1Image.from_bytes(gzip.decompress(data))


# --- the widget and the data it is given ---------------------------------------------------


def test_view_3d_is_a_display_name_served_lazily():
    assert tu.view_3d is tu.display.view_3d
    assert "view_3d" in tu.__all__


def test_importing_display_does_not_load_ipyniivue():
    code = "import sys, tutorial_utils.display; print('ipyniivue' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_widget_renders_in_3d_with_an_orientation_cube(volume):
    from ipyniivue import SliceType

    view = tu.view_3d(volume, label_opacity=0.4, azimuth=30, elevation=-10)
    assert isinstance(view, View3D)
    assert view.widget.opts.slice_type == SliceType.RENDER
    assert view.widget.opts.is_orient_cube is True
    assert (view.widget.scene.render_azimuth, view.widget.scene.render_elevation) == (30.0, -10.0)
    image, label = view.widget.volumes
    assert image.name.endswith(".nii.gz") and label.name.endswith(".nii.gz")
    assert label.opacity == 0.4
    assert (image.cal_min, image.cal_max) == view.window


@pytest.mark.parametrize("axcodes", [("R", "A", "S"), ("L", "P", "S"), ("P", "I", "R")])
def test_niivue_gets_the_volume_with_its_affine_exactly(volume, axcodes):
    reoriented = tu.reorient(volume, axcodes=axcodes)
    view = tu.view_3d(reoriented)
    image_nii = nifti_from(view.widget.volumes[0].data)
    label_nii = nifti_from(view.widget.volumes[1].data)
    for nii, array in ((image_nii, reoriented.image), (label_nii, reoriented.label)):
        np.testing.assert_array_equal(np.asanyarray(nii.dataobj), array)
        np.testing.assert_allclose(nii.get_sform(), reoriented.affine)
        np.testing.assert_allclose(nii.get_qform(), reoriented.affine, atol=1e-5)
        assert int(nii.header["sform_code"]) == 1
    assert nib.aff2axcodes(image_nii.affine) == axcodes


def test_the_label_colours_are_the_course_colours_and_unshown_labels_are_transparent(volume):
    lut = label_lut(12, shown=np.array([2, 12]))
    rgb = np.array([lut["R"], lut["G"], lut["B"]]).T
    np.testing.assert_array_equal(rgb[1:11], LABEL_COLORS)
    np.testing.assert_array_equal(rgb[11], LABEL_COLORS[0])  # label 11 wraps round to the first colour
    assert [i for i, a in enumerate(lut["A"]) if a] == [2, 12]
    view = tu.view_3d(volume, labels=[1])
    table = np.asarray(view.widget.volumes[1].colormap_label.lut).reshape(-1, 4)
    np.testing.assert_array_equal(table[1], [*LABEL_COLORS[0], 255])
    assert table[0, 3] == 0


def test_label_opacity_reaches_the_widget_and_is_checked(volume):
    view = tu.view_3d(volume)
    view.label_opacity = 0.25
    assert view.label_opacity == 0.25 and view.widget.volumes[1].opacity == 0.25
    for bad, error in [(1.5, ValueError), (-0.1, ValueError), (True, TypeError), ("0.5", TypeError)]:
        with pytest.raises(error, match="label_opacity"):
            view.label_opacity = bad
    assert view.widget.volumes[1].opacity == 0.25


def test_each_layer_collects_what_the_browser_sends_back_on_its_own(volume):
    """ipyniivue 2.4.4 shares one chunk dict among all layers (a ClassVar): image and label uploads mixed."""
    image, label = tu.view_3d(volume).widget.volumes
    assert image._data_handlers is not label._data_handlers
    assert image._data_handlers is not type(image)._data_handlers


def test_a_volume_without_label_shows_the_image_only(volume):
    bare = tu.Volume(volume.image, volume.affine)
    view = tu.view_3d(bare)
    assert len(view.widget.volumes) == 1
    assert "no label" in repr(view)
    with pytest.raises(ValueError, match="no label map"):
        view.label_opacity = 0.5
    with pytest.raises(ValueError, match="no label map"):
        tu.view_3d(bare, labels=[1])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"window": (10, 10)}, ValueError, "low < high"),
        ({"window": "bone"}, TypeError, "window must be a"),
        ({"window": (0, float("nan"))}, TypeError, "window high"),
        ({"label_opacity": 2}, ValueError, "label_opacity"),
        ({"labels": [0]}, ValueError, "above 0"),
        ({"labels": [7]}, ValueError, r"\[7\] do not occur"),
        ({"labels": [1.5]}, TypeError, "labels must be"),
        ({"labels": []}, TypeError, "labels must be"),
        ({"azimuth": float("inf")}, TypeError, "azimuth"),
        ({"elevation": 95}, ValueError, "elevation"),
        ({"height": 50}, ValueError, "height"),
        ({"height": 400.0}, TypeError, "height"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(volume, kwargs, error, match):
    with pytest.raises(error, match=match):
        tu.view_3d(volume, **kwargs)


def test_view_3d_refuses_a_bare_array():
    with pytest.raises(TypeError, match="Volume"):
        tu.view_3d(np.zeros((4, 4, 4)))


def test_the_input_is_not_modified_and_read_only_arrays_work(volume):
    image, label = volume.image.copy(), volume.label.copy()
    frozen = tu.Volume(volume.image, volume.affine, volume.label)
    frozen.image.setflags(write=False)
    frozen.label.setflags(write=False)
    tu.view_3d(frozen, labels=1).snapshot()
    np.testing.assert_array_equal(volume.image, image)
    np.testing.assert_array_equal(volume.label, label)


def test_nothing_reaches_the_network(volume, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("view_3d opened a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    view = tu.view_3d(volume)
    view._repr_mimebundle_()


def test_the_output_holds_the_live_widget_and_a_png_for_static_pages(volume):
    view = tu.view_3d(volume)
    bundle = view._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
    assert data["text/plain"].startswith("View3D(shape=(24, 24, 24)")
    png = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert png.format == "PNG" and png.size == (500, 500)


def test_nifti_bytes_without_a_label(volume):
    image, label = nifti_bytes(tu.Volume(volume.image, volume.affine))
    assert label is None
    np.testing.assert_array_equal(np.asanyarray(nifti_from(image).dataobj), volume.image)


# --- the static picture -----------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.floats(-720, 720), st.floats(-90, 90))
def test_the_camera_is_a_rotation(azimuth, elevation):
    rotation = render3d.camera_rotation(azimuth, elevation)
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(rotation) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("azimuth", "elevation", "towards_viewer", "screen_right"),
    [
        (180, 0, [0, 1, 0], [-1, 0, 0]),  # facing the patient: anterior towards us, patient's left on the right
        (90, 0, [-1, 0, 0], [0, -1, 0]),  # from the patient's left side
        (0, 0, [0, -1, 0], [1, 0, 0]),  # from behind
        (180, 90, [0, 0, 1], [-1, 0, 0]),  # from above
    ],
)
def test_the_camera_follows_niivue_conventions(azimuth, elevation, towards_viewer, screen_right):
    rotation = render3d.camera_rotation(azimuth, elevation)
    np.testing.assert_allclose(rotation[2], towards_viewer, atol=1e-12)
    np.testing.assert_allclose(rotation[0], screen_right, atol=1e-12)


def picture(volume, **kwargs):
    options = {"window": (0.0, 100.0), "label_opacity": 0.0, "azimuth": 180.0, "elevation": 0.0, "size": 64}
    return render3d.render_volume(volume, **{**options, **kwargs})


def test_the_picture_puts_the_patients_right_where_the_camera_says(volume):
    rgb = picture(volume)
    assert rgb.shape == (64, 64, 3) and rgb.dtype == np.float32
    left, right = rgb[:, :32].sum(), rgb[:, 32:].sum()
    assert left > 3 * right, "facing the patient, the bright block on the patient's right is on the screen's left"
    behind = picture(volume, azimuth=0.0)
    assert behind[:, 32:].sum() > 3 * behind[:, :32].sum()


@pytest.mark.parametrize("axcodes", [("L", "P", "S"), ("S", "R", "A"), ("L", "A", "I")])
def test_the_picture_depends_on_the_world_not_on_the_array_layout(volume, axcodes):
    """Permuting and flipping the array with its affine (same voxels in the world) draws the same picture."""
    reference = picture(volume, label_opacity=0.8, azimuth=40.0, elevation=20.0)
    reoriented = picture(tu.reorient(volume, axcodes=axcodes), label_opacity=0.8, azimuth=40.0, elevation=20.0)
    np.testing.assert_allclose(reoriented, reference, atol=2e-3)


def ray_march(volume, window, azimuth, elevation, size, row, col):
    """One pixel of the picture by marching its ray with map_coordinates: front to back, no depth cue."""
    edges = np.array(np.meshgrid(*[[-0.5, n - 0.5] for n in volume.shape], indexing="ij")).reshape(3, -1)
    corners = nib.affines.apply_affine(volume.affine, edges.T)
    centre = corners.mean(axis=0)
    radius = np.linalg.norm(corners - centre, axis=1).max()
    pixel = 2 * radius / size
    step = render3d.DEPTH_STEP * max(pixel, min(volume.spacing))
    right, up, towards = render3d.camera_rotation(azimuth, elevation)
    x, y = -radius + (col + 0.5) * pixel, radius - (row + 0.5) * pixel
    nearness = radius - (np.arange(int(np.ceil(2 * radius / step))) + 0.5) * step
    points = centre + x * right + y * up + nearness[:, None] * towards
    voxels = nib.affines.apply_affine(np.linalg.inv(volume.affine), points).T
    values = ndimage.map_coordinates(volume.image, voxels, order=1, cval=window[0])
    t = np.clip((values - window[0]) / (window[1] - window[0]), 0, 1)
    alpha = 1 - np.exp(-render3d.DENSITY * step * t)
    light = np.cumprod(np.concatenate([[1.0], 1 - alpha[:-1]]))
    return float((light * alpha * t).sum())


@pytest.mark.parametrize(("azimuth", "elevation"), [(180.0, 0.0), (37.0, 25.0), (250.0, -60.0)])
def test_the_picture_equals_a_ray_marched_by_hand(volume, monkeypatch, azimuth, elevation):
    monkeypatch.setattr(render3d, "FAR_SHADE", 1.0)
    rgb = picture(volume, azimuth=azimuth, elevation=elevation)
    lit = np.argwhere(rgb[..., 0] > 0.05)
    assert len(lit) > 20
    for row, col in lit[:: max(1, len(lit) // 7)]:
        expected = ray_march(volume, (0.0, 100.0), azimuth, elevation, 64, row, col)
        assert rgb[row, col, 0] == pytest.approx(expected, abs=1e-4)
    np.testing.assert_array_equal(rgb[..., 0], rgb[..., 2])


def test_the_label_is_coloured_hidden_at_opacity_zero_and_filtered_by_value(volume):
    grey = picture(volume)
    np.testing.assert_array_equal(grey[..., 0], grey[..., 1])
    red = picture(volume, label_opacity=1.0)
    is_red = (red[..., 0] > red[..., 1] + 0.2) & (red[..., 0] > red[..., 2] + 0.2)
    assert is_red[:, :32].sum() > 50 and is_red[:, 32:].sum() == 0, "label 1 (red) is on the block, nowhere else"
    np.testing.assert_array_equal(picture(volume, label_opacity=1.0, labels=np.array([2])), grey)


def test_a_region_is_the_same_picture_zoomed(volume):
    """The centre square of half-side radius/2 at 64 pixels is the centre of the whole picture at 128 pixels."""
    whole = picture(volume, label_opacity=0.6, azimuth=30.0, elevation=10.0, size=128)
    radius = float(np.linalg.norm(np.array(volume.shape) * 2.0) / 2.0)  # 2 mm voxels: half the diagonal
    centre = picture(volume, label_opacity=0.6, azimuth=30.0, elevation=10.0, size=64, region=(0.0, 0.0, radius / 2))
    np.testing.assert_allclose(centre, whole[32:96, 32:96], atol=1e-5)
    region = render3d.content_region(volume, whole)
    zoomed = picture(volume, azimuth=30.0, elevation=10.0, region=region)
    assert (zoomed.max(axis=-1) > 0.02).mean() > 2 * (whole.max(axis=-1) > 0.02).mean()


def test_a_nearer_block_hides_a_farther_one():
    image = np.zeros((30, 30, 30), np.float32)
    label = np.zeros((30, 30, 30), np.uint8)
    image[10:20, 22:28, 10:20] = 100.0  # anterior (large j): nearer to a camera facing the patient
    label[10:20, 22:28, 10:20] = 2
    image[10:20, 2:8, 10:20] = 100.0
    label[10:20, 2:8, 10:20] = 1
    rgb = picture(tu.Volume(image, np.eye(4), label), label_opacity=1.0)
    centre = rgb[32, 32]
    green, red = LABEL_COLORS[1] / 255.0, LABEL_COLORS[0] / 255.0
    assert np.dot(centre, green) > 3 * np.dot(centre, red)


def test_the_snapshot_is_a_png_with_the_orientation_it_claims(volume):
    png = render3d.snapshot_png(volume, window=(0.0, 100.0), label_opacity=0.5, azimuth=180.0, elevation=0.0)
    assert Image.open(io.BytesIO(png)).size == (500, 500)
    figure = render3d.snapshot_figure(volume, window=(0.0, 100.0), label_opacity=0.5, azimuth=180.0, elevation=0.0)
    texts = {text.get_text() for text in figure.axes[0].texts}
    assert {"R", "L", "S", "I"} <= texts
    assert render3d._screen_letters(render3d.camera_rotation(180, 0)) == {
        "right": "L",
        "left": "R",
        "top": "S",
        "bottom": "I",
    }
