"""Compose, RandomApply, OneOf, per-sample seeding and safe saving."""

from __future__ import annotations

import functools
import os

import nibabel as nib
import numpy as np
import pytest

from tutorial_utils import Volume, augment_and_save, replay
from tutorial_utils.io import save_volume
from tutorial_utils.pipeline import Compose, OneOf, RandomApply
from tutorial_utils.records import random_transform, records_from_json, volume_transform
from tutorial_utils.seeding import sample_rng


@volume_transform("test_pipeline_shift_values")
def _shift_values(volume: Volume, *, amount: float) -> Volume:
    return volume.replace(image=volume.image + np.float32(amount))


@random_transform
def random_shift_values(volume: Volume, *, rng=None) -> Volume:
    generator = np.random.default_rng(rng)
    return _shift_values(volume, amount=float(generator.normal()))


def append_marker(volume: Volume, *, marker: float, rng=None) -> Volume:
    """Deterministic step that shows the order steps ran in."""
    return volume.replace(image=volume.image * 10 + marker)


def _volume() -> Volume:
    image = np.arange(27, dtype=np.float32).reshape(3, 3, 3)
    return Volume(image, np.diag([1.0, 2.0, 3.0, 1.0]), (image % 4).astype(np.uint8))


def test_compose_applies_steps_in_order():
    pipeline = Compose([functools.partial(append_marker, marker=1), functools.partial(append_marker, marker=2)])
    out = pipeline(Volume(np.zeros((2, 2, 2)), np.eye(4)))
    assert float(out.image[0, 0, 0]) == 12.0  # (0 * 10 + 1) * 10 + 2


def test_steps_without_an_rng_parameter_are_called_with_the_volume_only():
    def double(volume):
        return volume.replace(image=volume.image * 2)

    def plus_one(volume, **_):
        return volume.replace(image=volume.image + 1)

    pipeline = Compose([double, functools.partial(append_marker, marker=1), plus_one, random_shift_values])
    out = pipeline(Volume(np.ones((2, 2, 2)), np.eye(4)), rng=0)
    assert [r.name for r in out.history] == ["test_pipeline_shift_values"]
    assert float(out.image[0, 0, 0]) == pytest.approx(22 + out.history[0].params["amount"])


def test_same_seed_same_sample_and_the_record_replays_it_exactly():
    pipeline = Compose([random_shift_values, RandomApply(random_shift_values, p=0.5), random_shift_values])
    first = pipeline(_volume(), rng=7)
    np.testing.assert_array_equal(first.image, pipeline(_volume(), rng=7).image)
    replayed = replay(_volume(), first.history)
    np.testing.assert_array_equal(replayed.image, first.image)
    assert len(first.history) == 3


def test_other_seeds_give_other_samples():
    pipeline = Compose([random_shift_values])
    draws = {float(pipeline(_volume(), rng=seed).image[0, 0, 0]) for seed in range(10)}
    assert len(draws) == 10


def test_random_apply_with_p_0_is_the_identity_and_p_1_always_applies():
    volume = _volume()
    for seed in range(20):
        skipped = RandomApply(random_shift_values, p=0.0)(volume, rng=seed)
        np.testing.assert_array_equal(skipped.image, volume.image)
        assert skipped.history[0].name == "skipped"
        applied = RandomApply(random_shift_values, p=1.0)(volume, rng=seed)
        assert applied.history[0].name == "test_pipeline_shift_values"


def test_random_apply_applies_at_about_the_requested_rate():
    rng = np.random.default_rng(0)
    applied = sum(
        RandomApply(random_shift_values, p=0.3)(_volume(), rng=rng).history[0].name != "skipped" for _ in range(2000)
    )
    assert 0.26 < applied / 2000 < 0.34


def test_one_of_respects_its_weights():
    first = functools.partial(append_marker, marker=1)
    second = functools.partial(append_marker, marker=2)
    chooser = OneOf([first, second], weights=[1, 3])
    rng = np.random.default_rng(1)
    markers = [float(chooser(Volume(np.zeros((2, 2, 2)), np.eye(4)), rng=rng).image[0, 0, 0]) for _ in range(2000)]
    assert 0.70 < markers.count(2.0) / 2000 < 0.80


def test_label_follows_the_same_draw_as_the_image():
    def shift_both(volume, *, rng=None):
        k = int(np.random.default_rng(rng).integers(1, 3))
        return volume.replace(image=np.roll(volume.image, k, 0), label=np.roll(volume.label, k, 0))

    out = Compose([shift_both, shift_both])(_volume(), rng=3)
    np.testing.assert_array_equal(out.label, (out.image % 4).astype(np.uint8))


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: Compose("flip"), TypeError, "transforms must be a list"),
        (lambda: Compose([42]), TypeError, r"transforms\[0\] must be a callable"),
        (lambda: RandomApply(random_shift_values, p=1.5), ValueError, r"p must be in \[0, 1\]"),
        (lambda: OneOf([]), ValueError, "transforms must be a non-empty list"),
        (lambda: OneOf([random_shift_values], weights=[1, 2]), ValueError, "weights must have one entry"),
        (lambda: OneOf([random_shift_values], weights=[-1]), ValueError, "weights must be finite, >= 0"),
    ],
)
def test_bad_pipeline_definitions_are_refused(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_a_step_that_returns_an_array_is_a_clear_error():
    with pytest.raises(TypeError, match="must return a Volume"):
        Compose([lambda volume, rng=None: volume.image])(_volume())


def test_sample_streams_differ_between_samples_and_repeat_across_runs():
    first = [sample_rng(5, index=i).integers(0, 2**32, 4).tolist() for i in range(8)]
    again = [sample_rng(5, index=i).integers(0, 2**32, 4).tolist() for i in range(8)]
    assert first == again
    assert len({tuple(draws) for draws in first}) == 8
    assert sample_rng(5, index=0, epoch=1).random() != sample_rng(5, index=0, epoch=0).random()


def test_saved_volume_reloads_with_the_same_arrays_affine_and_history(tmp_path):
    volume = random_shift_values(_volume(), rng=0)
    paths = save_volume(volume, tmp_path / "out", "case")
    image = nib.load(paths["image"])
    np.testing.assert_array_equal(image.get_fdata(dtype=np.float32), volume.image)
    np.testing.assert_allclose(image.affine, volume.affine)
    assert image.header.get_qform(coded=True)[1] == 1
    np.testing.assert_array_equal(np.asanyarray(nib.load(paths["label"]).dataobj), volume.label)
    assert records_from_json(paths["history"].read_text()) == volume.history
    assert sorted(os.listdir(tmp_path / "out")) == ["case.nii.gz", "case_history.json", "case_label.nii.gz"]


def test_saving_into_a_file_or_an_uncreatable_folder_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match="is a file"):
        save_volume(_volume(), tmp_path / "file", "case")
    with pytest.raises(OSError, match="cannot be created"):
        save_volume(_volume(), "/proc/no-such-folder", "case")


def test_saving_into_a_read_only_folder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as root, chmod alone would not stop us
    with pytest.raises(PermissionError, match="is not writable"):
        save_volume(_volume(), tmp_path, "case")
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_no_file_behind(tmp_path, monkeypatch):
    def broken_save(image, filename):
        with open(filename, "wb") as handle:
            handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(nib, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_volume(_volume(), tmp_path, "case")
    assert os.listdir(tmp_path) == []


def test_batch_output_does_not_depend_on_the_number_of_processes(tmp_path):
    volumes = [_volume(), _volume(), _volume()]
    one = augment_and_save(volumes, random_shift_values, tmp_path / "one", seed=3, progress=False)
    two = augment_and_save(volumes, random_shift_values, tmp_path / "two", seed=3, processes=2, progress=False)
    images = [nib.load(p["image"]).get_fdata() for p in one]
    for paths, expected in zip(two, images):
        np.testing.assert_array_equal(nib.load(paths["image"]).get_fdata(), expected)
    assert len({float(im[0, 0, 0]) for im in images}) == 3


def test_batch_refuses_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match=r"volumes\[1\] must be a Volume"):
        augment_and_save([_volume(), "x"], random_shift_values, tmp_path, progress=False)
    with pytest.raises(ValueError, match="processes must be >= 1"):
        augment_and_save([_volume()], random_shift_values, tmp_path, processes=0, progress=False)


def test_naive_global_state_workers_repeat_each_others_draws():
    from tutorial_utils.naive.pipeline import forked_global_draws

    first, second = forked_global_draws(n_workers=2, draws_per_worker=3)
    assert first == second


def test_repr_shows_nested_steps_and_the_fixed_parameters():
    inner = Compose([functools.partial(append_marker, marker=2)])
    text = repr(Compose([RandomApply(random_shift_values, p=0.25), inner]))
    assert text == (
        "Compose([\n"
        "    RandomApply(random_shift_values, p=0.25),\n"
        "    Compose([\n"
        "        append_marker(marker=2),\n"
        "    ]),\n"
        "])"
    )
