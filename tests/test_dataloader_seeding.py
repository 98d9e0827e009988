"""What a real PyTorch DataLoader (two workers, two epochs) does with random numbers: notebook 07, section 4.

torch is a CI-only test dependency (``.ci/run`` installs it): readers never
need it. Without torch these tests skip, except under ``CI=true``, where a
missing torch is a failure, so CI cannot pass by skipping them.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from tutorial_utils.naive.pipeline import (
    GeneratorInInitAngles,
    GlobalStateAngles,
    SampleRngAngles,
    dataloader_draws,
    loader_draws,
)
from tutorial_utils.seeding import AugmentedVolumes, seed_worker


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


if _in_ci():
    try:
        import torch
    except ImportError:  # pragma: no cover - a broken CI set-up
        pytest.fail("torch is not installed (CI=true: .ci/run installs torch==2.13.0)", pytrace=False)
else:
    torch = pytest.importorskip("torch", reason="torch is a CI-only test dependency")

from torch.utils.data import DataLoader, get_worker_info  # noqa: E402
from torch.utils.data._utils.worker import _generate_state  # noqa: E402

WORKERS = 2
EPOCHS = 2
LENGTH = 8


class WhoDrewWhat:
    """Dataset that reports, per sample, the worker, its seed and its first global ``np.random`` draw."""

    def __len__(self) -> int:
        return 4

    def __getitem__(self, index: int) -> tuple[int, int, int, float]:
        info = get_worker_info()
        return index, info.id, info.seed, float(np.random.random())


def run(dataset, *, num_workers=WORKERS, epochs=EPOCHS, seed=0, **options):
    """``draws[epoch][index] = (worker, value)`` from a real DataLoader (batch_size=None, no shuffling)."""
    return dataloader_draws(dataset, num_workers=num_workers, epochs=epochs, seed=seed, **options)


def values(draws, epoch, worker=None):
    return [value for w, value in draws[epoch] if worker is None or w == worker]


def test_each_worker_seeds_numpy_from_the_base_seed_and_its_id_with_generate_state():
    loader = DataLoader(WhoDrewWhat(), batch_size=None, num_workers=WORKERS, generator=torch.Generator().manual_seed(0))
    seen = {}
    for epoch in range(EPOCHS):
        for index, worker, seed, value in loader:
            seen.setdefault((epoch, int(worker)), (int(index), int(seed), float(value)))
    base_seeds = set()
    for (_, worker), (_, seed, value) in seen.items():
        base_seed = seed - worker
        base_seeds.add(base_seed)
        expected = np.random.RandomState(_generate_state(base_seed, worker)).random()
        assert value == expected
    assert len(base_seeds) == EPOCHS, "the base seed is drawn anew for every epoch"


def test_without_shuffling_sample_index_comes_from_worker_index_mod_num_workers():
    for epoch in run(WhoDrewWhat()):
        for dealt_to, (index, worker, _, _) in epoch:
            assert dealt_to == int(worker) == int(index) % WORKERS


def test_global_state_draws_differ_between_workers_and_epochs_inside_a_dataloader():
    draws = run(GlobalStateAngles(LENGTH))
    assert values(draws, 0, worker=0) != values(draws, 0, worker=1)
    assert values(draws, 0) != values(draws, 1)


def test_global_state_draws_repeat_with_a_seeded_generator_but_depend_on_num_workers():
    assert run(GlobalStateAngles(LENGTH)) == run(GlobalStateAngles(LENGTH))
    one = values(run(GlobalStateAngles(LENGTH), num_workers=1), 0)
    two = values(run(GlobalStateAngles(LENGTH), num_workers=2), 0)
    assert one != two


def test_a_generator_created_in_init_is_copied_into_every_worker_and_repeats_every_epoch():
    draws = run(GeneratorInInitAngles(LENGTH, seed=0))
    assert values(draws, 0, worker=0) == values(draws, 0, worker=1)
    assert values(draws, 0) == values(draws, 1)


def test_with_persistent_workers_the_copied_generator_moves_on_but_workers_still_agree():
    draws = run(GeneratorInInitAngles(LENGTH, seed=0), persistent_workers=True)
    assert values(draws, 0, worker=0) == values(draws, 0, worker=1)
    assert values(draws, 1, worker=0) == values(draws, 1, worker=1)
    assert values(draws, 0) != values(draws, 1)


def test_seed_worker_gives_every_worker_its_own_generator_every_epoch():
    draws = run(GeneratorInInitAngles(LENGTH, seed=0), worker_init_fn=seed_worker)
    assert values(draws, 0, worker=0) != values(draws, 0, worker=1)
    assert values(draws, 0) != values(draws, 1)


def test_per_sample_generators_do_not_depend_on_the_workers_and_change_every_epoch():
    in_process = run(SampleRngAngles(LENGTH, seed=0), num_workers=0)
    for num_workers in (1, 2):
        assert run(SampleRngAngles(LENGTH, seed=0), num_workers=num_workers) == [
            [(i % num_workers, v) for i, (_, v) in enumerate(epoch)] for epoch in in_process
        ]
    assert values(in_process, 0) != values(in_process, 1)


@pytest.mark.parametrize("dataset_class", [GeneratorInInitAngles, SampleRngAngles])
def test_the_notebook_imitation_without_torch_matches_the_real_dataloader(dataset_class):
    assert loader_draws(dataset_class(LENGTH), num_workers=WORKERS, epochs=EPOCHS) == run(dataset_class(LENGTH))


def test_the_notebook_imitation_shows_the_same_pattern_for_the_global_state():
    imitated = loader_draws(GlobalStateAngles(LENGTH), num_workers=WORKERS, epochs=EPOCHS)
    assert values(imitated, 0, worker=0) != values(imitated, 0, worker=1)
    assert values(imitated, 0) != values(imitated, 1)
    one = loader_draws(GlobalStateAngles(LENGTH), num_workers=1, epochs=1)
    assert values(one, 0) != values(imitated, 0)


def test_augmented_volumes_in_two_workers_give_what_the_main_process_computes(tiny_volume_factory):
    from functools import partial

    import tutorial_utils as tu

    volumes = [tiny_volume_factory(seed) for seed in range(4)]
    dataset = AugmentedVolumes(volumes, partial(tu.random_affine, degrees=10), seed=3)
    loader = DataLoader(dataset, batch_size=2, num_workers=WORKERS, generator=torch.Generator().manual_seed(0))
    for epoch in range(EPOCHS):
        dataset.set_epoch(epoch)
        for step, (images, labels) in enumerate(loader):
            for offset in range(2):
                image, label = dataset[2 * step + offset]
                np.testing.assert_array_equal(images[offset].numpy(), image)
                np.testing.assert_array_equal(labels[offset].numpy(), label)
    assert images.dtype == torch.float32 and labels.dtype == torch.int64


@pytest.fixture
def tiny_volume_factory():
    from tutorial_utils import Volume

    def make(seed):
        rng = np.random.default_rng(seed)
        image = rng.normal(size=(12, 10, 8)).astype(np.float32)
        label = (image > 0).astype(np.uint8)
        return Volume(image, np.diag([1.0, 1.0, 2.0, 1.0]), label)

    return make
