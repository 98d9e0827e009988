"""The exercise checks of notebooks 01-04: refuse an unfilled answer, accept the solution, explain wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils import Volume
from tutorial_utils.exercises import _feedback, nb01, nb02, nb03, nb04


def _volume(shape=(20, 18, 16), spacing=(1.0, 1.0, 1.0), axcode_x=1.0, seed=0):
    """A small volume with a blob of labels 1-3 in the middle and an off-centre world origin."""
    rng = np.random.default_rng(seed)
    affine = np.diag([axcode_x * spacing[0], spacing[1], spacing[2], 1.0])
    affine[:3, 3] = [-7.0 * axcode_x * spacing[0], -6.0 * spacing[1], -5.0 * spacing[2]]
    i, j, k = np.indices(shape)
    centre = (np.array(shape) - 1) / 2
    radius = np.sqrt(((i - centre[0]) / 6) ** 2 + ((j - centre[1]) / 5) ** 2 + ((k - centre[2]) / 4) ** 2)
    label = np.select([radius < 0.5, radius < 0.8, radius < 1.0], [3, 2, 1], 0).astype(np.uint8)
    image = (label * 60 + rng.normal(0, 5, shape)).astype(np.float32)
    return Volume(image, affine, label)


def run_check(capsys, check, *args, **kwargs):
    """Call an exercise check; return whether it printed "Correct" and everything it printed."""
    assert check(*args, **kwargs) is None
    printed = capsys.readouterr().out
    return "\nCorrect: " in "\n" + printed, printed


def _ct_like():
    """A tiny CT-like volume: air outside, a body, a lung (label 3) at -850 HU."""
    volume = _volume((16, 14, 12))
    image = np.full(volume.shape, -1000.0, np.float32)
    image[volume.label > 0] = 40.0
    image[volume.label == 3] = -850.0
    return volume.replace(image=image + np.random.default_rng(1).normal(0, 10, image.shape).astype(np.float32))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb01.check_exercise_1(..., v), "origin"),
        (lambda v: nb01.check_exercise_2(..., "left", v, v), "epi_left_on_screen"),
        (lambda v: nb01.check_exercise_2("left", ..., v, v), "mni_left_on_screen"),
        (lambda v: nb01.check_exercise_3(1.0, ..., v), "in_abdomen_window"),
        (lambda v: nb02.check_exercise_1(..., 0.0, v), "predicted_shape"),
        (lambda v: nb02.check_exercise_1((1, 2, 3), ..., v), "centre_shift_mm"),
        (lambda v: nb02.check_exercise_2(..., v), "out"),
        (lambda v: nb02.check_exercise_3(..., ..., v.image), "down_plain"),
        (lambda v: nb03.check_exercise_1(v.image, ..., v.image), "twice"),
        (lambda v: nb03.check_exercise_2(..., v), "augment"),
        (lambda v: nb03.check_exercise_2(lambda volume, rng=None: ..., v), "rng"),
        (lambda v: nb03.check_exercise_3(..., v), "m"),
        (lambda v: nb04.check_exercise_1(..., v), "brain"),
        (lambda v: nb04.check_exercise_2(v, ..., v), "scan_voxel"),
        (lambda v: nb04.check_exercise_3({"edge": ..., "reflect": v}, v), "padded"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name):
    with pytest.raises(NotImplementedError, match=rf"replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(_volume())


def test_feedback_helpers():
    assert _feedback.is_unfilled([1, ...]) and not _feedback.is_unfilled("...")
    assert _feedback.as_vector((1, 2), 3) is None
    assert _feedback.as_vector((1, np.nan, 3), 3) is None


# --- notebook 01 -----------------------------------------------------------------------------------------------


def test_nb01_exercise_1_accepts_the_inverse_affine_and_explains_typical_mistakes(capsys):
    volume = _volume()
    origin = np.round(np.linalg.inv(volume.affine) @ [0, 0, 0, 1])[:3]
    ok, out = run_check(capsys, nb01.check_exercise_1, tuple(int(v) for v in origin), volume)
    assert ok
    assert "Correct" in out
    ok, out = run_check(capsys, nb01.check_exercise_1, tuple(volume.affine[:3, 3]), volume)
    assert not ok
    assert "invert it" in out
    ok, out = run_check(capsys, nb01.check_exercise_1, (np.array(volume.shape) - 1) // 2, volume)
    assert not ok
    assert "centre of the grid" in out
    ok, out = run_check(capsys, nb01.check_exercise_1, (1, 2, 3), volume)
    assert not ok
    assert "np.linalg.inv" in out
    ok, out = run_check(capsys, nb01.check_exercise_1, "(7, 6, 5)", volume)
    assert not ok
    assert "three voxel indices" in out


def test_nb01_exercise_2_reads_the_first_orientation_code(capsys):
    las, ras = _volume(axcode_x=-1.0), _volume()
    ok, out = run_check(capsys, nb01.check_exercise_2, "right", "Left", las, ras)
    assert ok
    ok, out = run_check(capsys, nb01.check_exercise_2, "left", "left", las, ras)
    assert not ok
    out = out
    assert "epi is LAS" in out and "on the right" in out and "mni" not in out.split("Not yet")[1]
    ok, out = run_check(capsys, nb01.check_exercise_2, "up", "left", las, ras)
    assert not ok
    assert 'answer "left" or "right"' in out


def test_nb01_exercise_3_wants_fractions_of_the_lung_voxels(capsys):
    ct = _ct_like()
    ok, out = run_check(capsys, nb01.check_exercise_3, 1.0, 0.0, ct)
    assert ok
    assert "100% of the lung voxels" in out
    ok, out = run_check(capsys, nb01.check_exercise_3, 100, 0, ct)
    assert not ok
    assert "percentage" in out
    whole_image = float(np.mean((ct.image >= -160) & (ct.image <= 240)))
    ok, out = run_check(capsys, nb01.check_exercise_3, 1.0, whole_image, ct)
    assert not ok
    assert "only the lung voxels" in out
    ok, out = run_check(capsys, nb01.check_exercise_3, "all", 0.0, ct)
    assert not ok


# --- notebook 02 -----------------------------------------------------------------------------------------------


def test_nb02_exercise_1_accepts_the_rounded_shape_and_a_fixed_centre(capsys):
    ct = _volume((288, 224, 64), spacing=(1.25, 1.25, 2.5))
    ok, out = run_check(capsys, nb02.check_exercise_1, (240, 187, 107), 0.0, ct)
    assert ok
    ok, out = run_check(capsys, nb02.check_exercise_1, (240, 186, 106), 0.0, ct)
    assert not ok
    assert "truncates" in out
    ok, out = run_check(capsys, nb02.check_exercise_1, (346, 269, 38), 0.0, ct)
    assert not ok
    assert "fewer" in out
    ok, out = run_check(capsys, nb02.check_exercise_1, (240, 187, 107), 0.53, ct)
    assert not ok
    assert "(n - 1) / 2" in out
    ok, out = run_check(capsys, nb02.check_exercise_1, (240, 187), 0.0, ct)
    assert not ok
    assert "three integers" in out


def test_nb02_resampled_shape_matches_resample_to_spacing():
    volume = _volume((23, 18, 9), spacing=(1.25, 1.25, 2.5))
    assert nb02.resampled_shape(volume.shape, volume.spacing, 1.5) == tu.resample_to_spacing(volume, 1.5).shape


def test_nb02_exercise_2_wants_one_recorded_anisotropic_draw(capsys):
    volume = _volume()
    ok, out = run_check(
        capsys, nb02.check_exercise_2, tu.random_zoom(volume, scale_range=(0.9, 1.1), isotropic=False, rng=3), volume
    )
    assert ok
    assert "Correct" in out
    ok, out = run_check(capsys, nb02.check_exercise_2, tu.random_zoom(volume, scale_range=(0.9, 1.1), rng=3), volume)
    assert not ok
    assert "isotropic=False" in out
    ok, out = run_check(
        capsys, nb02.check_exercise_2, tu.random_zoom(volume, scale_range=(0.9, 1.1), isotropic=False, rng=4), volume
    )
    assert not ok
    assert "rng=3" in out
    ok, out = run_check(
        capsys, nb02.check_exercise_2, tu.random_zoom(volume, scale_range=(0.7, 1.3), isotropic=False, rng=3), volume
    )
    assert not ok
    assert "outside 0.9 .. 1.1" in out
    ok, out = run_check(capsys, nb02.check_exercise_2, volume.image, volume)
    assert not ok
    assert "tu.random_zoom" in out


def test_nb02_exercise_3_compares_with_the_block_average(capsys):
    slab = _volume((18, 15, 12)).image
    shape = (6, 5, 4)
    plain, smooth = tu.resize(slab, shape, antialias=False), tu.resize(slab, shape)
    ok, out = run_check(capsys, nb02.check_exercise_3, plain, smooth, slab)
    assert ok
    assert "RMS difference from the 3 mm block average" in out
    ok, out = run_check(capsys, nb02.check_exercise_3, smooth, plain, slab)
    assert not ok
    assert "swapped" in out
    ok, out = run_check(capsys, nb02.check_exercise_3, nb02.block_average(slab, 3), smooth, slab)
    assert not ok
    assert "not tu.resize(slab" in out
    ok, out = run_check(capsys, nb02.check_exercise_3, plain, tu.resize(slab, (5, 5, 4)), slab)
    assert not ok
    assert "shape (6, 5, 4)" in out


# --- notebook 03 -----------------------------------------------------------------------------------------------


def test_nb03_exercise_1_wants_an_exact_quarter_turn_and_two_interpolated_steps(capsys):
    square = _volume((16, 16, 6)).image
    once = tu.rotate(square, 90, axes=(0, 1))
    twice = tu.rotate(tu.rotate(square, 45, axes=(0, 1)), 45, axes=(0, 1))
    ok, out = run_check(capsys, nb03.check_exercise_1, once, twice, square, body_threshold=30)
    assert ok
    assert "RMS difference of two 45 degree steps" in out
    ok, out = run_check(capsys, nb03.check_exercise_1, tu.rotate(square, 90, axes=(1, 0)), twice, square)
    assert not ok
    assert "the other way" in out
    ok, out = run_check(capsys, nb03.check_exercise_1, once, once, square)
    assert not ok
    assert "then rotate that result" in out
    ok, out = run_check(capsys, nb03.check_exercise_1, tu.rotate(_volume().image, 90), twice, square)
    assert not ok
    assert "rotate the square" in out


def test_nb03_exercise_2_wants_one_generator_for_both_steps(capsys):
    volume = _volume((12, 10, 8))

    def augment(volume, rng=None):
        rng = np.random.default_rng(rng)
        return tu.random_affine(tu.random_flip(volume, rng=rng), rng=rng)

    def same_seed_twice(volume, rng=None):
        return tu.random_affine(tu.random_flip(volume, rng=rng), rng=rng)

    def unseeded(volume, rng=None):
        return tu.random_affine(tu.random_flip(volume, p=1.0))

    def affine_first(volume, rng=None):
        rng = np.random.default_rng(rng)
        return tu.random_flip(tu.random_affine(volume, rng=rng), rng=rng)

    ok, out = run_check(capsys, nb03.check_exercise_2, augment, volume)
    assert ok
    assert "(c) the same seed gives the same output: True" in out
    ok, out = run_check(capsys, nb03.check_exercise_2, same_seed_twice, volume)
    assert not ok
    assert "one generator" in out
    ok, out = run_check(capsys, nb03.check_exercise_2, unseeded, volume)
    assert not ok
    assert "pass rng to both steps" in out
    ok, out = run_check(capsys, nb03.check_exercise_2, affine_first, volume)
    assert not ok
    assert "['flip', 'affine'] in that order" in out
    ok, out = run_check(capsys, nb03.check_exercise_2, lambda volume, rng=None: volume.image, volume)
    assert not ok
    assert "return the augmented Volume" in out


def test_nb03_exercise_3_wants_the_output_to_input_matrix_about_the_centre(capsys):
    volume = _volume(spacing=(2.0, 2.0, 2.2))
    ok, out = run_check(
        capsys, nb03.check_exercise_3, tu.affine_matrix(volume.shape, scale=1.2, spacing=volume.spacing), volume
    )
    assert ok
    ok, out = run_check(capsys, nb03.check_exercise_3, np.diag([1.2, 1.2, 1.2, 1.0]), volume)
    assert not ok
    out = out
    assert "shrinks the anatomy" in out and "about voxel (0, 0, 0)" in out
    ok, out = run_check(capsys, nb03.check_exercise_3, np.diag([1 / 1.2, 1 / 1.2, 1 / 1.2, 1.0]), volume)
    assert not ok
    assert "the centre moves" in out
    ok, out = run_check(capsys, nb03.check_exercise_3, np.eye(3), volume)
    assert not ok
    assert "4 x 4" in out


# --- notebook 04 -----------------------------------------------------------------------------------------------


def test_nb04_exercise_1_wants_the_box_with_its_margin_as_a_volume(capsys):
    volume = _volume((30, 28, 26))
    start, size = tu.foreground_bbox(volume.label > 0, margin=4)
    ok, out = run_check(capsys, nb04.check_exercise_1, tu.crop_volume(volume, start, size), volume)
    assert ok
    assert "of the voxels" in out
    ok, out = run_check(
        capsys, nb04.check_exercise_1, tu.crop_volume(volume, *tu.foreground_bbox(volume.label > 0)), volume
    )
    assert not ok
    assert "margin=4" in out
    ok, out = run_check(capsys, nb04.check_exercise_1, tu.crop(volume.image, start, size), volume)
    assert not ok
    assert "must be a Volume" in out
    moved = tu.crop_volume(volume, start, size).replace(affine=volume.affine)
    ok, out = run_check(capsys, nb04.check_exercise_1, moved, volume)
    assert not ok
    assert "use tu.crop_volume" in out


def test_nb04_exercise_2_wants_start_plus_the_patch_index(capsys):
    volume = _volume((40, 38, 36))
    patch = tu.random_crop(volume, 32, rng=5)
    start = np.array(patch.history[-1].params["start"])
    ok, out = run_check(capsys, nb04.check_exercise_2, patch, start + (3, 4, 5), volume)
    assert ok
    ok, out = run_check(capsys, nb04.check_exercise_2, patch, (3, 4, 5), volume)
    assert not ok
    assert "start + (3, 4, 5)" in out
    ok, out = run_check(capsys, nb04.check_exercise_2, patch, start + (4, 4, 5), volume)
    assert not ok
    assert "world coordinates differ" in out
    ok, out = run_check(capsys, nb04.check_exercise_2, tu.center_crop_volume(volume, 32), start + (3, 4, 5), volume)
    assert not ok
    assert "tu.random_crop" in out


def test_nb04_exercise_3_wants_edge_and_reflect_padding(capsys):
    ct = _ct_like()
    padded = {mode: tu.pad_volume(ct, (16, 14, 20), mode=mode) for mode in ("edge", "reflect")}
    ok, out = run_check(capsys, nb04.check_exercise_3, padded, ct, depth=20)
    assert ok
    assert "label values [0]" in out
    constant = {mode: tu.pad_volume(ct, (16, 14, 20)) for mode in ("edge", "reflect")}
    ok, out = run_check(capsys, nb04.check_exercise_3, constant, ct, depth=20)
    assert not ok
    assert 'pass mode="edge"' in out
    swapped = {"edge": padded["reflect"], "reflect": padded["edge"]}
    ok, out = run_check(capsys, nb04.check_exercise_3, swapped, ct, depth=20)
    assert not ok
    assert "repeat the last slice" in out
    ok, out = run_check(capsys, nb04.check_exercise_3, [padded["edge"]], ct, depth=20)
    assert not ok
    assert 'keys "edge" and "reflect"' in out


def test_the_checks_do_not_modify_their_inputs():
    volume = _volume()
    image = volume.image.copy()
    volume.image.setflags(write=False)
    nb03.check_exercise_1(tu.rotate(volume.image[:, :18], 90), volume.image[:, :18], volume.image[:, :18])
    nb04.check_exercise_1(volume, volume)
    assert np.array_equal(volume.image, image)
