"""tu.segmentation_metrics and the surface distances under it: by hand, brute force, and against MONAI."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

import tutorial_utils as tu
from tutorial_utils.evaluation import hausdorff_distance, mask_edges, surface_distances

SPACING = (0.8, 1.2, 3.0)


def scan_with(label: np.ndarray, spacing=SPACING) -> tu.Volume:
    affine = np.diag([*spacing, 1.0])
    affine[:3, 3] = (-10.0, 4.0, 30.0)
    return tu.Volume(np.zeros(label.shape, np.float32), affine, label)


def box_label(shape=(20, 18, 12), boxes=(((4, 12), (3, 11), (2, 8), 1), ((14, 18), (10, 16), (5, 10), 2))):
    label = np.zeros(shape, np.uint8)
    for (i0, i1), (j0, j1), (k0, k1), value in boxes:
        label[i0:i1, j0:j1, k0:k1] = value
    return label


def test_a_perfect_prediction_has_dice_1_hd95_0_and_the_volume_computed_by_hand():
    label = box_label()
    reference = scan_with(label)
    table = tu.segmentation_metrics(label.copy(), reference)
    assert table["class"].tolist() == [1, 2]
    assert table["dice"].tolist() == [1.0, 1.0]
    assert table["hd95_mm"].tolist() == [0.0, 0.0]
    voxel_ml = 0.8 * 1.2 * 3.0 / 1000.0  # mm^3 per voxel, in mL
    assert table["reference_ml"].tolist() == pytest.approx([8 * 8 * 6 * voxel_ml, 4 * 6 * 5 * voxel_ml], rel=1e-12)
    assert table["volume_ml"].tolist() == table["reference_ml"].tolist()
    assert table["volume_error_ml"].tolist() == [0.0, 0.0]
    assert table["empty"].tolist() == ["", ""]


def test_the_volume_comes_from_the_determinant_of_an_oblique_affine():
    label = box_label()
    rotation = np.array([[np.cos(0.3), -np.sin(0.3), 0.0], [np.sin(0.3), np.cos(0.3), 0.0], [0.0, 0.0, 1.0]])
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag(SPACING)
    reference = tu.Volume(np.zeros(label.shape, np.float32), affine, label)
    table = tu.segmentation_metrics(label, reference, classes=[1])
    assert table["reference_ml"].iloc[0] == pytest.approx(8 * 8 * 6 * 0.8 * 1.2 * 3.0 / 1000.0, rel=1e-9)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_a_one_voxel_shift_on_an_anisotropic_grid_gives_hd95_equal_to_that_axis_spacing(axis):
    label = box_label()
    shifted = np.roll(label, 1, axis=axis)
    table = tu.segmentation_metrics(shifted, scan_with(label))
    assert table["hd95_mm"].tolist() == pytest.approx([SPACING[axis]] * 2, abs=1e-9)
    assert (table["dice"] < 1).all() and (table["dice"] > 0.5).all()


def test_an_empty_prediction_scores_dice_0_and_the_grid_diagonal_never_nan():
    label = box_label()
    prediction = np.where(label == 2, 0, label).astype(np.uint8)  # class 2 missed entirely
    reference = scan_with(label)
    table = tu.segmentation_metrics(prediction, reference).set_index("class")
    diagonal = float(np.linalg.norm(np.array(label.shape) * np.array(SPACING)))
    assert table.loc[2, "dice"] == 0.0
    assert table.loc[2, "hd95_mm"] == pytest.approx(diagonal)
    assert table.loc[2, "empty"] == "prediction"
    assert table.loc[2, "volume_ml"] == 0.0 and table.loc[2, "volume_error_ml"] < 0
    assert table.loc[1, "empty"] == "" and table.loc[1, "dice"] == 1.0
    assert not table.isna().any().any()


def test_an_empty_reference_and_a_class_found_in_neither_have_documented_values():
    label = box_label()
    reference = scan_with(np.where(label == 2, 0, label).astype(np.uint8))
    table = tu.segmentation_metrics(label, reference, classes={1: "lung", 2: "liver", 3: "bone"}).set_index("name")
    assert table.loc["liver", "empty"] == "reference" and table.loc["liver", "dice"] == 0.0
    assert np.isfinite(table.loc["liver", "hd95_mm"]) and table.loc["liver", "hd95_mm"] > 0
    assert table.loc["bone", "empty"] == "both"
    assert (table.loc["bone", "dice"], table.loc["bone", "hd95_mm"], table.loc["bone", "volume_ml"]) == (1.0, 0.0, 0.0)
    assert not table.isna().any().any()


def test_the_dice_column_is_dice_scores():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 3, (12, 10, 8)).astype(np.uint8)
    guess = np.where(rng.random(truth.shape) < 0.3, rng.integers(0, 3, truth.shape), truth).astype(np.uint8)
    table = tu.segmentation_metrics(guess, scan_with(truth))
    assert dict(zip(table["class"], table["dice"])) == tu.dice_scores(truth, guess)


def test_a_prediction_volume_on_the_grid_works_and_read_only_inputs_are_left_alone():
    label = box_label()
    label.flags.writeable = False
    reference = scan_with(label)
    prediction = reference.replace(label=np.roll(label, 1, axis=0))
    before = prediction.label.copy()
    table = tu.segmentation_metrics(prediction, reference)
    assert table["hd95_mm"].tolist() == pytest.approx([0.8, 0.8])
    assert np.array_equal(prediction.label, before)


def test_bad_inputs_are_refused_with_what_was_expected():
    label = box_label()
    reference = scan_with(label)
    with pytest.raises(ValueError, match="tu.invert"):
        tu.segmentation_metrics(label[:-1], reference)
    with pytest.raises(ValueError, match="reference's grid"):
        tu.segmentation_metrics(scan_with(label, spacing=(1.0, 1.0, 1.0)), reference)
    with pytest.raises(TypeError, match="reference must be a Volume with a label"):
        tu.segmentation_metrics(label, label)
    with pytest.raises(TypeError, match="classes"):
        tu.segmentation_metrics(label, reference, classes="liver")
    with pytest.raises(TypeError, match="int label values"):
        tu.segmentation_metrics(label, reference, classes=[1.5])
    with pytest.raises(TypeError, match="boolean mask"):
        surface_distances(label, label)
    with pytest.raises(ValueError, match="at least one voxel"):
        surface_distances(label == 1, label == 7)
    with pytest.raises(ValueError, match="percentile"):
        hausdorff_distance(label == 1, label == 1, percentile=101)


def brute_force(a: np.ndarray, b: np.ndarray, spacing) -> tuple[np.ndarray, np.ndarray]:
    """Surface distances from all pairs of surface-voxel centres, in mm (no distance transform)."""
    pa = np.argwhere(mask_edges(a)) * np.asarray(spacing)
    pb = np.argwhere(mask_edges(b)) * np.asarray(spacing)
    pairs = cdist(pa, pb)
    return pairs.min(axis=1), pairs.min(axis=0)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), spacing=st.tuples(*[st.floats(0.5, 4.0)] * 3))
def test_surface_distances_equal_the_brute_force_distances(seed, spacing):
    rng = np.random.default_rng(seed)
    a, b = (rng.random((9, 8, 7)) < p for p in (0.3, 0.5))
    a[4, 4, 3] = b[0, 0, 0] = True  # never empty
    ours = surface_distances(a, b, spacing)
    reference = brute_force(a, b, spacing)
    for mine, theirs in zip(ours, reference):
        assert np.allclose(np.sort(mine), np.sort(theirs), atol=1e-9)


def random_blobs(rng: np.random.Generator, shape=(24, 20, 14)) -> np.ndarray:
    """Two smooth random classes, so the surfaces are irregular but connected."""
    from scipy import ndimage

    field = ndimage.gaussian_filter(rng.standard_normal(shape), 2.0)
    return np.digitize(field, np.quantile(field, [0.6, 0.85])).astype(np.uint8)


@pytest.mark.filterwarnings("ignore:monai.metrics.utils get_mask_edges:FutureWarning")
@pytest.mark.parametrize("seed", range(4))
def test_dice_and_hd95_agree_with_monai(seed):
    torch = pytest.importorskip("torch")
    metrics = pytest.importorskip("monai.metrics")
    rng = np.random.default_rng(seed)
    spacing = tuple(float(s) for s in rng.uniform(0.5, 3.0, 3))
    truth = random_blobs(rng)
    guess = np.roll(truth, int(rng.integers(1, 3)), axis=int(rng.integers(3)))
    guess[rng.random(truth.shape) < 0.01] = 1  # a few stray voxels: what HD95 is made to ignore
    table = tu.segmentation_metrics(guess, scan_with(truth, spacing), classes=[1, 2])

    def one_hot(label):
        return torch.nn.functional.one_hot(torch.from_numpy(label.astype(np.int64)), 3).permute(3, 0, 1, 2)[None]

    dice = metrics.compute_dice(one_hot(guess), one_hot(truth), include_background=False)[0].numpy()
    hd95 = metrics.compute_hausdorff_distance(
        one_hot(guess), one_hot(truth), include_background=False, percentile=95, spacing=spacing
    )[0].numpy()
    assert np.allclose(table["dice"], dice, atol=1e-6)
    assert np.all(
        np.abs(table["hd95_mm"] - hd95) <= np.linalg.norm(spacing)
    )  # the tolerance: one voxel diagonal
    assert np.allclose(table["hd95_mm"], hd95, atol=1e-4)  # in fact the same definition: equal to float32 rounding
