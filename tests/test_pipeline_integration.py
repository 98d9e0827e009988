"""The realistic segmentation pipeline end to end on a small synthetic volume.

resample -> crop-or-pad -> random affine -> flip -> elastic -> intensity -> normalize,
built from the library's own transforms with ``Compose``: the label stays aligned with
the image, the same seed (or the recorded history, also after a JSON round trip) gives
the identical sample, and different sample seeds give different ones.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils import Compose, RandomApply, Volume, replay
from tutorial_utils.records import volume_transform
from tutorial_utils.records import records_from_json, records_to_json
from tutorial_utils.seeding import sample_rng

SPACING = (1.0, 1.2, 1.5)
LABELS = {0, 1, 2, 3}


def nested_labels(shape=(40, 40, 40)) -> np.ndarray:
    """Off-centre nested ellipsoids 1 < 2 < 3 (uint8) in a 0 background, sized in mm."""
    grid = np.indices(shape, dtype=np.float64)
    centre = (np.array(shape) - 1) / 2 + (3.0, -2.0, 1.0)
    r = np.sqrt(sum(((grid[a] - centre[a]) * SPACING[a]) ** 2 for a in range(3)))
    label = np.zeros(shape, np.uint8)
    for value, radius in ((1, 20.0), (2, 13.0), (3, 6.0)):
        label[r < radius] = value
    return label


@pytest.fixture(scope="module")
def scan() -> Volume:
    """A 40^3 anisotropic volume whose image equals its label (integer test)."""
    label = nested_labels()
    return Volume(label.astype(np.float32), np.diag([*SPACING, 1.0]), label)


@volume_transform("test_integration_zscore")
def zscore(volume: Volume) -> Volume:
    """Deterministic, recorded last step: z-score inside the label (no rng parameter)."""
    return volume.replace(image=tu.normalize_intensity(volume.image, method="zscore", mask=volume.label > 0))


PREPROCESS = Compose(
    [
        functools.partial(tu.resample_to_spacing, spacing=1.25, order=0),
        functools.partial(tu.crop_or_pad_volume, shape=(36, 36, 36)),
    ]
)
AUGMENT_GEOMETRY = Compose(
    [
        functools.partial(tu.random_affine, degrees=15, scale_range=(0.9, 1.1), shift_range=3.0, order=0),
        tu.random_flip,
        functools.partial(tu.random_elastic, num_control_points=5, max_displacement=4.0),
    ]
)
INTENSITY = Compose(
    [
        functools.partial(tu.random_bias_field, strength=0.2),
        RandomApply(tu.random_gamma, p=0.5),
        functools.partial(tu.random_noise, std_range=(0.0, 0.05)),
        zscore,
    ]
)
GEOMETRY = Compose([PREPROCESS, AUGMENT_GEOMETRY])
PIPELINE = Compose([GEOMETRY, INTENSITY])


def assert_same_volume(a: Volume, b: Volume) -> None:
    np.testing.assert_array_equal(a.image, b.image)
    np.testing.assert_array_equal(a.label, b.label)
    np.testing.assert_array_equal(a.affine, b.affine)


@pytest.mark.parametrize("seed", range(3))
def test_label_stays_aligned_with_the_image_through_every_geometric_step(scan, seed):
    out = GEOMETRY(scan, rng=seed)
    assert [r.name for r in out.history] == ["resample", "crop_or_pad", "affine", "flip", "elastic"]
    # The steps before the elastic one use nearest neighbour for the image too, so it stays
    # integer-valued. The elastic step interpolates the image linearly: the result is an
    # integer (up to float32 rounding) only where all neighbours agree, and there the
    # nearest-neighbour label must hold that same value.
    whole = np.abs(out.image - np.rint(out.image)) < 1e-3
    np.testing.assert_array_equal(np.rint(out.image[whole]), out.label[whole])
    foreground = out.label > 0
    assert np.mean(whole[foreground]) > 0.5
    assert np.mean(np.rint(out.image)[foreground] == out.label[foreground]) > 0.95
    stale = GEOMETRY(scan, rng=seed + 100).label  # a label with its own draw is caught
    assert np.mean(np.rint(out.image)[foreground] == stale[foreground]) < 0.9


@pytest.mark.parametrize("seed", range(3))
def test_intensity_steps_leave_label_and_affine_alone_and_no_label_value_is_invented(scan, seed):
    geometry = GEOMETRY(scan, rng=seed)
    out = PIPELINE(scan, rng=seed)
    assert out.history[: len(geometry.history)] == geometry.history
    np.testing.assert_array_equal(out.label, geometry.label)
    np.testing.assert_array_equal(out.affine, geometry.affine)
    assert out.label.dtype == scan.label.dtype and set(np.unique(out.label).tolist()) <= LABELS
    assert out.image.dtype == np.float32 and np.isfinite(out.image).all()
    inside = out.image[out.label > 0]
    assert abs(float(inside.mean())) < 1e-4 and abs(float(inside.std()) - 1) < 1e-3


def test_grid_changes_keep_world_coordinates(scan):
    out = PIPELINE(scan, rng=0)
    assert out.shape == (36, 36, 36) and out.spacing == pytest.approx((1.25, 1.25, 1.25))
    centre_in = scan.affine @ [*((np.array(scan.shape) - 1) / 2), 1]
    centre_out = out.affine @ [*((np.array(out.shape) - 1) / 2), 1]
    # crop-or-pad centres to within half a voxel per axis (the odd voxel goes at the end)
    np.testing.assert_allclose(centre_out[:3], centre_in[:3], atol=1.25 / 2 + 1e-9)


def test_same_seed_gives_the_identical_sample(scan):
    first, second = PIPELINE(scan, rng=5), PIPELINE(scan, rng=5)
    assert_same_volume(first, second)
    assert first.history == second.history


def test_the_history_replays_the_whole_pipeline_exactly(scan):
    out = PIPELINE(scan, rng=sample_rng(11, index=2))
    names = [r.name for r in out.history]
    assert names[:2] == ["resample", "crop_or_pad"] and names[-1] == "test_integration_zscore"
    replayed = replay(scan, out.history)
    assert_same_volume(replayed, out)
    assert replayed.history == out.history


def test_a_json_round_trip_of_the_history_replays_identically(scan):
    out = PIPELINE(scan, rng=3)
    records = records_from_json(records_to_json(out.history))
    assert records == out.history
    assert_same_volume(replay(scan, records), out)


def test_replaying_from_the_preprocessed_scan_applies_only_the_augmentation(scan):
    preprocessed = PREPROCESS(scan)
    out = Compose([AUGMENT_GEOMETRY, INTENSITY])(preprocessed, rng=8)
    replayed = replay(preprocessed, out.history)
    assert_same_volume(replayed, out)
    assert len(replayed.history) == len(out.history)


def test_different_sample_seeds_give_different_draws(scan):
    outputs = [PIPELINE(scan, rng=sample_rng(0, index=i)) for i in range(4)]
    drawn = {records_to_json(out.history) for out in outputs}
    assert len(drawn) == 4
    for a, b in zip(outputs, outputs[1:]):
        assert not np.array_equal(a.image, b.image)
