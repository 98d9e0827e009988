"""The check functions of notebook 10's exercises accept the right answers and explain the wrong ones."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

import tutorial_utils as tu
from tutorial_utils.exercises import nb10


@pytest.fixture(scope="module")
def scans():
    mni = tu.load_sample("mni")
    small = tu.Volume(mni.image[::2, ::2, ::2], mni.affine @ np.diag([2.0, 2.0, 2.0, 1.0]), mni.label[::2, ::2, ::2])
    preprocessed = tu.Compose(
        [partial(tu.resample_to_spacing, spacing=3.0), partial(tu.crop_or_pad_volume, shape=(56, 60, 48))]
    )(small)
    return small, preprocessed


def test_exercise_1(capsys):
    shape = (120, 144, 120)
    right = (nb10.count_patches(shape, 64, 0.5), nb10.count_patches(shape, 64, 0.25))
    assert right == (3 * 4 * 3, 3 * 3 * 3)  # 120: starts 0, 32, 56; 144: 0, 32, 64, 80
    assert nb10.check_exercise_1(right, shape)
    assert not nb10.check_exercise_1((1, 2), shape)
    assert not nb10.check_exercise_1("many", shape)
    assert "tu.inference.patch_starts" in capsys.readouterr().out


def test_exercise_2(scans, capsys):
    small, preprocessed = scans
    ones = preprocessed.replace(label=np.ones(preprocessed.shape, np.uint8))
    mask = tu.invert(ones, preprocessed.history, original=small, intensity="keep").label > 0
    assert 0 < mask.sum() < mask.size
    assert nb10.check_exercise_2(mask, small, preprocessed)
    assert not nb10.check_exercise_2(np.ones_like(mask), small, preprocessed)
    assert not nb10.check_exercise_2(mask[1:], small, preprocessed)
    assert "cropped away" in capsys.readouterr().out


def test_exercise_3(scans):
    small, preprocessed = scans
    model = tu.IntensityModel.fit(preprocessed, smoothing=1.0)
    mean, _ = tu.predict_with_tta(preprocessed, model, tu.flip_transforms((0,)))
    back = tu.invert(mean, preprocessed.history, original=small, reference=preprocessed)
    dice = tu.dice_scores(small.label, back.argmax(axis=0).astype(np.uint8), (2, 3))
    assert nb10.check_exercise_3(dice, mean, small, preprocessed)
    assert not nb10.check_exercise_3({2: 0.5, 3: 0.5}, mean, small, preprocessed)
    assert not nb10.check_exercise_3([0.9, 0.9], mean, small, preprocessed)
