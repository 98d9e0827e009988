"""Volume augmentations of tutorial_utils.spatial.affine_transforms, and the naive blog versions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from tutorial_utils import (
    TransformRecord,
    Volume,
    affine_matrix,
    affine_volume,
    apply_affine,
    flip_volume,
    random_affine,
    random_flip,
    random_rotate,
    random_shift,
    replay,
    rotate_volume,
    shift_volume,
)
from tutorial_utils.naive import spatial as naive

SPACING = (1.0, 1.5, 2.0)
AFFINE = np.diag([*SPACING, 1.0])


def nested_labels(shape=(25, 21, 17)) -> np.ndarray:
    """Off-centre nested ellipsoids labelled 1 < 2 < 3 (uint8), background 0, in mm."""
    grid = np.indices(shape, dtype=np.float64)
    centre = (np.array(shape) - 1) / 2 + (2, -1, 1)
    r = np.sqrt(sum(((grid[a] - centre[a]) * SPACING[a]) ** 2 for a in range(3)))
    label = np.zeros(shape, np.uint8)
    for value, radius in ((1, 11.0), (2, 7.0), (3, 3.5)):
        label[r < radius] = value
    return label


@pytest.fixture()
def consistent() -> Volume:
    """A volume whose label equals its (integer-valued) image."""
    label = nested_labels()
    return Volume(label.astype(np.float32), AFFINE, label)


@pytest.fixture()
def smooth() -> Volume:
    label = nested_labels()
    image = ndimage.gaussian_filter(label.astype(np.float32), 2.0)
    return Volume(image, AFFINE, label)


RANDOM_TRANSFORMS = {
    "flip": lambda v, rng, **kw: random_flip(v, p=0.5, rng=rng),
    "rotate": lambda v, rng, **kw: random_rotate(v, degrees=30, rng=rng, **kw),
    "shift": lambda v, rng, **kw: random_shift(v, max_fraction=0.2, rng=rng),
    "affine": lambda v, rng, **kw: random_affine(v, degrees=20, translation_range=4.0, rng=rng, **kw),
}


# --- behaviour shared by every random transform --------------------------------------------


@pytest.mark.parametrize("name", RANDOM_TRANSFORMS)
def test_same_seed_same_output_and_replay_reproduces_it(name, smooth):
    transform = RANDOM_TRANSFORMS[name]
    first, second = transform(smooth, 7), transform(smooth, 7)
    np.testing.assert_array_equal(first.image, second.image)
    np.testing.assert_array_equal(first.label, second.label)
    assert first.history == second.history and first.history[-1].name == name
    replayed = replay(smooth, first.history)
    np.testing.assert_array_equal(replayed.image, first.image)
    np.testing.assert_array_equal(replayed.label, first.label)


@pytest.mark.parametrize("name", RANDOM_TRANSFORMS)
def test_label_values_stay_within_the_input_labels(name, smooth):
    for seed in range(5):
        out = RANDOM_TRANSFORMS[name](smooth, seed)
        assert out.label.dtype == np.uint8
        assert set(np.unique(out.label)) <= {0, 1, 2, 3}
        np.testing.assert_array_equal(out.affine, smooth.affine)


@pytest.mark.parametrize("name", ["rotate", "affine"])
def test_label_gets_the_image_geometry_exactly(name, consistent):
    for seed in range(4):
        out = RANDOM_TRANSFORMS[name](consistent, seed, order=0)
        np.testing.assert_array_equal(np.rint(out.image), out.label)


@pytest.mark.parametrize("name", ["flip", "shift"])
def test_exact_transforms_keep_image_equal_to_label(name, consistent):
    for seed in range(10):
        out = RANDOM_TRANSFORMS[name](consistent, seed)
        np.testing.assert_array_equal(out.image, out.label)


def test_linear_image_stays_aligned_with_nearest_label(consistent):
    out = random_affine(consistent, degrees=(30, 30), scale_range=(1.1, 1.1), rng=0)
    inside = out.label > 0
    agreement = np.mean(np.rint(out.image)[inside] == out.label[inside])
    stale = np.mean(np.rint(out.image)[inside] == consistent.label[inside])
    assert agreement > 0.85 > stale  # a label left behind (or given its own draw) fails


@pytest.mark.parametrize("name", RANDOM_TRANSFORMS)
def test_inputs_are_never_modified_even_read_only(name, smooth):
    image, label = smooth.image.copy(), smooth.label.copy()
    image.flags.writeable = False
    label.flags.writeable = False
    frozen = Volume(image, AFFINE, label)
    RANDOM_TRANSFORMS[name](frozen, 1)
    np.testing.assert_array_equal(frozen.image, smooth.image)
    np.testing.assert_array_equal(frozen.label, smooth.label)


def test_identity_parameters_give_the_input_back(smooth):
    outputs = [
        random_flip(smooth, p=0.0, rng=0),
        random_rotate(smooth, degrees=0.0, rng=0),
        random_shift(smooth, max_fraction=0.0, rng=0),
        random_affine(smooth, degrees=0.0, scale_range=0.0, translation_range=0.0, rng=0),
    ]
    for out in outputs:
        np.testing.assert_array_equal(out.image, smooth.image)
        np.testing.assert_array_equal(out.label, smooth.label)


# --- each transform -------------------------------------------------------------------------


def test_random_flip_flips_image_and_label_on_the_same_recorded_axes(smooth):
    seen = set()
    for seed in range(30):
        out = random_flip(smooth, p=0.5, rng=seed)
        axes = out.history[-1].params["axes"]
        seen.add(axes)
        expected = np.flip(smooth.image, axes) if axes else smooth.image
        np.testing.assert_array_equal(out.image, expected)
        np.testing.assert_array_equal(out.label, np.flip(smooth.label, axes) if axes else smooth.label)
    assert len(seen) >= 6  # the draws really vary


def test_default_random_flip_only_mirrors_axis_0(smooth):
    axes = {random_flip(smooth, rng=seed).history[-1].params["axes"] for seed in range(20)}
    assert axes == {(), (0,)}


def test_flip_volume_refuses_bad_axes_by_name(smooth):
    with pytest.raises(ValueError, match="axes"):
        flip_volume(smooth, axes=(0, 0))
    with pytest.raises(TypeError, match="axes"):
        flip_volume(smooth, axes="lr")


def test_flip_volume_keeps_the_affine_so_world_anatomy_is_mirrored(smooth):
    out = flip_volume(smooth, axes=0)
    np.testing.assert_array_equal(out.affine, smooth.affine)
    np.testing.assert_array_equal(out.image[0], smooth.image[-1])


# --- lateralised labels ----------------------------------------------------------------------


def kidneys(affine=AFFINE) -> Volume:
    """Left kidney 1 at low i, right kidney 2 at high i (RAS: i grows towards the patient's right)."""
    label = np.zeros((20, 8, 6), np.uint8)
    label[2:6, 2:6, 1:5] = 1
    label[13:18, 2:6, 1:5] = 2
    return Volume(label.astype(np.float32), affine, label)


def test_a_left_right_flip_swaps_lateralised_labels_exactly():
    volume = kidneys()
    out = flip_volume(volume, axes=0, swap_labels={1: 2, 2: 1})
    np.testing.assert_array_equal(out.image, np.flip(volume.image, 0))  # the image is only mirrored
    mirrored = np.flip(volume.label, 0)
    np.testing.assert_array_equal(out.label == 1, mirrored == 2)
    np.testing.assert_array_equal(out.label == 2, mirrored == 1)
    np.testing.assert_array_equal(out.label == 0, mirrored == 0)
    # each kidney keeps its side: the label on each side of the body is what it was before the flip
    np.testing.assert_array_equal(out.label[:10] > 0, mirrored[:10] > 0)
    assert set(np.unique(out.label[:10])) == set(np.unique(volume.label[:10]))
    assert out.history[-1].params == {"axes": 0, "swap_labels": {"1": 2, "2": 1}}
    assert out.history[-1].measured == {"labels_swapped": True}


def test_labels_are_swapped_only_when_the_left_right_axis_is_flipped():
    lps_like = np.diag([1.0, 1.0, 1.0, 1.0])[[1, 0, 2, 3]]  # axis 1 is left-right here
    volume = kidneys(lps_like)
    assert volume.axcodes[1] in "LR"
    kept = flip_volume(volume, axes=(0, 2), swap_labels={1: 2, 2: 1})
    np.testing.assert_array_equal(kept.label, np.flip(volume.label, (0, 2)))
    assert kept.history[-1].measured == {"labels_swapped": False}
    swapped = flip_volume(volume, axes=1, swap_labels=((1, 2), (2, 1)))
    assert set(np.unique(swapped.label)) == {0, 1, 2}
    np.testing.assert_array_equal(swapped.label == 1, np.flip(volume.label, 1) == 2)


def test_random_flip_records_swap_pairs_that_replay_and_survive_json():
    from tutorial_utils import records_from_json, records_to_json

    volume = kidneys()
    out = random_flip(volume, p=1.0, swap_labels={2: 1, 1: 2}, rng=0)
    record = out.history[-1]
    assert record.params == {"axes": (0, 1, 2), "swap_labels": ((1, 2), (2, 1))}
    again = replay(volume, records_from_json(records_to_json(out.history)))
    np.testing.assert_array_equal(again.label, out.label)
    assert set(np.unique(out.label)) == {0, 1, 2} and (out.label != np.flip(volume.label, (0, 1, 2))).any()
    direct = flip_volume(volume, axes=0, swap_labels={1: 2, 2: 1})
    np.testing.assert_array_equal(
        replay(volume, records_from_json(records_to_json(direct.history))).label, direct.label
    )


@pytest.mark.parametrize(
    ("swap_labels", "error", "match"),
    [
        ({1: 2}, ValueError, "swap both ways"),
        (((1, 2), (1, 3), (2, 1), (3, 1)), ValueError, "two targets"),
        ({1.5: 2, 2: 1.5}, TypeError, "int label values"),
        ("1-2", TypeError, "swap_labels must be"),
        (((1, 2, 3),), TypeError, "swap_labels must be"),
    ],
)
def test_bad_swap_labels_are_refused_by_name(swap_labels, error, match):
    with pytest.raises(error, match=match):
        flip_volume(kidneys(), axes=0, swap_labels=swap_labels)
    with pytest.raises(error, match=match):
        random_flip(kidneys(), swap_labels=swap_labels, rng=0)


@pytest.mark.parametrize(
    ("axes", "about", "sign"), [("plane", None, None), ((0, 1), 2, 1.0), ((0, 2), 1, -1.0), ((2, 1), 0, -1.0)]
)
def test_random_rotate_records_one_plane(axes, about, sign, smooth):
    for seed in range(5):
        rotation = random_rotate(smooth, degrees=(5, 25), axes=axes, rng=seed).history[-1].params["rotation"]
        nonzero = [a for a in range(3) if rotation[a] != 0.0]
        assert len(nonzero) == 1
        if about is not None:
            assert nonzero == [about] and 5 <= sign * rotation[about] <= 25


def test_random_rotate_all_axes_draws_three_angles(smooth):
    rotation = random_rotate(smooth, degrees=15, rng=3).history[-1].params["rotation"]
    assert all(0 < abs(a) <= 15 for a in rotation)


def test_random_shift_is_bounded_by_each_axis_own_size():
    volume = Volume(np.zeros((40, 30, 8), np.float32), np.eye(4))
    draws = [random_shift(volume, max_fraction=0.25, rng=seed) for seed in range(60)]
    offsets = np.array([out.history[-1].params["offset"] for out in draws])
    assert np.all(np.abs(offsets) <= [10, 7, 2])
    assert np.abs(offsets[:, 2]).max() == 2  # the bound is reached, not just respected


def test_random_shift_moves_the_content_by_the_recorded_offset(smooth):
    out = random_shift(smooth, max_fraction=0.2, rng=4)
    offset = out.history[-1].params["offset"]
    np.testing.assert_array_equal(out.image, shift_volume(smooth, offset).image)
    moved = np.array(ndimage.center_of_mass(out.label > 0)) - ndimage.center_of_mass(smooth.label > 0)
    np.testing.assert_allclose(moved, offset, atol=0.5)  # a little of the ball may leave the grid


def test_random_affine_translation_is_in_mm():
    volume = roomy_blob()
    out = random_affine(volume, degrees=0, scale_range=(1, 1), translation_range=(-4.0, 4.0), cval=0.0, rng=2)
    translation = out.history[-1].params["translation"]
    assert all(0 < abs(t) <= 4.0 for t in translation) and len(set(translation)) == 3
    moved_vox = np.array(ndimage.center_of_mass(out.image)) - ndimage.center_of_mass(volume.image)
    np.testing.assert_allclose(moved_vox * volume.spacing, translation, atol=0.1)


def roomy_blob() -> Volume:
    """A smooth anisotropic blob well inside its grid, so no intermediate step clips it."""
    spacing, shape = (1.0, 1.25, 1.5), (40, 32, 27)
    grid = np.indices(shape, dtype=np.float64)
    centre = (np.array(shape) - 1) / 2
    r2 = sum(((grid[a] - centre[a]) * spacing[a] - (2, -1, 1)[a]) ** 2 / (1, 0.6, 0.8)[a] for a in range(3))
    return Volume(np.exp(-r2 / 50.0).astype(np.float32), np.diag([*spacing, 1.0]))


def sequential(volume, rotation, scale, translation, axes_order=(0, 1, 2)):
    """The documented composition, one resampling per step: scale, rotate about each axis, translate."""
    out = affine_volume(volume, scale=scale, order=3)
    for axis in axes_order:
        about = [0.0, 0.0, 0.0]
        about[axis] = rotation[axis]
        out = rotate_volume(out, tuple(about), order=3)
    return affine_volume(out, translation=translation, order=3)


@pytest.mark.parametrize("seed", range(3))
def test_composed_affine_equals_the_sequential_application(seed):
    volume = roomy_blob()
    out = random_affine(
        volume, degrees=(20, 40), scale_range=(0.8, 1.25), isotropic=False, translation_range=3.0, order=3, rng=seed
    )
    drawn = out.history[-1].params
    steps = sequential(volume, drawn["rotation"], drawn["scale"], drawn["translation"])
    assert np.abs(out.image - steps.image).max() < 0.03  # the peak is 1
    reversed_axes = sequential(volume, drawn["rotation"], drawn["scale"], drawn["translation"], (2, 1, 0))
    assert np.abs(out.image - reversed_axes.image).max() > 0.05  # the order of rotations matters


def test_isotropic_false_draws_one_scale_per_axis(smooth):
    scale = random_affine(smooth, isotropic=False, rng=0).history[-1].params["scale"]
    assert len(set(scale)) == 3 and all(0.9 <= s <= 1.1 for s in scale)


def test_a_scale_range_number_is_symmetric_about_one(smooth):
    scales = [random_affine(smooth, scale_range=0.05, rng=seed).history[-1].params["scale"] for seed in range(20)]
    assert all(0.95 <= s <= 1.05 for s in scales) and min(scales) < 1.0 < max(scales)


# --- records of direct calls ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name", "params"),
    [
        (lambda v: flip_volume(v, 1), "flip", {"axes": 1, "swap_labels": None}),
        (lambda v: flip_volume(v, axes=()), "flip", {"axes": (), "swap_labels": None}),
        (lambda v: rotate_volume(v, (0, 0, 30)), "rotate", {"rotation": (0, 0, 30), "order": 1, "cval": "min"}),
        (lambda v: shift_volume(v, (1, 0, -2), cval=0.0), "shift", {"offset": (1, 0, -2), "order": 1, "cval": 0.0}),
        (
            lambda v: affine_volume(v, scale=1.1, order=0),
            "affine",
            {"rotation": (0.0, 0.0, 0.0), "scale": 1.1, "translation": 0.0, "order": 0, "cval": "min"},
        ),
    ],
)
def test_a_direct_call_adds_exactly_one_record_that_replays(call, name, params, smooth):
    out = call(smooth)
    assert [r.name for r in out.history] == [name]  # rotate_volume does not record a nested "affine"
    assert dict(out.history[-1].params) == params
    replayed = replay(smooth, out.history)
    np.testing.assert_array_equal(replayed.image, out.image)
    np.testing.assert_array_equal(replayed.label, out.label)


@pytest.mark.parametrize(
    ("name", "params", "error", "match"),
    [
        ("flip", {"axes": (0, 0)}, ValueError, "axes must not repeat"),
        ("rotate", {"rotation": 30.0, "order": 1, "cval": "min"}, TypeError, "rotation must be 3 angles"),
        ("shift", {"offset": (1, 0, 0), "order": 1, "cval": "median"}, ValueError, "cval"),
        ("affine", {"scale": -1.0}, ValueError, "scale"),
    ],
)
def test_replay_checks_each_recorded_parameter(name, params, error, match, smooth):
    with pytest.raises(error, match=rf"record 0 \('{name}'\): {match}"):
        replay(smooth, [TransformRecord(name, params)])


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda v: random_flip(v, p=1.5), ValueError, r"p must be in \[0, 1\]"),
        (lambda v: random_flip(v, p=(0.5, 0.5)), ValueError, "p must have one entry per axis"),
        (lambda v: random_flip(v, p="half"), TypeError, "p must be"),
        (lambda v: random_flip(v, probability=0.5), TypeError, "probability"),
        (lambda v: random_rotate(v, degrees=(10, -10)), ValueError, "degrees"),
        (lambda v: random_rotate(v, degrees=-5), ValueError, "degrees"),
        (lambda v: random_rotate(v, degrees=float("nan")), ValueError, "degrees"),
        (lambda v: random_rotate(v, degrees="ten"), TypeError, "degrees"),
        (lambda v: random_rotate(v, axes="xy"), ValueError, "axes"),
        (lambda v: random_rotate(v, axes=(1, 1)), ValueError, "axes"),
        (lambda v: random_rotate(v, axes=(0, 5)), ValueError, "axes"),
        (lambda v: random_rotate(v, order=9), ValueError, "order"),
        (lambda v: random_rotate(v, cval="median"), ValueError, "cval"),
        (lambda v: random_affine(v, scale_range=(0.0, 1.0)), ValueError, "scale_range must hold factors > 0"),
        (lambda v: random_affine(v, scale_range=1.1), ValueError, "scale_range must hold factors > 0"),
        (lambda v: random_affine(v, scale_range=(1.2, 0.8)), ValueError, "scale_range must have low <= high"),
        (lambda v: random_affine(v, scale_range=(0.9, 1.0, 1.1)), TypeError, "scale_range"),
        (lambda v: random_affine(v, translation_range=-1), ValueError, "translation_range"),
        (lambda v: random_affine(v, translation_range=(1, 2, 3)), TypeError, "translation_range"),
        (lambda v: random_affine(v, shift_range=5.0), TypeError, "shift_range"),
        (lambda v: random_affine(v, isotropic="yes"), TypeError, "isotropic"),
        (lambda v: random_affine(v, order=-1), ValueError, "order"),
        (lambda v: random_shift(v, max_fraction=2.0), ValueError, "max_fraction"),
        (lambda v: random_shift(v, rng=-1), ValueError, "rng"),
    ],
)
def test_bad_parameters_are_refused(call, error, match, smooth):
    with pytest.raises(error, match=match):
        call(smooth)


@pytest.mark.parametrize("transform", [random_flip, random_rotate, random_shift, random_affine])
@pytest.mark.parametrize("shape", [(8, 8), (8, 8, 8, 2), (8, 8, 8)])
def test_arrays_of_any_dimension_are_refused_with_a_hint(transform, shape):
    with pytest.raises(TypeError, match=r"volume must be a Volume \(tutorial_utils.Volume\)"):
        transform(np.zeros(shape))


# --- naive blog versions exhibit the bugs the notebook shows -------------------------------


def test_naive_rotate_changes_the_shape_and_invents_label_values():
    label = nested_labels()
    out = naive.random_rotate3D(label.astype(np.float32), 10, 30, rng=0)
    assert out.shape != label.shape
    values = np.unique(np.round(out, 3))
    assert len(values) > 4  # cubic interpolation between 0, 1, 2 and 3


def test_naive_rotate_gives_the_label_its_own_draw():
    label = nested_labels()
    rng = np.random.default_rng(1)
    image_out = naive.random_rotate3D(label.astype(np.float32), -20, 20, rng=rng)
    label_out = naive.random_rotate3D(label.astype(np.float32), -20, 20, rng=rng)
    same_grid = image_out.shape == label_out.shape
    assert not same_grid or not np.allclose(image_out, label_out, atol=0.5)


def test_naive_shift_bounds_every_axis_by_dim1():
    thin = np.zeros((60, 60, 8), np.float32)
    thin[30, 30, 4] = 1.0
    moves = []
    for seed in range(40):
        out = naive.random_shift(thin, max_percentage=0.2, rng=seed)
        moves.append(np.unravel_index(np.argmax(out), out.shape)[2] - 4 if out.max() > 0.5 else 99)
    # the blog allows 60 * 0.2 / 2 = 6 voxels on every axis; a bound from axis 2 itself is 0.8
    assert max(abs(m) for m in moves) > 0.2 * 8 / 2


def test_naive_chain_has_our_geometry_but_blurs_more_on_a_round_trip(smooth):
    image = smooth.image
    params = dict(angle=12.0, scale=1.1, offset=(1.5, -1.0, 0.5))
    chained = naive.rotate_zoom_shift(image, **params, order=1)
    matrix = affine_matrix(image.shape, rotation=(0, 0, 12.0), scale=1.1, translation=params["offset"])
    composed = apply_affine(image, matrix, cval=0.0)
    inner = (slice(5, -5),) * 3
    assert np.abs(chained - composed)[inner].max() < 0.05 * np.ptp(image)
    chained_back = naive.undo_rotate_zoom_shift(chained, **params, order=1)
    composed_back = apply_affine(composed, np.linalg.inv(matrix), cval=0.0)
    chained_error = np.abs(chained_back - image)[inner].mean()
    composed_error = np.abs(composed_back - image)[inner].mean()
    assert chained_error > 1.5 * composed_error
