"""The capstone's data and settings (no PyTorch): the other hospital's scans, the classes, the pipelines, the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tutorial_utils as tu
from tutorial_utils import capstone
from tutorial_utils.heldout import HELDOUT_ORIENTATIONS


def test_heldout_scans_are_reproducible_and_differ_from_the_training_data_as_sites_do():
    for index in range(3):
        scan = tu.make_heldout_scan(index, scale=0.1)
        assert "".join(scan.axcodes) == HELDOUT_ORIENTATIONS[index % 3]
        assert "".join(scan.axcodes) not in ("LPS", "RAS", "LAS")  # the training data's orientations
        assert scan.spacing[2] in (3.0, 5.0) and 0.85 <= scan.spacing[0] <= 1.0
        assert scan.history == () and set(np.unique(scan.label)) <= set(tu.CT_PHANTOM_LABELS)
        assert np.array_equal(scan.image, np.rint(scan.image))  # whole HU, as stored in int16
        again = tu.make_heldout_scan(index, scale=0.1)
        assert np.array_equal(scan.image, again.image) and np.array_equal(scan.affine, again.affine)
    assert not np.array_equal(
        tu.make_heldout_scan(0, scale=0.1).image, tu.make_heldout_scan(0, seed=1, scale=0.1).image
    )


def test_heldout_noise_and_offset_are_what_the_parameters_say():
    p = tu.heldout_parameters(0, 2, scale=0.1)
    scan = tu.reorient(tu.make_heldout_scan(2, scale=0.1), axcodes="RAS")
    air = scan.image[scan.label == 0]  # air: -1000 HU plus the offset and the noise (blurred a little at the skin)
    assert abs(np.median(air) - (-1000 + p["hu_offset"])) < 3
    assert abs(np.std(air) - p["noise_std"]) < 0.15 * p["noise_std"]


def test_bad_heldout_arguments_are_refused():
    with pytest.raises(ValueError, match="scale"):
        tu.make_heldout_scan(0, scale=2.0)
    with pytest.raises(ValueError, match="index"):
        tu.make_heldout_scan(-1)


def test_to_classes_keeps_lung_and_liver_only():
    volume = capstone.to_classes(tu.make_ct_phantom(shape=(24, 24, 16)))
    phantom = tu.make_ct_phantom(shape=(24, 24, 16))
    assert np.array_equal(volume.label == 1, phantom.label == 3)
    assert np.array_equal(volume.label == 2, phantom.label == 4)
    assert set(np.unique(volume.label)) == {0, 1, 2}
    with pytest.raises(ValueError, match="label"):
        capstone.to_classes(tu.Volume(np.zeros((4, 4, 4)), np.eye(4)))


def test_the_settings_preprocess_as_described():
    scan = tu.make_heldout_scan(0, scale=0.1)
    naive = capstone.naive_preprocessing((32, 32, 16))(scan)
    assert naive.shape == (32, 32, 16) and naive.axcodes == scan.axcodes  # resized, never reoriented
    assert abs(float(naive.image.mean())) < 1e-3 and abs(float(naive.image.std()) - 1) < 1e-3
    plan = tu.PreprocessingPlan((1.0, 1.0, 2.0), (32, 32, 16), "ct", clip=(-900.0, 1000.0), mean=0.0, std=300.0)
    prepared = capstone.inference_preprocessing(plan)(scan)
    assert [r.name for r in prepared.history] == ["reorient", "resample", "ct_normalize"]  # no crop: all of it
    assert prepared.axcodes == ("R", "A", "S") and prepared.spacing == (1.0, 1.0, 2.0)


def test_the_training_transforms_give_one_patch_shape():
    volume = capstone.to_classes(tu.make_ct_phantom(shape=(40, 40, 24)))
    small = (16, 16, 8)
    for transform in (capstone.patch_sampler(small), capstone.augmentation(small)):
        for seed in range(3):
            assert transform(volume, rng=seed).shape == small


def results_frame() -> pd.DataFrame:
    rows = []
    for setting, dice in (("a", 0.5), ("b", 0.8), ("c", 0.81)):
        for seed in range(3):
            for scan in ("s1", "s2"):
                d = dice + 0.01 * seed
                rows.append((setting, seed, "other", scan, "liver", d, 10 * (1 - d), 5.0 * (1 - d)))
    return pd.DataFrame(
        rows, columns=["setting", "seed", "site", "scan", "name", "dice", "hd95_mm", "abs_volume_error_ml"]
    )


def test_the_summary_is_the_mean_over_scans_then_mean_and_sd_over_seeds():
    runs = pd.DataFrame({"setting": ["a", "a", "a", "b", "b", "b", "c", "c", "c"], "seconds": [10, 12, 14] * 3})
    summary = capstone.summarize(results_frame(), runs).set_index("setting")
    assert summary.loc["b", "dice_mean"] == pytest.approx(0.81)
    assert summary.loc["b", "dice_std"] == pytest.approx(0.01)  # sample sd of 0.80, 0.81, 0.82
    assert summary.loc["a", "train_seconds_mean"] == pytest.approx(12)
    lines = capstone.comparisons(summary.reset_index())
    assert any("(b) - (a): Dice +0.3 (exceeds" in line for line in lines)
    assert any("(c) - (b): Dice +0.01 (within" in line for line in lines)
    table = capstone.markdown(summary.reset_index())
    assert "| other | liver | (b) plan: reorient, resample, CT normalization | 0.810 ± 0.010 |" in table
    assert capstone.summary_table(summary.reset_index())["setting"].str[:3].tolist() == ["(a)", "(b)", "(c)"]


def test_one_seed_gives_no_verdict_on_the_seed_spread():
    results = results_frame().query("seed == 0")
    runs = pd.DataFrame({"setting": ["a", "b", "c"], "seconds": [10, 11, 12]})
    summary = capstone.summarize(results, runs)
    lines = capstone.comparisons(summary)
    assert lines and all("one seed: no seed spread to compare with" in line for line in lines)
    assert not any("nan" in line or "within" in line or "exceeds" in line for line in lines)
    assert "±" not in capstone.markdown(summary)
