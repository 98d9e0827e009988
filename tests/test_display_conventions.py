"""Display conventions: the same patient stored in many orientations, shown radiologically or neurologically.

The reference is nibabel's own orientation code (``io_orientation``-style
transforms), not ``tutorial_utils.reorient``: a patient is built in RAS with
a bright marker at its right-anterior-superior corner, stored in each
orientation by nibabel, then drawn; the test asks where the marker and the
letters land on the screen.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from nibabel import orientations as nio

from tutorial_utils import SliceViewer, TransformExplorer, Volume, show_plane, show_slices
from tutorial_utils.display.orientation import display_flips, orientation_labels

SHAPE = (20, 16, 12)  # RAS: i to the patient's right, j anterior, k superior
MARKER = (slice(15, 19), slice(11, 15), slice(8, 11))  # right, anterior, superior
STORED = ["RAS", "LAS", "LPS", "RPS", "LPI", "RAI", "LAI"]


def patient(codes: str) -> tuple[Volume, tuple[int, int, int]]:
    """The RAS patient stored with axis ``codes`` (by nibabel), and the stored voxel of the marker's centre."""
    image = np.zeros(SHAPE, np.float32)
    image[MARKER] = 1000.0
    label = np.zeros(SHAPE, np.uint8)
    label[MARKER] = 1
    affine = np.diag([1.0, 1.0, 2.0, 1.0])
    affine[:3, 3] = (-10.0, -8.0, -12.0)
    transform = nio.ornt_transform(nio.axcodes2ornt("RAS"), nio.axcodes2ornt(tuple(codes)))
    stored_image = nio.apply_orientation(image, transform)
    stored_label = nio.apply_orientation(label, transform)
    stored_affine = affine @ nio.inv_ornt_aff(transform, SHAPE)
    centre = np.argwhere(stored_image > 0).mean(axis=0)
    volume = Volume(np.ascontiguousarray(stored_image), stored_affine, np.ascontiguousarray(stored_label))
    assert "".join(volume.axcodes) == codes
    return volume, tuple(int(round(c)) for c in centre)


def drawn(fig):
    FigureCanvasAgg(fig).draw()
    return fig


def screen_side(ax, point) -> tuple[str, str]:
    """Where data point ``point`` is drawn in ``ax``: ("left"|"right", "top"|"bottom") of the panel's centre."""
    x, y = ax.transData.transform(point)
    box = ax.get_window_extent()
    return ("left" if x < (box.x0 + box.x1) / 2 else "right"), ("top" if y > (box.y0 + box.y1) / 2 else "bottom")


def letter_sides(ax) -> dict[str, str]:
    """Letter -> the edge of the panel it is drawn at."""
    box = ax.get_window_extent()
    sides = {}
    for text in ax.texts:
        x, y = text.get_window_extent().get_points().mean(axis=0)
        if x < box.x0:
            sides[text.get_text()] = "left"
        elif x > box.x1:
            sides[text.get_text()] = "right"
        else:
            sides[text.get_text()] = "top" if y > box.y1 else "bottom"
    return sides


# (panel axis, expected letter sides, expected marker side) for a radiological display of RAS codes;
# the axial panel is axis 2 in every stored orientation below (k runs superior-inferior)
RADIOLOGICAL = {
    "sagittal": ({"A": "left", "P": "right", "S": "top", "I": "bottom"}, ("left", "top")),
    "coronal": ({"R": "left", "L": "right", "S": "top", "I": "bottom"}, ("left", "top")),
    "axial": ({"R": "left", "L": "right", "A": "top", "P": "bottom"}, ("left", "top")),
}


@pytest.mark.parametrize("codes", STORED)
def test_radiological_puts_the_patients_right_on_the_screens_left_in_every_stored_orientation(codes):
    volume, marker = patient(codes)
    fig = drawn(show_slices(volume, marker, convention="radiological", overlay=None))
    for axis, (plane, (letters, side)) in enumerate(RADIOLOGICAL.items()):
        ax = fig.axes[axis]
        h, v = [a for a in range(3) if a != axis]
        assert letter_sides(ax) == letters, f"{codes} {plane}"
        assert screen_side(ax, (marker[h], marker[v])) == side, f"{codes} {plane}: marker"


@pytest.mark.parametrize("codes", STORED)
def test_neurological_puts_the_patients_right_on_the_screens_right(codes):
    volume, marker = patient(codes)
    fig = drawn(show_slices(volume, marker, convention="neurological", overlay=None))
    axial, coronal = fig.axes[2], fig.axes[1]
    assert letter_sides(axial) == {"L": "left", "R": "right", "A": "top", "P": "bottom"}
    assert letter_sides(coronal) == {"L": "left", "R": "right", "S": "top", "I": "bottom"}
    assert screen_side(axial, (marker[0], marker[1])) == ("right", "top")


@pytest.mark.parametrize("codes", ["RAS", "LPS"])
def test_as_stored_shows_the_array_as_it_lies(codes):
    volume, marker = patient(codes)
    ax = drawn(show_slices(volume, marker, overlay=None)).axes[2]
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    assert xlim[0] < xlim[1] and ylim[0] < ylim[1]  # index grows to the right and up
    assert letter_sides(ax)[volume.axcodes[0]] == "right" and letter_sides(ax)[volume.axcodes[1]] == "top"


def test_a_flip_is_exact_the_same_voxels_in_mirrored_order():
    volume, marker = patient("RAS")  # radiological mirrors the axial panel left-right
    ax = show_slices(volume, marker, convention="radiological").axes[2]
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), volume.image[:, :, marker[2]].T)
    assert ax.get_xlim() == (SHAPE[0] - 0.5, -0.5) and ax.get_ylim() == (-0.5, SHAPE[1] - 0.5)
    assert display_flips(volume.affine, 2, "radiological") == (True, False)


def test_an_unusual_stored_order_gets_the_rules_its_axes_allow():
    volume, marker = patient("ASR")  # k runs right-left: panel 2 shows a sagittal view
    assert orientation_labels(volume.affine, 2, "radiological") == {
        "left": "A",
        "right": "P",
        "bottom": "I",
        "top": "S",
    }
    assert orientation_labels(volume.affine, 0, "radiological") == orientation_labels(volume.affine, 0)  # S-I across


@pytest.mark.parametrize("codes", ["RAS", "LPS", "LAI"])
def test_the_live_viewer_mirrors_its_panels_and_letters_the_same_way(codes):
    volume, marker = patient(codes)
    viewer = SliceViewer(volume, indices=marker, convention="radiological", overlay=None)
    frame = viewer.frame()
    for axis, (_, side) in enumerate(RADIOLOGICAL.values()):
        panel = viewer.panels[axis]
        x, y, w, h = panel.rect
        bright = np.argwhere(frame[y : y + h, x : x + w].min(-1) == 255)  # the marker (white, not the yellow cross)
        row, col = bright.mean(axis=0)
        assert ("left" if col < w / 2 else "right", "top" if row < h / 2 else "bottom") == side
        cross_x, cross_y = panel.crosshair_pixel(marker)  # the crosshairs cross on the marker
        assert bright[:, 1].min() <= cross_x <= bright[:, 1].max()
        assert bright[:, 0].min() <= cross_y <= bright[:, 0].max()
    assert viewer.panels[2].flips == display_flips(volume.affine, 2, "radiological")


def test_the_explorer_mirrors_both_rows():
    volume, marker = patient("RAS")
    explorer = TransformExplorer(volume, lambda v, gain: v, convention="radiological", gain=(1.0, 2.0, 1.0))
    for row in ("before", "after"):
        assert explorer._panels[row][2].flips == (True, False)
    assert explorer.axes()["after"][2].get_xlim() == (SHAPE[0] - 0.5, -0.5)


def test_a_convention_needs_an_orientation():
    volume, _ = patient("RAS")
    with pytest.raises(ValueError, match="convention must be one of"):
        show_slices(volume, convention="radiologic")
    with pytest.raises(ValueError, match="needs the orientation"):
        show_slices(volume.image, convention="radiological")
    with pytest.raises(ValueError, match="needs the orientation"):
        SliceViewer(volume.image, convention="neurological")


# -- one plane -------------------------------------------------------------------------------------


def test_show_plane_draws_a_one_slice_volume_with_its_letters():
    image = np.zeros((64, 48, 1), np.float32)
    image[2:10, 2:10, 0] = 1.0  # LPS storage: low i is the patient's right, low j anterior
    one_slice = Volume(image, np.diag([-0.7, -0.7, 5.0, 1.0]))
    fig = drawn(show_plane(one_slice, convention="radiological"))
    (ax,) = fig.axes
    assert ax.get_title() == "axial  k = 0"
    assert letter_sides(ax) == {"R": "left", "L": "right", "A": "top", "P": "bottom"}
    assert screen_side(ax, (5, 5)) == ("left", "top")
    assert ax.get_aspect() == 1.0
    as_stored = drawn(show_plane(one_slice)).axes[0]
    assert screen_side(as_stored, (5, 5)) == ("left", "bottom")  # posterior up would be the other way round


def test_show_plane_takes_any_plane_and_slice():
    volume, marker = patient("RAS")
    fig = show_plane(volume, "coronal", 3, legend={1: "marker"})
    assert fig.axes[0].get_title() == "coronal  j = 3"
    assert show_plane(volume, 0).axes[0].get_title() == "sagittal  i = 10"
    assert [
        t.get_text() for t in show_plane(volume, "axial", marker[2], legend={1: "marker"}).legends[0].get_texts()
    ] == ["1 marker (red)"]
    with pytest.raises(ValueError, match="plane must be one of"):
        show_plane(volume, "transverse")
    with pytest.raises(ValueError, match=r"index\[1\]"):
        show_plane(volume, "coronal", 99)
