"""Elastic deformation: fields, warp, statistics, the Volume augmentation, plots and the naive blog code."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

import tutorial_utils as tu
from tutorial_utils import _threads
from tutorial_utils.display.elastic_plots import (
    grid_label,
    show_deformation_grid,
    show_displacement_magnitude,
    show_jacobian,
)
from tutorial_utils.elastic import stats as elastic_stats
from tutorial_utils.elastic.field import bspline_field, draw_control_displacements
from tutorial_utils.naive.elastic import blog_displacement_field, elastic_transform_3d


def lengths(field, spacing=(1.0, 1.0, 1.0)):
    scaled = field.astype(np.float64) * np.reshape(spacing, (3, 1, 1, 1))
    return np.sqrt((scaled**2).sum(axis=0))


def brute_force_jacobian(field):
    """det(I + grad u) at every voxel with numpy's gradient and linalg.det (float64)."""
    grads = [np.gradient(component.astype(np.float64)) for component in field]
    jac = np.empty((*field.shape[1:], 3, 3))
    for c in range(3):
        for a in range(3):
            jac[..., c, a] = grads[c][a] + (c == a)
    return np.linalg.det(jac)


def scipy_warp(array, field, order, cval=0.0):
    """The reference: scipy on the whole volume, with our float32 sampling positions."""
    coords = field.astype(np.float32) + np.indices(field.shape[1:], dtype=np.float32)
    return ndimage.map_coordinates(array, coords, order=order, cval=cval)


@pytest.fixture
def cube():
    """A 2 mm volume: a bright labelled box with an inner box, in a zero background."""
    label = np.zeros((36, 32, 28), np.uint8)
    label[8:28, 6:26, 6:22] = 1
    label[14:22, 12:20, 10:18] = 4
    image = np.where(label > 0, 50.0 + 20.0 * label, 0.0).astype(np.float32)
    return tu.Volume(image, np.diag([2.0, 2.0, 2.0, 1.0]), label)


# ----------------------------------------------------------------- random field


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(*[st.integers(2, 24)] * 3),
    num_control_points=st.integers(4, 9),
    max_displacement=st.floats(0.0, 30.0),
    spacing=st.tuples(*[st.floats(0.5, 3.0)] * 3),
    seed=st.integers(0, 2**32),
)
def test_field_never_exceeds_max_displacement_and_is_zero_on_the_faces(
    shape, num_control_points, max_displacement, spacing, seed
):
    field = tu.random_displacement_field(
        shape,
        num_control_points=num_control_points,
        max_displacement=max_displacement,
        spacing=spacing,
        rng=seed,
    )
    assert field.shape == (3, *shape) and field.dtype == np.float32
    assert lengths(field, spacing).max() <= max_displacement * (1 + 1e-5) + 1e-6
    for axis in range(3):
        assert not np.take(field, [0, -1], axis=axis + 1).any()


def test_border_control_points_are_locked_and_inner_ones_move():
    control = draw_control_displacements(6, 5.0, (1.0, 2.0, 0.5), np.random.default_rng(1))
    inner = control[:, 1:-1, 1:-1, 1:-1]
    assert np.count_nonzero(control) == np.count_nonzero(inner) == inner.size
    mm = np.sqrt(((control * np.reshape([1.0, 2.0, 0.5], (3, 1, 1, 1))) ** 2).sum(axis=0))
    assert 0 < mm.max() <= 5.0


def test_max_displacement_is_in_mm_when_spacing_is_given():
    in_voxels = tu.random_displacement_field((20, 20, 20), max_displacement=4.0, rng=3)
    in_mm = tu.random_displacement_field((20, 20, 20), max_displacement=4.0, spacing=2.0, rng=3)
    np.testing.assert_allclose(in_mm, in_voxels / 2, rtol=1e-6, atol=1e-6)


def test_same_seed_same_field_and_different_seed_different_field():
    a = tu.random_displacement_field((12, 14, 16), rng=5)
    assert np.array_equal(a, tu.random_displacement_field((12, 14, 16), rng=5))
    assert not np.array_equal(a, tu.random_displacement_field((12, 14, 16), rng=6))


def test_bspline_field_rows_match_the_dense_field():
    field = bspline_field((17, 9, 11), 5, 3.0, (1.0, 1.0, 1.0), 0)
    dense = field.dense()
    assert np.array_equal(field.rows(4, 9), dense[:, 4:9])
    assert all(abs(dense[axis]).max() <= bound for axis, bound in enumerate(field.max_abs))


# ----------------------------------------------------------------- Gaussian field


def test_blog_default_gaussian_field_is_reported_as_near_zero():
    field = tu.gaussian_displacement_field((48, 48, 48), alpha=4, sigma=35, rng=0)
    stats = tu.displacement_stats(field)
    assert stats["max_displacement"] < 0.01
    assert stats["mean_displacement"] < 0.005


def test_gaussian_field_strength_follows_the_documented_formula():
    alpha, sigma = 400.0, 3.0
    field = tu.gaussian_displacement_field((70, 70, 70), alpha=alpha, sigma=sigma, rng=0)
    interior = field[:, 15:-15, 15:-15, 15:-15]
    expected = alpha * np.sqrt(1 / 3) / (2 * np.sqrt(np.pi) * sigma) ** 1.5
    assert np.sqrt(np.mean(interior**2)) == pytest.approx(expected, rel=0.1)


def test_coarse_gaussian_field_has_the_strength_of_full_resolution_smoothing():
    """sigma >= 8 runs on a coarser grid: averaged over draws, its variance is the full-resolution one.

    The mean is zero, so the variance is the mean square (a region's own
    variance would miss the slow part of the field).
    """
    alpha, sigma = 1000.0, 10.0
    expected = alpha * np.sqrt(1 / 3) / (2 * np.sqrt(np.pi) * sigma) ** 1.5
    centre = (slice(None), slice(22, 42), slice(22, 42), slice(22, 42))
    variance = np.mean(
        [
            np.mean(tu.gaussian_displacement_field((64, 64, 64), alpha, sigma, rng=seed)[centre] ** 2)
            for seed in range(24)
        ]
    )
    assert np.sqrt(variance) == pytest.approx(expected, rel=0.1)
    reference = np.mean(
        [np.mean(blog_displacement_field((64, 64, 64), alpha, sigma, rng=seed)[centre] ** 2) for seed in range(3)]
    )
    assert np.sqrt(reference) == pytest.approx(expected, rel=0.25)


def test_gaussian_field_same_seed_same_field():
    a = tu.gaussian_displacement_field((20, 20, 20), 100, 10, rng=2)
    assert a.dtype == np.float32
    assert np.array_equal(a, tu.gaussian_displacement_field((20, 20, 20), 100, 10, rng=2))


# ----------------------------------------------------------------- warp


def test_zero_displacement_is_the_identity(cube):
    zero = np.zeros((3, *cube.shape), np.float32)
    assert np.array_equal(tu.warp(cube.image, zero), cube.image)
    assert np.array_equal(tu.warp(cube.label, zero, order=0), cube.label)
    out = tu.random_elastic(cube, max_displacement=0.0, rng=0)
    assert np.array_equal(out.image, cube.image) and np.array_equal(out.label, cube.label)
    assert np.array_equal(tu.elastic_transform(cube.image, max_displacement=0.0, rng=0), cube.image)


@pytest.mark.parametrize("order", [0, 1, 3])
def test_warp_matches_scipy_map_coordinates(order):
    rng = np.random.default_rng(0)
    image = ndimage.gaussian_filter(rng.random((30, 26, 22)), 2).astype(np.float32)
    image[:, :, :6] = 0
    field = tu.random_displacement_field(image.shape, num_control_points=5, max_displacement=4.0, rng=1)
    np.testing.assert_allclose(tu.warp(image, field, order=order), scipy_warp(image, field, order), atol=1e-5)


@pytest.mark.parametrize("shift", [0.0, 0.5, 1.5, -2.5])
def test_nearest_neighbour_warp_matches_scipy_inside_and_outside_the_grid(shift):
    """Order 0 uses a table lookup while every sample is inside the grid, scipy otherwise: same result."""
    label = np.random.default_rng(0).integers(0, 5, (70, 90, 100)).astype(np.uint8)
    field = tu.random_displacement_field(label.shape, max_displacement=6.0, rng=1)
    field[1] += np.float32(shift)
    np.testing.assert_array_equal(tu.warp(label, field, order=0), scipy_warp(label, field, 0))


def test_warp_skips_only_true_background():
    """Mostly-zero input, large shifts, cval differing from the background: still scipy's result."""
    image = np.zeros((40, 40, 40), np.float32)
    image[18:22, 5:9, 30:33] = 7.0
    field = np.zeros((3, 40, 40, 40), np.float32)
    field[0], field[1], field[2] = 9.5, -12.25, 3.0
    for cval in (0.0, -1.0):
        np.testing.assert_array_equal(tu.warp(image, field, cval=cval), scipy_warp(image, field, 1, cval))
    assert tu.warp(image, field).max() == pytest.approx(7.0)
    small = np.zeros((8, 6, 6), np.float32)
    small[7, 2:4, 2:4] = 5.0
    far = np.zeros((3, 8, 6, 6), np.float32)
    far[0] = 6.5
    assert tu.warp(small, far)[0, 2, 2] == 2.5
    np.testing.assert_array_equal(tu.warp(small, far), scipy_warp(small, far, 1))


def test_warp_of_a_translation_moves_content():
    image = np.zeros((10, 10, 10), np.float32)
    image[5, 5, 5] = 1.0
    field = np.zeros((3, 10, 10, 10), np.float32)
    field[1] = 2.0
    out = tu.warp(image, field)
    assert out[5, 3, 5] == 1.0 and out.sum() == 1.0


def test_warp_keeps_integer_dtype_for_order_0_and_float32_otherwise(cube):
    field = tu.random_displacement_field(cube.shape, max_displacement=3.0, rng=0)
    label16 = cube.label.astype(np.int16)
    assert tu.warp(label16, field, order=0).dtype == np.int16
    assert tu.warp(label16, field, order=1).dtype == np.float32
    assert tu.warp(cube.image.astype(np.float64), field).dtype == np.float32


def test_inputs_are_not_modified_and_read_only_inputs_work(cube):
    field = tu.random_displacement_field(cube.shape, max_displacement=3.0, rng=0)
    image, field_copy = cube.image.copy(), field.copy()
    image.flags.writeable = False
    field.flags.writeable = False
    tu.warp(image, field)
    tu.elastic_transform(image, rng=0)
    assert np.array_equal(image, cube.image) and np.array_equal(field, field_copy)


# ----------------------------------------------------------------- random_elastic


def test_random_elastic_keeps_grid_and_dtypes_and_adds_no_label_values(cube):
    out = tu.random_elastic(cube, num_control_points=5, max_displacement=12.0, rng=0)
    assert out.shape == cube.shape and np.array_equal(out.affine, cube.affine)
    assert out.image.dtype == np.float32 and out.label.dtype == cube.label.dtype
    assert set(np.unique(out.label)) <= set(np.unique(cube.label))
    assert not np.array_equal(out.label, cube.label)


def test_random_elastic_moves_image_and_label_with_the_same_field(cube):
    out = tu.random_elastic(cube, max_displacement=10.0, rng=3)
    params = out.history[-1].params
    field = bspline_field(
        cube.shape, params["num_control_points"], params["max_displacement"], cube.spacing, params["seed"]
    ).dense()
    assert np.array_equal(tu.warp(cube.label.astype(np.int16), field, order=0), out.label)
    np.testing.assert_allclose(out.image, scipy_warp(cube.image, field, 1), atol=1e-4)


def test_random_elastic_same_seed_same_output_and_replay(cube):
    a = tu.random_elastic(cube, max_displacement=8.0, rng=11)
    b = tu.random_elastic(cube, max_displacement=8.0, rng=11)
    assert np.array_equal(a.image, b.image) and np.array_equal(a.label, b.label)
    assert a.history == b.history
    replayed = tu.replay(cube, a.history)
    assert np.array_equal(replayed.image, a.image) and np.array_equal(replayed.label, a.label)
    assert replayed.history == a.history
    assert not np.array_equal(tu.random_elastic(cube, max_displacement=8.0, rng=12).image, a.image)


def test_random_elastic_records_the_draw_in_params_and_the_field_statistics_in_measured(cube):
    out = tu.random_elastic(cube, num_control_points=6, max_displacement=9.0, rng=4)
    record = out.history[-1]
    assert record.name == "elastic"
    assert list(record.params) == ["seed", "num_control_points", "max_displacement"]
    assert isinstance(record.params["seed"], int) and record.params["num_control_points"] == 6
    measured = record.measured
    assert all(isinstance(v, float) for v in measured.values())
    field = bspline_field(cube.shape, 6, 9.0, cube.spacing, record.params["seed"]).dense()
    stats = tu.displacement_stats(field, cube.spacing)
    assert measured["field_mean_mm"] == pytest.approx(stats["mean_displacement_mm"], rel=1e-3)
    assert measured["field_max_mm"] == pytest.approx(stats["max_displacement_mm"], rel=1e-3)
    assert measured["field_min_jacobian"] == pytest.approx(stats["min_jacobian"], rel=1e-3)
    assert measured["field_folding_fraction"] == stats["folding_fraction"] == 0.0
    assert 0 < measured["field_max_mm"] <= 9.0


def test_random_elastic_warns_when_the_field_folds_at_the_callers_line(cube):
    with pytest.warns(tu.FoldingWarning, match="folds") as caught:
        out = tu.random_elastic(cube, num_control_points=12, max_displacement=40.0, rng=0)
    assert out.history[-1].measured["field_folding_fraction"] > 0
    assert all(w.filename == __file__ for w in caught)


def test_elastic_volume_is_the_recorded_step_of_random_elastic(cube):
    drawn = tu.random_elastic(cube, num_control_points=5, max_displacement=6.0, rng=7)
    direct = tu.elastic_volume(cube, **drawn.history[-1].params)
    assert np.array_equal(direct.image, drawn.image) and np.array_equal(direct.label, drawn.label)
    assert direct.history == drawn.history
    assert tu.elastic_volume(cube, seed=5).history[-1].params == {
        "seed": 5,
        "num_control_points": 7,
        "max_displacement": 8.0,
    }


def test_elastic_volume_moves_a_second_scan_on_the_same_grid_the_same_way(cube):
    other = cube.replace(image=cube.image * 2.0 + 1.0)
    a = tu.elastic_volume(cube, seed=3, max_displacement=6.0)
    b = tu.elastic_volume(other, seed=3, max_displacement=6.0)
    assert np.array_equal(a.label, b.label)
    np.testing.assert_allclose(b.image, a.image * 2.0 + 1.0, rtol=1e-5, atol=1e-4)


def test_measurements_survive_json_and_replay_ignores_them(cube):
    out = tu.random_elastic(cube, max_displacement=5.0, rng=2)
    records = tu.records_from_json(tu.records_to_json(out.history))
    assert records == out.history
    assert np.array_equal(tu.replay(cube, records).image, out.image)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"seed": 0, "num_control_points": 2, "max_displacement": 8.0}, ValueError, "num_control_points"),
        ({"seed": 0, "num_control_points": 5.0, "max_displacement": 8.0}, TypeError, "num_control_points"),
        ({"seed": 0, "num_control_points": 7, "max_displacement": -1.0}, ValueError, "max_displacement"),
        ({"seed": 0, "num_control_points": 7, "max_displacement": float("inf")}, ValueError, "max_displacement"),
        ({"seed": 0, "num_control_points": 7, "max_displacement": "8"}, TypeError, "max_displacement"),
        ({"seed": -1, "num_control_points": 7, "max_displacement": 8.0}, ValueError, "seed"),
        ({"seed": 1.5, "num_control_points": 7, "max_displacement": 8.0}, TypeError, "seed"),
        ({"seed": True, "num_control_points": 7, "max_displacement": 8.0}, TypeError, "seed"),
        ({"seed": 0, "num_control_points": 7, "max_displacement": 8.0, "field_max_mm": 1.0}, TypeError, "field_max_mm"),
    ],
)
def test_tampered_elastic_record_raises_on_replay_as_a_direct_call_does(cube, params, error, match):
    with pytest.raises(error, match=match):
        tu.replay(cube, [tu.TransformRecord("elastic", params)])
    with pytest.raises(error, match=match):
        tu.elastic_volume(cube, **params)


def test_random_elastic_works_without_a_label():
    vol = tu.Volume(np.random.default_rng(0).random((16, 18, 20)), np.eye(4))
    out = tu.random_elastic(vol, max_displacement=2.0, rng=0)
    assert out.label is None and out.image.shape == vol.shape


def test_multithreaded_chunks_give_the_single_threaded_result():
    bounds = elastic_stats.chunk_bounds(96, 96 * 64)
    data = np.random.default_rng(0).random((96, 96, 64))

    def work(start, stop, scratch):
        buffer = scratch.get("rows", (stop - start, 96, 64), np.float64)
        np.multiply(data[start:stop], 2.0, out=buffer)
        return float(buffer.sum())

    def run(threads):
        return _threads.run_chunks(bounds, work, data.size, make_state=elastic_stats.Scratch, threads=threads)

    assert len(bounds) > 2 and run(2) == run(1)


def test_large_volume_uses_threads_and_matches_scipy():
    label = np.zeros((96, 90, 70), np.uint8)
    label[20:70, 15:75, 10:60] = 2
    vol = tu.Volume(label * 10.0, np.eye(4), label)
    threaded = tu.random_elastic(vol, max_displacement=8.0, rng=1)
    params = threaded.history[-1].params
    field = bspline_field(vol.shape, 7, 8.0, vol.spacing, params["seed"]).dense()
    assert np.array_equal(threaded.label, scipy_warp(vol.label, field, 0))
    tu.set_num_threads(1)
    try:
        single = tu.random_elastic(vol, max_displacement=8.0, rng=1)
    finally:
        tu.set_num_threads(None)
    assert np.array_equal(single.image, threaded.image) and single.history == threaded.history


# ----------------------------------------------------------------- statistics


def test_stats_of_a_pure_translation():
    field = np.zeros((3, 6, 7, 8), np.float32)
    field[0], field[1], field[2] = 3.0, 0.0, 4.0
    stats = tu.displacement_stats(field, spacing=(2.0, 1.0, 0.5))
    assert stats["mean_displacement"] == pytest.approx(5.0)
    assert stats["max_displacement"] == pytest.approx(5.0)
    assert stats["mean_displacement_mm"] == pytest.approx(np.hypot(6.0, 2.0))
    assert stats["min_jacobian"] == pytest.approx(1.0)
    assert stats["folding_fraction"] == 0.0


def test_stats_of_a_linear_field_give_the_known_determinant():
    a = np.array([[0.1, 0.2, 0.0], [0.0, -0.3, 0.05], [0.02, 0.0, 0.15]])
    x = np.indices((9, 10, 11), dtype=np.float64)
    field = np.einsum("ca,aijk->cijk", a, x).astype(np.float32)
    stats = tu.displacement_stats(field)
    assert stats["min_jacobian"] == pytest.approx(np.linalg.det(np.eye(3) + a), rel=1e-5)
    assert "mean_displacement_mm" not in stats


def test_stats_detect_folding_and_warn():
    x = np.indices((8, 8, 8), dtype=np.float32)
    field = np.zeros((3, 8, 8, 8), np.float32)
    field[0] = -1.5 * x[0]
    with pytest.warns(tu.FoldingWarning, match="folds"):
        stats = tu.displacement_stats(field)
    assert stats["min_jacobian"] == pytest.approx(-0.5)
    assert stats["folding_fraction"] == 1.0


def test_stats_match_a_brute_force_computation():
    field = tu.random_displacement_field((30, 24, 20), num_control_points=8, max_displacement=6.0, rng=2)
    field = field * np.float32(1.5)
    det = brute_force_jacobian(field)
    length = lengths(field, (1.0, 2.0, 3.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tu.FoldingWarning)
        stats = tu.displacement_stats(field, spacing=(1.0, 2.0, 3.0))
    np.testing.assert_allclose(tu.jacobian_determinant(field), det, atol=1e-5)
    assert stats["min_jacobian"] == pytest.approx(det.min(), abs=1e-5)
    assert stats["folding_fraction"] == pytest.approx(np.mean(det <= 0))
    assert stats["mean_displacement"] == pytest.approx(lengths(field).mean(), rel=1e-5)
    assert stats["mean_displacement_mm"] == pytest.approx(length.mean(), rel=1e-5)
    assert stats["max_displacement_mm"] == pytest.approx(length.max(), rel=1e-5)


def test_stats_do_not_warn_for_a_smooth_field():
    field = tu.random_displacement_field((20, 20, 20), max_displacement=2.0, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tu.displacement_stats(field)


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: tu.random_displacement_field((10, 10), rng=0), ValueError, "shape"),
        (lambda: tu.random_displacement_field((10, 0, 10), rng=0), ValueError, "shape"),
        (lambda: tu.gaussian_displacement_field((10, 1, 10), alpha=1, sigma=3), ValueError, "shape"),
        (lambda: tu.random_displacement_field((10.0, 10, 10), rng=0), TypeError, "shape"),
        (lambda: tu.random_displacement_field("abc"), TypeError, "shape"),
        (lambda: tu.random_displacement_field((8, 8, 8), num_control_points=3), ValueError, "num_control_points"),
        (lambda: tu.random_displacement_field((8, 8, 8), num_control_points=5.0), TypeError, "num_control_points"),
        (lambda: tu.random_displacement_field((8, 8, 8), max_displacement=-1), ValueError, "max_displacement"),
        (lambda: tu.random_displacement_field((8, 8, 8), spacing=(1, 0, 1)), ValueError, "spacing"),
        (lambda: tu.gaussian_displacement_field((8, 8, 8), alpha=-1, sigma=3), ValueError, "alpha"),
        (lambda: tu.gaussian_displacement_field((8, 8, 8), alpha=1, sigma=-3), ValueError, "sigma"),
        (lambda: tu.gaussian_displacement_field((8, 8, 8), alpha=1, sigma=np.nan), ValueError, "sigma"),
        (lambda: tu.warp(np.zeros((4, 4, 4)), np.zeros((3, 4, 4, 5))), ValueError, "field"),
        (lambda: tu.warp(np.zeros((4, 4, 4)), np.zeros((2, 4, 4, 4))), ValueError, "field"),
        (lambda: tu.warp(np.zeros((4, 4, 4)), np.zeros((3, 4, 4, 4), int)), TypeError, "field"),
        (lambda: tu.warp(np.zeros((4, 4, 4)), np.full((3, 4, 4, 4), np.nan)), ValueError, "field"),
        (lambda: tu.warp(np.zeros((4, 4)), np.zeros((3, 4, 4, 4))), ValueError, "array"),
        (lambda: tu.warp(np.zeros((4, 4, 4)), np.zeros((3, 4, 4, 4)), order=6), ValueError, "order"),
        (lambda: tu.warp(np.zeros((4, 4, 4)), np.zeros((3, 4, 4, 4)), cval=np.inf), ValueError, "cval"),
        (lambda: tu.warp(np.zeros((4, 4, 4), np.uint8), np.zeros((3, 4, 4, 4)), order=0, cval=0.5), ValueError, "cval"),
        (lambda: tu.warp(np.full((4, 4, 4), np.nan), np.zeros((3, 4, 4, 4))), ValueError, "NaN"),
        (lambda: tu.random_elastic(np.zeros((4, 4, 4))), TypeError, "volume"),
        (lambda: tu.elastic_volume(np.zeros((4, 4, 4)), seed=0), TypeError, "volume"),
        (lambda: tu.warp(np.zeros((4, 4, 4)), np.zeros((3, 4, 4, 4)), 1), TypeError, "positional"),
        (lambda: tu.elastic_transform(np.zeros((8, 8, 8)), num_control_points=2), ValueError, "num_control_points"),
        (lambda: tu.displacement_stats(np.zeros((3, 4, 4))), ValueError, "field"),
        (lambda: tu.displacement_stats([[0.0]]), TypeError, "field"),
        (lambda: tu.jacobian_determinant(np.zeros((3, 0, 4, 4))), ValueError, "field"),
        (lambda: grid_label((8, 8, 8), step=1), ValueError, "step"),
        (lambda: show_deformation_grid(np.zeros((3, 6, 6, 6)), np.zeros((5, 6, 6))), ValueError, "image"),
    ],
)
def test_bad_input_raises_a_named_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----------------------------------------------------------------- plots


def test_grid_label_has_planes_every_step_and_lines_on_the_centre_slices():
    grid = grid_label((21, 30, 12), step=6)
    assert grid.dtype == np.uint8 and set(np.unique(grid)) == {0, 1}
    centre = grid[10]
    assert 0 < centre.mean() < 0.5
    columns = np.flatnonzero(grid[10, :, 1] & grid[10, :, 2])
    assert np.all(np.diff(columns) == 6)


def test_deformation_grid_of_a_zero_field_shows_straight_lines():
    fig = show_deformation_grid(np.zeros((3, 24, 20, 16), np.float32), step=6)
    axial = fig.axes[2].get_images()[-1].get_array()
    rows_with_line = np.flatnonzero(axial[..., 3].min(axis=1) == 1)
    assert len(fig.axes) == 3 and rows_with_line.size > 0
    assert np.all(np.diff(rows_with_line) % 6 == 0)


def test_displacement_magnitude_figure_shows_mm_with_a_colour_bar(cube):
    field = tu.random_displacement_field(cube.shape, max_displacement=6.0, spacing=cube.spacing, rng=0)
    fig = show_displacement_magnitude(field, cube)
    assert fig.axes[-1].get_ylabel() == "displacement (mm)"
    overlay = fig.axes[0].get_images()[-1].get_array()
    i = cube.shape[0] // 2
    np.testing.assert_allclose(overlay, lengths(field[:, i : i + 1], cube.spacing)[0].T, rtol=1e-5)
    assert len(show_displacement_magnitude(field, cube, colorbar=False).axes) == 3


def test_jacobian_figure_goes_through_the_most_folded_voxel_marks_it_and_has_a_colour_bar():
    field = tu.random_displacement_field((30, 28, 26), num_control_points=8, max_displacement=12.0, rng=1)
    jacobian = tu.jacobian_determinant(field)
    worst = tuple(int(i) for i in np.unravel_index(np.argmin(jacobian), jacobian.shape))
    assert jacobian.min() <= 0  # the field folds
    fig = show_jacobian(field, affine=np.diag([2.0, 2.0, 2.0, 1.0]))
    assert [ax.get_title() for ax in fig.axes[:3]] == [
        f"sagittal  i = {worst[0]}",
        f"coronal  j = {worst[1]}",
        f"axial  k = {worst[2]}",
    ]
    assert fig.axes[-1].get_ylabel() == "Jacobian determinant"
    base, folded = fig.axes[2].get_images()
    np.testing.assert_allclose(base.get_array(), jacobian[:, :, worst[2]].T)
    assert (folded.get_array()[..., 3][jacobian[:, :, worst[2]].T <= 0] > 0).all()
    ring = fig.axes[2].lines[0]
    assert (ring.get_xdata()[0], ring.get_ydata()[0]) == (worst[0], worst[1])
    assert not show_jacobian(field, mark=False).axes[2].lines


def test_deformation_grid_can_mark_the_voxel_its_planes_pass_through():
    field = np.zeros((3, 24, 20, 16), np.float32)
    fig = show_deformation_grid(field, step=6, indices=(3, 4, 5), mark=True)
    assert [(ax.lines[0].get_xdata()[0], ax.lines[0].get_ydata()[0]) for ax in fig.axes] == [(4, 5), (3, 5), (3, 4)]
    with pytest.raises(TypeError, match="mark must be True or False"):
        show_deformation_grid(field, mark="yes")


# ----------------------------------------------------------------- the naive blog code


def test_naive_blog_function_barely_moves_the_interior_and_frames_it_with_bg_val():
    rng = np.random.default_rng(0)
    image = ndimage.gaussian_filter(rng.random((28, 28, 28)), 2) * 100
    warped = elastic_transform_3d(image, rng=1)
    assert warped.dtype == np.float64
    inner = (slice(1, -1),) * 3
    assert np.abs(warped[inner] - image[inner]).max() < 0.01 * np.ptp(image)
    faces = np.concatenate([np.take(warped, [0, -1], axis=axis).ravel() for axis in range(3)])
    assert 0.3 < np.mean(faces == 0.1) < 0.7


def test_naive_blog_field_is_about_0_0017_voxel():
    field = blog_displacement_field((40, 40, 40), rng=0)
    assert field.std() < 0.0025


@pytest.mark.parametrize("size", [64, 96])
def test_random_elastic_peak_memory_stays_within_4x_the_image_at_any_thread_count(size):
    import tracemalloc

    rng = np.random.default_rng(0)
    label = np.zeros((size,) * 3, np.uint8)
    label[size // 4 : -size // 4, size // 4 : -size // 4, size // 4 : -size // 4] = 1
    vol = tu.Volume((100 + 10 * rng.standard_normal(label.shape) + 50 * label).astype(np.float32), np.eye(4), label)
    outputs, peaks = [], []
    for threads in (1, 2, 8):
        tu.set_num_threads(threads)
        try:
            tracemalloc.start()
            outputs.append(tu.random_elastic(vol, rng=0))
            peaks.append(tracemalloc.get_traced_memory()[1] / vol.image.nbytes)
        finally:
            tracemalloc.stop()
            tu.set_num_threads(None)
    assert max(peaks) <= 4.0, peaks  # was 5x at 1 thread and 20x at 8 (issue 14)
    for out in outputs[1:]:
        assert np.array_equal(out.image, outputs[0].image) and out.history == outputs[0].history
