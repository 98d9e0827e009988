"""The exercise checks of notebook 02: a predicted grid checked on unseen volumes, a recorded zoom, anti-aliasing."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

import tutorial_utils as tu
from blobs import blob_volume
from tutorial_utils.exercises import nb02


@pytest.fixture(scope="module")
def ct():
    """A stand-in with the CT phantom's spacing and an odd, anisotropic shape."""
    return blob_volume((29, 22, 13), spacing=(1.25, 1.25, 2.5))


def predict_grid(volume, new_spacing):
    """The solution of exercise 1."""
    spacing = np.asarray(volume.spacing)
    shape = tuple(int(np.floor(n * s / new_spacing + 0.5)) for n, s in zip(volume.shape, spacing))
    affine = volume.affine.copy()
    affine[:3, :3] = volume.affine[:3, :3] * (new_spacing / spacing)
    old_centre = volume.affine @ [*((np.array(volume.shape) - 1) / 2), 1]
    affine[:3, 3] = old_centre[:3] - affine[:3, :3] @ ((np.array(shape) - 1) / 2)
    return shape, affine


def _with_affine(make_affine):
    """predict_grid with the right shape and another affine."""
    return lambda volume, s: (predict_grid(volume, s)[0], make_affine(volume, s))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v: nb02.check_exercise_1(..., v), "predict_grid"),
        (lambda v: nb02.check_exercise_1(lambda volume, s: (..., np.eye(4)), v), "shape"),
        (lambda v: nb02.check_exercise_1(lambda volume, s: ((1, 2, 3), ...), v), "affine"),
        (lambda v: nb02.check_exercise_2(..., v), "out"),
        (lambda v: nb02.check_exercise_3(..., ..., v.image), "down_plain"),
        (lambda v: nb02.check_exercise_3(v.image, ..., v.image), "down_antialiased"),
    ],
)
def test_an_unfilled_answer_raises_not_implemented_naming_what_to_fill(call, name):
    with pytest.raises(NotImplementedError, match=rf"replace the \.\.\. in `{name} = \.\.\.`.*Hint: "):
        call(blob_volume())


# --- exercise 1: predict_grid -----------------------------------------------------------------------------------


def test_exercise_1_reference_is_the_grid_resample_to_spacing_makes(ct):
    cases = nb02.grid_cases(ct)
    assert any("oblique" in d for d, *_ in cases)
    for _, volume, new_spacing in cases:
        resampled = tu.resample_to_spacing(volume, new_spacing)
        shape, affine = nb02.resampled_grid(volume, new_spacing)
        assert shape == resampled.shape and np.allclose(affine, resampled.affine)
        centre = lambda v: v.affine @ [*((np.array(v.shape) - 1) / 2), 1]  # noqa: E731
        assert np.allclose(centre(resampled), centre(volume))


def test_exercise_1_accepts_the_computed_grid(run_check, ct):
    ok, printed = run_check(nb02.check_exercise_1, predict_grid, ct)
    assert ok, printed


def _translated(volume, s, centre_index):
    shape, affine = predict_grid(volume, s)
    old = volume.affine @ [*centre_index(volume.shape), 1]
    affine[:3, 3] = old[:3] - affine[:3, :3] @ centre_index(shape)
    return affine


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        # the old exercise's typed-in answer: the CT's shape and affine, right for one volume only
        (
            lambda v, s: (
                (predict_grid(v, 1.5)[0], predict_grid(v, 1.5)[1])
                if v.shape == (29, 22, 13)
                else ((1, 1, 1), np.eye(4))
            ),
            "the shape is off",
        ),
        (lambda v, s: (tuple(int(n * sp / s) for n, sp in zip(v.shape, v.spacing)), np.eye(4)), "truncates"),
        (
            lambda v, s: (tuple(int(np.floor(n * s / sp + 0.5)) for n, sp in zip(v.shape, v.spacing)), np.eye(4)),
            "fewer",
        ),
        (lambda v, s: (tuple(float(n) for n in predict_grid(v, s)[0]), np.eye(4)), "three ints"),
        (_with_affine(lambda v, s: v.affine), "the first three columns are the old ones"),
        (_with_affine(lambda v, s: v.affine @ np.diag([*(np.asarray(v.spacing) / s), 1.0])), "the columns shrank"),
        (_with_affine(lambda v, s: np.diag([*(s / np.asarray(v.spacing)), 1.0]) @ v.affine), "the rows were scaled"),
        (_with_affine(lambda v, s: v.affine @ np.diag([*(s / np.asarray(v.spacing)), 1.0])), "kept its world position"),
        (_with_affine(lambda v, s: _translated(v, s, lambda n: np.asarray(n) / 2)), "not n / 2"),
        (_with_affine(lambda v, s: np.eye(3)), "4 x 4"),
        (lambda v, s: tu.resample_to_spacing(v, s), "the pair (shape, affine)"),
        (lambda v, s: np.asarray(v.spacing) / s, "the pair (shape, affine)"),
    ],
)
def test_exercise_1_rejects_wrong_grids_saying_why(run_check, ct, answer, message):
    ok, printed = run_check(nb02.check_exercise_1, answer, ct)
    assert not ok
    assert message in printed


def test_exercise_1_calls_the_function_on_unseen_volumes(run_check, ct):
    seen = []

    def spy(volume, new_spacing):
        seen.append((volume.shape, new_spacing))
        return predict_grid(volume, new_spacing)

    run_check(nb02.check_exercise_1, spy, ct)
    assert seen[0] == (ct.shape, 1.5) and len({shape for shape, _ in seen}) >= 4


# --- exercise 2: random_zoom ------------------------------------------------------------------------------------


def test_exercise_2_wants_one_recorded_anisotropic_draw(run_check):
    volume = blob_volume()
    zoom = lambda **kw: tu.random_zoom(volume, **{"scale_range": (0.9, 1.1), "isotropic": False, "rng": 3, **kw})  # noqa: E731
    ok, printed = run_check(nb02.check_exercise_2, zoom(), volume)
    assert ok, printed
    ok, printed = run_check(nb02.check_exercise_2, zoom(isotropic=True), volume)
    assert not ok and "isotropic=False" in printed
    ok, printed = run_check(nb02.check_exercise_2, zoom(rng=4), volume)
    assert not ok and "rng=3" in printed
    ok, printed = run_check(nb02.check_exercise_2, zoom(scale_range=(0.7, 1.3)), volume)
    assert not ok and "outside 0.9 .. 1.1" in printed
    ok, printed = run_check(nb02.check_exercise_2, volume.image, volume)
    assert not ok and "tu.random_zoom" in printed
    ok, printed = run_check(nb02.check_exercise_2, zoom(), blob_volume(seed=1))
    assert not ok and "replaying out.history" in printed


# --- exercise 3: anti-aliasing ----------------------------------------------------------------------------------


def test_exercise_3_compares_with_the_block_average(run_check):
    slab = blob_volume((18, 15, 12)).image
    shape = (6, 5, 4)
    plain, smooth = tu.resize(slab, shape, antialias=False), tu.resize(slab, shape)
    ok, printed = run_check(nb02.check_exercise_3, plain, smooth, slab)
    assert ok and "RMS difference from the 3 mm block average" in printed
    ok, printed = run_check(nb02.check_exercise_3, smooth, plain, slab)
    assert not ok and "swapped" in printed
    ok, printed = run_check(nb02.check_exercise_3, nb02.block_average(slab, 3), smooth, slab)
    assert not ok and "not tu.resize(slab" in printed
    ok, printed = run_check(nb02.check_exercise_3, plain, tu.resize(slab, (5, 5, 4)), slab)
    assert not ok and "shape (6, 5, 4)" in printed
    blurred_more = tu.resize(ndimage.gaussian_filter(slab, 2.0), shape, antialias=False)
    ok, printed = run_check(nb02.check_exercise_3, plain, blurred_more, slab)
    assert not ok and "antialias=True: not tu.resize" in printed


def test_block_average_is_the_mean_of_each_block():
    array = np.arange(6 * 4 * 2, dtype=float).reshape(6, 4, 2)
    assert np.allclose(nb02.block_average(array, 2)[1, 0, 0], array[2:4, 0:2, 0:2].mean())
