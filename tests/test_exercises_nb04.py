"""The exercise checks of notebook 04: a brain box with its margin, where a patch voxel lies, edge and reflect padding."""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from blobs import blob_volume
from tutorial_utils.exercises import nb04


def _ct_like():
    """A tiny CT-like volume: air outside, a body, a lung (label 3) at -850 HU."""
    volume = blob_volume((16, 14, 12))
    image = np.full(volume.shape, -1000.0, np.float32)
    image[volume.label > 0] = 40.0
    image[volume.label == 3] = -850.0
    return volume.replace(image=image + np.random.default_rng(1).normal(0, 10, image.shape).astype(np.float32))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb04.check_exercise_1(..., v), "brain"),
        (lambda v: nb04.check_exercise_2(..., (1, 2, 3), v), "patch"),
        (lambda v: nb04.check_exercise_2(v, ..., v), "scan_voxel"),
        (lambda v: nb04.check_exercise_3({"edge": ..., "reflect": v}, v), "padded"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name):
    with pytest.raises(NotImplementedError, match=rf"replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(blob_volume())


def test_exercise_1_wants_the_box_with_its_margin_as_a_volume(run_check):
    volume = blob_volume((30, 28, 26))
    start, size = tu.foreground_bbox(volume.label > 0, margin=4)
    ok, printed = run_check(nb04.check_exercise_1, tu.crop_volume(volume, start, size), volume)
    assert ok and "of the voxels" in printed
    tight = tu.crop_volume(volume, *tu.foreground_bbox(volume.label > 0))
    ok, printed = run_check(nb04.check_exercise_1, tight, volume)
    assert not ok and "margin=4" in printed
    ok, printed = run_check(nb04.check_exercise_1, tu.crop(volume.image, start, size), volume)
    assert not ok and "must be a Volume" in printed
    moved = tu.crop_volume(volume, start, size).replace(affine=volume.affine)
    ok, printed = run_check(nb04.check_exercise_1, moved, volume)
    assert not ok and "use tu.crop_volume" in printed
    wider = tu.crop_volume(volume, *tu.foreground_bbox(volume.label > 0, margin=6))
    ok, printed = run_check(nb04.check_exercise_1, wider, volume)
    assert not ok and "is not that of the box" in printed
    assert str(tuple(size)) not in printed  # never the expected shape


def test_exercise_2_wants_start_plus_the_patch_index(run_check):
    volume = blob_volume((40, 38, 36))
    patch = tu.random_crop(volume, 32, rng=5)
    start = np.array(patch.history[-1].params["start"])
    ok, printed = run_check(nb04.check_exercise_2, patch, start + (3, 4, 5), volume)
    assert ok, printed
    ok, printed = run_check(nb04.check_exercise_2, patch, (3, 4, 5), volume)
    assert not ok and "start + (3, 4, 5)" in printed
    ok, printed = run_check(nb04.check_exercise_2, patch, start + (4, 4, 5), volume)
    assert not ok and "world coordinates differ" in printed
    ok, printed = run_check(nb04.check_exercise_2, tu.center_crop_volume(volume, 32), start + (3, 4, 5), volume)
    assert not ok and "tu.random_crop" in printed
    ok, printed = run_check(nb04.check_exercise_2, tu.random_crop(volume, 30, rng=5), (3, 4, 5), volume)
    assert not ok and "32 x 32 x 32" in printed
    ok, printed = run_check(nb04.check_exercise_2, patch, "start + (3, 4, 5)", volume)
    assert not ok and "three voxel indices" in printed


def test_exercise_3_wants_edge_and_reflect_padding(run_check):
    ct = _ct_like()
    padded = {mode: tu.pad_volume(ct, (16, 14, 20), mode=mode) for mode in ("edge", "reflect")}
    ok, printed = run_check(nb04.check_exercise_3, padded, ct, depth=20)
    assert ok and "label values [0]" in printed
    constant = {mode: tu.pad_volume(ct, (16, 14, 20)) for mode in ("edge", "reflect")}
    ok, printed = run_check(nb04.check_exercise_3, constant, ct, depth=20)
    assert not ok and 'pass mode="edge"' in printed
    swapped = {"edge": padded["reflect"], "reflect": padded["edge"]}
    ok, printed = run_check(nb04.check_exercise_3, swapped, ct, depth=20)
    assert not ok and "repeat the last slice" in printed
    ok, printed = run_check(nb04.check_exercise_3, [padded["edge"]], ct, depth=20)
    assert not ok and 'keys "edge" and "reflect"' in printed
    short = {mode: tu.pad_volume(ct, (16, 14, 18), mode=mode) for mode in ("edge", "reflect")}
    ok, printed = run_check(nb04.check_exercise_3, short, ct, depth=20)
    assert not ok and "expected a Volume of shape" in printed


def test_the_checks_do_not_modify_their_inputs():
    volume = blob_volume()
    image = volume.image.copy()
    volume.image.setflags(write=False)
    nb04.check_exercise_1(volume, volume)
    nb04.check_exercise_2(tu.random_crop(volume, 8, rng=0), (1, 2, 3), volume)
    assert np.array_equal(volume.image, image)
