"""Intensity clipping, CT windows and normalization (tutorial_utils.intensity.ops)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tutorial_utils as tu
from tutorial_utils.naive import intensity as naive


def _mri(shape=(12, 10, 8), seed=0) -> np.ndarray:
    """A zero background around a positive 'brain' block, float32."""
    rng = np.random.default_rng(seed)
    a = np.zeros(shape, np.float32)
    a[2:-2, 2:-2, 2:-2] = rng.gamma(4.0, 25.0, size=tuple(n - 4 for n in shape)).astype(np.float32) + 1
    return a


def _readonly(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.flags.writeable = False
    return a


# --- no mutation, read-only input ----------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda a: tu.clip_range(a, 10, 80),
        lambda a: tu.percentile_clip(a, 1, 99),
        lambda a: tu.percentile_clip(a, 1, 99, mask="nonzero"),
        lambda a: tu.window(a, 40, 80),
        lambda a: tu.normalize_intensity(a),
        lambda a: tu.normalize_intensity(a, method="minmax", mask=None),
        lambda a: tu.normalize_intensity(a, method="zscore", mask=a > 50, outside="normalize"),
    ],
)
def test_read_only_input_is_not_modified(call):
    a = _readonly(_mri())
    before = a.copy()
    out = call(a)
    np.testing.assert_array_equal(a, before)
    assert out.dtype == np.float32 and out.shape == a.shape
    assert not np.shares_memory(out, a)


# --- clip_range and percentile_clip --------------------------------------------------------


def test_clip_range_matches_np_clip_on_int16_without_wraparound():
    hu = np.array([-32768, -1000, 0, 40, 3000, 32767], np.int16).reshape(1, 2, 3)
    out = tu.clip_range(hu, -1024, 3071)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.clip(hu.astype(np.float32), -1024, 3071))


@settings(max_examples=25, deadline=None)
@given(
    a=hnp.arrays(np.float32, (4, 5, 6), elements=st.floats(-1e4, 1e4, width=32)),
    q=st.tuples(st.floats(0, 100), st.floats(0, 100)).map(sorted),
)
def test_percentile_clip_equals_numpy_reference(a, q):
    lo, hi = q
    expected = np.clip(a, np.percentile(a, lo), np.percentile(a, hi))
    np.testing.assert_array_equal(tu.percentile_clip(a, lo, hi), expected.astype(np.float32))


def test_percentile_clip_int16_equals_numpy_reference():
    hu = np.random.default_rng(1).integers(-1000, 2000, size=(9, 8, 7)).astype(np.int16)
    out = tu.percentile_clip(hu, 2.5, 97.5)
    expected = np.clip(hu, np.percentile(hu, 2.5), np.percentile(hu, 97.5))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected.astype(np.float32))


def test_percentile_clip_mask_computes_percentiles_and_clips_inside_mask_only():
    a = _mri()
    mask = a != 0
    lo, hi = np.percentile(a[mask], 5), np.percentile(a[mask], 95)
    out = tu.percentile_clip(a, 5, 95, mask=mask)
    np.testing.assert_array_equal(out[mask], np.clip(a[mask], lo, hi))
    np.testing.assert_array_equal(out[~mask], 0.0)  # the zero background stays 0
    np.testing.assert_array_equal(tu.percentile_clip(a, 5, 95, mask="nonzero"), out)
    everywhere = tu.clip_range(a, *tu.percentile_bounds(a, 5, 95, mask=mask))
    assert everywhere[~mask].min() == np.float32(lo)  # the documented alternative


def test_percentile_bounds_are_exactly_numpy():
    a = _mri()
    assert tu.percentile_bounds(a, 0.5, 99.5) == (
        float(np.percentile(a, 0.5)),
        float(np.percentile(a, 99.5)),
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lower": -1}, "lower"),
        ({"upper": 101}, "upper"),
        ({"lower": 90, "upper": 10}, "lower must be <= upper"),
        ({"mask": np.zeros((12, 10, 8), bool)}, "mask selects no voxels"),
        ({"mask": np.ones((2, 2, 2), bool)}, "mask must have"),
        ({"mask": "brain"}, "mask must be"),
    ],
)
def test_percentile_clip_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tu.percentile_clip(_mri(), **kwargs)


def test_percentile_clip_refuses_integer_mask_with_a_hint():
    with pytest.raises(TypeError, match="label > 0"):
        tu.percentile_clip(_mri(), mask=np.ones((12, 10, 8), np.uint8))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(
    "call",
    [
        lambda a: tu.clip_range(a, 0, 1),
        lambda a: tu.percentile_clip(a, 1, 99),
        lambda a: tu.window(a, 40, 80),
        lambda a: tu.normalize_intensity(a),
        lambda a: tu.normalize_intensity(a, method="minmax"),
    ],
)
def test_non_finite_input_raises(call, bad):
    a = _mri()
    a[5, 5, 5] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        call(a)


def test_clip_range_errors():
    with pytest.raises(ValueError, match="low must be <= high"):
        tu.clip_range(_mri(), 5, 1)
    with pytest.raises(TypeError, match="low"):
        tu.clip_range(_mri(), "5", 10)
    with pytest.raises(ValueError, match="3D"):
        tu.clip_range(np.zeros((3, 3)), 0, 1)
    with pytest.raises(TypeError, match="intensities"):
        tu.clip_range(np.zeros((3, 3, 3), bool), 0, 1)
    with pytest.raises(TypeError, match="volume.image"):
        tu.percentile_clip(tu.Volume(_mri(), np.eye(4)))


# --- window --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(tu.CT_WINDOWS))
def test_window_is_0_and_1_at_the_ends_and_half_at_level(name):
    level, width = tu.CT_WINDOWS[name]
    low, high = tu.window_limits(level, width)
    a = np.array([low - 500, low, level, high, high + 500], np.float32).reshape(1, 1, 5)
    out = tu.window(a, level, width)
    assert out.ravel().tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_window_int16_gives_float32_and_right_values():
    hu = np.arange(-1024, 3072, dtype=np.int16).reshape(16, 16, 16)
    level, width = tu.CT_WINDOWS["bone"]
    out = tu.window(hu, level, width)
    expected = np.clip((hu.astype(np.float64) - (level - width / 2)) / width, 0, 1)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, atol=1e-6)
    assert out.min() == 0.0 and out.max() == 1.0


def test_ct_windows_presets_are_sane():
    required = {"brain", "subdural", "stroke", "lung", "mediastinum", "soft_tissue", "abdomen", "liver", "bone"}
    assert required <= set(tu.CT_WINDOWS)
    for name, (level, width) in tu.CT_WINDOWS.items():
        assert -1000 < level < 1000 and 0 < width <= 4000, name
    assert tu.CT_WINDOWS["brain"] == (40, 80)


def test_window_on_phantom_separates_lung_from_soft_tissue():
    ct = tu.make_ct_phantom(shape=(48, 40, 16))
    lung = tu.window(ct.image, *tu.CT_WINDOWS["lung"])
    brain = tu.window(ct.image, *tu.CT_WINDOWS["brain"])
    lung_voxels, soft = ct.label == 3, ct.label == 2
    assert 0.2 < np.median(lung[lung_voxels]) < 0.5  # lung tissue visible in the lung window
    assert np.median(brain[lung_voxels]) == 0.0  # ... and black in a brain window
    assert 0.3 < np.median(brain[soft]) < 0.7


@pytest.mark.parametrize("width", [0, -10])
def test_window_width_must_be_positive(width):
    with pytest.raises(ValueError, match="width must be a number > 0"):
        tu.window(_mri(), 40, width)


def test_window_names_a_preset_passed_as_level():
    with pytest.raises(TypeError, match=r"level must be a number .*got 'lung'.*\*CT_WINDOWS\['lung'\]"):
        tu.window(_mri(), "lung", 100)
    with pytest.raises(TypeError, match="level must be a number .*got 'heart'"):
        tu.window(_mri(), "heart", 100)


def test_options_are_keyword_only():
    with pytest.raises(TypeError, match="positional"):
        tu.normalize_intensity(_mri(), "minmax")
    with pytest.raises(TypeError, match="positional"):
        tu.percentile_clip(_mri(), 1, 99, "nonzero")
    with pytest.raises(TypeError, match="positional"):
        tu.percentile_bounds(_mri(), 1, 99, None)


# --- normalize_intensity -------------------------------------------------------------------


def test_zscore_inside_mask_has_mean_0_std_1_and_outside_stays_0():
    a = _mri()
    mask = a != 0
    z = tu.normalize_intensity(a)
    assert abs(z[mask].mean()) < 1e-5
    assert abs(z[mask].std() - 1) < 1e-5
    assert np.all(z[~mask] == 0)
    expected = (a - a[mask].astype(np.float64).mean()) / a[mask].astype(np.float64).std()
    np.testing.assert_allclose(z[mask], expected[mask], rtol=1e-5, atol=1e-5)


def test_zscore_outside_normalize_shifts_background_like_the_blog():
    a = _mri()
    mask = a != 0
    z = tu.normalize_intensity(a, outside="normalize")
    background = -a[mask].mean(dtype=np.float64) / a[mask].std(dtype=np.float64)
    np.testing.assert_allclose(z[~mask], background, rtol=1e-5)
    np.testing.assert_array_equal(z[mask], tu.normalize_intensity(a)[mask])


def test_zscore_with_explicit_mask_and_without_mask():
    a = _mri()
    mask = a > np.median(a[a > 0])
    z = tu.normalize_intensity(a, method="zscore", mask=mask)
    assert abs(z[mask].mean()) < 1e-5 and abs(z[mask].std() - 1) < 1e-5
    assert np.all(z[~mask] == 0)
    full = tu.normalize_intensity(a, method="zscore", mask=None)
    assert abs(full.mean()) < 1e-5 and abs(full.std() - 1) < 1e-5


@settings(max_examples=25, deadline=None)
@given(
    a=hnp.arrays(np.float32, (3, 4, 5), elements=st.floats(-1e3, 1e3, width=32)),
    out_range=st.sampled_from([(0.0, 1.0), (-1.0, 1.0), (0.0, 255.0)]),
)
def test_minmax_spans_exactly_the_range(a, out_range):
    if a.min() == a.max():
        a = a.copy()
        a[0, 0, 0] += 1
    m = tu.normalize_intensity(a, method="minmax", mask=None, out_range=out_range)
    assert m.dtype == np.float32
    assert m.min() == out_range[0] and m.max() == out_range[1]


def test_minmax_with_mask_spans_0_1_inside_and_0_outside():
    a = _mri()
    m = tu.normalize_intensity(a, method="minmax")
    inside = a != 0
    assert m[inside].min() == 0.0 and m[inside].max() == 1.0
    assert np.all(m[~inside] == 0.0)


def test_int16_input_gives_float32_without_wraparound():
    hu = np.array([-32768, 0, 32767, 100], np.int16).reshape(1, 2, 2)
    m = tu.normalize_intensity(hu, method="minmax", mask=None)
    assert m.dtype == np.float32
    np.testing.assert_allclose(m.ravel(), [0.0, 32768 / 65535, 1.0, 32868 / 65535], rtol=1e-6)
    z = tu.normalize_intensity(hu, method="zscore", mask=None)
    ref = (hu.astype(np.float64) - hu.mean(dtype=np.float64)) / hu.std(dtype=np.float64)
    np.testing.assert_allclose(z, ref, rtol=1e-5)


@pytest.mark.parametrize("method", ["zscore", "minmax"])
def test_constant_image_raises_instead_of_nan(method):
    a = np.full((4, 4, 4), 7.0, np.float32)
    with pytest.raises(ValueError, match="constant"):
        tu.normalize_intensity(a, method=method)


@pytest.mark.parametrize("method", ["zscore", "minmax"])
def test_empty_mask_raises(method):
    with pytest.raises(ValueError, match="mask selects no voxels"):
        tu.normalize_intensity(np.zeros((4, 4, 4), np.float32), method=method)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "mean"}, ValueError, "method"),
        ({"outside": "keep"}, ValueError, "outside"),
        ({"method": "minmax", "out_range": (1.0, 1.0)}, ValueError, "out_range"),
        ({"method": "minmax", "out_range": 1.0}, TypeError, "out_range"),
        ({"method": "minmax", "out_range": (0.0, 1.0, 2.0)}, TypeError, "out_range must be a .low, high. pair"),
        ({"method": "minmax", "out_range": (0.0, "1")}, TypeError, r"out_range\[1\] must be a number"),
        ({"out_range": (2.0, 1.0)}, ValueError, "out_range"),  # checked for the z-score too
        ({"method": None}, ValueError, "method"),
    ],
)
def test_normalize_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        tu.normalize_intensity(_mri(), **kwargs)


# --- Volume wrappers -----------------------------------------------------------------------


def test_normalize_volume_with_label_mask_keeps_label_and_affine():
    mni_like = _mri()
    label = (mni_like > 0).astype(np.uint8) * 2
    vol = tu.Volume(mni_like, np.diag([2.0, 2.0, 3.0, 1.0]), label)
    out = tu.normalize_volume(vol, mask="label")
    np.testing.assert_array_equal(out.image, tu.normalize_intensity(mni_like, mask=label > 0))
    np.testing.assert_array_equal(out.label, vol.label)
    np.testing.assert_array_equal(out.affine, vol.affine)
    with pytest.raises(ValueError, match='mask="label"'):
        tu.normalize_volume(tu.Volume(mni_like, np.eye(4)), mask="label")
    with pytest.raises(TypeError, match="volume"):
        tu.normalize_volume(mni_like)


def test_window_and_percentile_clip_volume_change_the_image_only():
    ct = tu.make_ct_phantom(shape=(32, 32, 16))
    out = tu.window_volume(ct, *tu.CT_WINDOWS["liver"])
    np.testing.assert_array_equal(out.image, tu.window(ct.image, *tu.CT_WINDOWS["liver"]))
    np.testing.assert_array_equal(out.label, ct.label)
    clipped = tu.percentile_clip_volume(ct, 1, 99)
    np.testing.assert_array_equal(clipped.image, tu.percentile_clip(ct.image, 1, 99))
    np.testing.assert_array_equal(clipped.affine, ct.affine)


# --- the naive versions really have the bugs the notebook shows ----------------------------


def test_naive_percentile_clip_writes_into_its_input():
    a = _mri()
    original = a.copy()
    out = naive.percentile_clip(a, 1, 99)
    assert out is a
    assert not np.array_equal(a, original)
    np.testing.assert_array_equal(a, tu.percentile_clip(original, 1, 99))


def test_naive_normalize_gives_nan_on_a_constant_image():
    a = np.full((4, 4, 4), 7.0, np.float32)
    with pytest.warns(RuntimeWarning):
        mean_out = naive.normalize_intensity(a, "mean")
    with pytest.warns(RuntimeWarning):
        max_out = naive.normalize_intensity(a, "max")
    assert np.isnan(mean_out).all() and np.isnan(max_out).all()


def test_naive_mean_normalization_makes_the_background_negative():
    a = _mri()
    out = naive.normalize_intensity(a, "mean")
    background = out[a == 0]
    assert np.all(background < -1)
    assert np.all(tu.normalize_intensity(a)[a == 0] == 0)


# --- plots and explorer helpers ------------------------------------------------------------


def test_plot_histogram_has_log_counts_and_limit_lines_at_the_values():
    a = _mri()
    ax = tu.plot_histogram(a, limits={"low": 5.0, "high": 90.0})
    assert ax.get_yscale() == "log"
    lines = [line.get_xdata()[0] for line in ax.get_lines()]
    assert lines == [5.0, 90.0]
    top = ax.patches[0].get_path().vertices[:, 1].max()
    assert top == np.count_nonzero(a == 0)  # the zero background's bar


def test_plot_histogram_mask_counts_only_masked_voxels():
    a = _mri()
    ax = tu.plot_histogram(tu.Volume(a, np.eye(4)), mask=a != 0, bins=16)
    top = ax.patches[0].get_path().vertices[:, 1].max()
    assert top == np.histogram(a[a != 0], bins=16)[0].max()
    assert top < np.count_nonzero(a == 0)


def test_integer_data_get_whole_integer_bins():
    from tutorial_utils.display.intensity_plots import _bin_edges

    values = np.arange(0, 256, dtype=np.float32)
    edges = _bin_edges(values, 100)
    counts = np.histogram(values, bins=edges)[0]
    assert len(counts) <= 100 and np.all(counts[:-1] == 3)  # 3 integers per bin, no comb
    assert edges[0] == -0.5 and edges[-1] >= 255.5
    assert len(_bin_edges(values + 0.25, 100)) == 101


def test_compare_histograms_draws_two_panels_with_their_own_limits():
    ct = tu.make_ct_phantom(shape=(32, 32, 16))
    low, high = tu.window_limits(*tu.CT_WINDOWS["abdomen"])
    fig = tu.compare_histograms(
        ct,
        tu.window_volume(ct, *tu.CT_WINDOWS["abdomen"]),
        limits_before={"low": low, "high": high},
        limits_after=[0.0, 1.0],
    )
    left, right = fig.axes
    assert [line.get_xdata()[0] for line in left.get_lines()] == [low, high]
    assert [line.get_xdata()[0] for line in right.get_lines()] == [0.0, 1.0]


def test_window_hu_is_the_window_clip_in_hu_and_presets_override_sliders():
    ct = tu.make_ct_phantom(shape=(32, 32, 16))
    out = tu.window_hu(ct, "lung", level=0, width=1)
    low, high = tu.window_limits(*tu.CT_WINDOWS["lung"])
    np.testing.assert_array_equal(out.image, tu.clip_range(ct.image, low, high))
    np.testing.assert_allclose((out.image - low) / (high - low), tu.window(ct.image, *tu.CT_WINDOWS["lung"]), atol=1e-6)
    assert tu.resolve_window("custom", 10, 20) == (10, 20)
    assert tu.WINDOW_CHOICES[0] == "custom" and set(tu.WINDOW_CHOICES[1:]) == set(tu.CT_WINDOWS)
    with pytest.raises(ValueError, match="preset"):
        tu.window_hu(ct, "heart")


def test_annotators_draw_on_the_histogram_only():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    a = _mri()
    artists = tu.percentile_annotator(a, mask="nonzero")({"histogram": ax}, {"lower": 1.0, "upper": 99.0})
    xs = [artist.get_xdata()[0] for artist in artists if hasattr(artist, "get_xdata")]
    assert xs == list(tu.percentile_bounds(a, 1.0, 99.0, mask="nonzero"))
    assert tu.window_annotator()({"histogram": None}, {"preset": "brain", "level": 0, "width": 1}) == []


def test_volume_intensity_steps_are_recorded_and_replay_exactly():
    vol = tu.Volume(_mri(), np.eye(4), (_mri() > 0).astype(np.uint8))
    out = tu.normalize_volume(tu.percentile_clip_volume(vol, 1, 99, mask="nonzero"), mask="label")
    assert [r.name for r in out.history] == ["percentile_clip", "normalize"]
    np.testing.assert_array_equal(tu.replay(vol, out.history).image, out.image)


def test_volume_intensity_functions_take_named_masks_only():
    vol = tu.Volume(_mri(), np.eye(4))
    with pytest.raises(ValueError, match='mask must be "nonzero", "label" or None for a Volume'):
        tu.normalize_volume(vol, mask=vol.image > 0)
    with pytest.raises(ValueError, match='mask must be "nonzero", "label" or None for a Volume'):
        tu.percentile_clip_volume(vol, mask="brain")


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda v: tu.window_volume(v, level="lung", width=100), TypeError, r"level must be a number .*got 'lung'"),
        (lambda v: tu.window_volume(v, 40, width="wide"), TypeError, r"width must be a number > 0 .*got 'wide'"),
        (lambda v: tu.window_volume(v, 40, 0), ValueError, "width must be a number > 0"),
        (
            lambda v: tu.normalize_volume(v, method="minmax", out_range=5),
            TypeError,
            r"out_range must be a \(low, high\) pair of numbers with low < high, e.g. \(0.0, 1.0\); got 5",
        ),
        (lambda v: tu.normalize_volume(v, method="mean"), ValueError, 'method must be "zscore" or "minmax"'),
        (lambda v: tu.normalize_volume(v, outside="keep"), ValueError, 'outside must be "zero" or "normalize"'),
        (lambda v: tu.percentile_clip_volume(v, lower="low"), TypeError, r"lower must be a number .*got 'low'"),
        (lambda v: tu.percentile_clip_volume(v, 1, 101), ValueError, r"upper must be a percentile in \[0, 100\]"),
        (lambda v: tu.percentile_clip_volume(v, 1, 99, "nonzero"), TypeError, "positional"),
        (lambda v: tu.normalize_volume(v, "zscore"), TypeError, "positional"),
    ],
)
def test_volume_intensity_functions_name_the_bad_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call(tu.Volume(_mri(), np.eye(4)))


def test_volume_intensity_records_are_checked_on_replay():
    vol = tu.Volume(_mri(), np.eye(4))
    tampered = tu.TransformRecord("window", {"level": "lung", "width": 100.0})
    with pytest.raises(TypeError, match=r"record 0 \('window'\): level must be a number"):
        tu.replay(vol, [tampered])


def test_compare_histograms_share_the_count_axis_by_default_and_can_share_intensities():
    ct = tu.make_ct_phantom(shape=(32, 32, 16))
    clipped = tu.clip_range(ct.image, -200.0, 300.0)
    left, right = tu.compare_histograms(ct, clipped).axes
    assert left.get_ylim() == right.get_ylim() and right.get_ylabel() == ""
    assert left.get_xlim() != right.get_xlim()
    left, right = tu.compare_histograms(ct, clipped, sharex=True).axes
    assert left.get_xlim() == right.get_xlim()
    left, right = tu.compare_histograms(ct, clipped, sharey=False).axes
    assert right.get_ylabel() == "voxels (log)"
    with pytest.raises(TypeError, match="sharey must be True or False"):
        tu.compare_histograms(ct, clipped, sharey="yes")
