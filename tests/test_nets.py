"""tutorial_utils.nets: the U-Net's shapes, the loss, deterministic training, atomic checkpoints, the predictor.

torch is an optional extra (``pip install -e ".[torch]"``); CI installs it
(``.ci/run``). Without torch these tests skip, except under ``CI=true``,
where a missing torch fails, so CI cannot pass by skipping them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import partial

import numpy as np
import pytest

import tutorial_utils as tu

if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
    import torch
else:
    torch = pytest.importorskip("torch", reason="torch is an optional extra: pip install -e '.[torch]'")

from tutorial_utils import capstone, nets  # noqa: E402


def tiny_volumes(n: int = 3) -> list[tu.Volume]:
    """Small phantoms whose lung and liver become the classes 1 and 2."""
    return [capstone.to_classes(tu.make_ct_phantom(shape=(24, 24, 16), noise_std=5.0, rng=i)) for i in range(n)]


def patches(volume, *, rng=None):
    return tu.normalize_volume(tu.random_crop(volume, size=(16, 16, 8), rng=rng), method="zscore", mask=None)


def run(seed: int, iterations: int = 3, num_workers: int = 0):
    nets.seed_everything(seed)
    net = nets.UNet3d(1, 3, features=(4, 8), deep_supervision=True)
    loader = nets.make_loader(
        tiny_volumes(), patches, iterations=iterations, batch_size=2, num_workers=num_workers, seed=seed
    )
    result = nets.train(net, loader, progress=False)
    return net, result


def test_the_unet_keeps_the_spatial_shape_and_gives_one_logit_per_class():
    net = nets.UNet3d(1, 3, features=(4, 8, 16)).eval()
    assert tuple(net(torch.zeros(2, 1, 16, 12, 8)).shape) == (2, 3, 16, 12, 8)
    assert net.divisor == 4


def test_deep_supervision_returns_every_decoder_stage_in_training_only():
    net = nets.UNet3d(1, 3, features=(4, 8, 16), deep_supervision=True)
    outputs = net.train()(torch.zeros(1, 1, 16, 16, 8))
    assert [tuple(o.shape[2:]) for o in outputs] == [(16, 16, 8), (8, 8, 4)]
    assert tuple(net.eval()(torch.zeros(1, 1, 16, 16, 8)).shape) == (1, 3, 16, 16, 8)


def test_bad_networks_and_inputs_are_refused():
    with pytest.raises(ValueError, match="n_classes"):
        nets.UNet3d(1, 1)
    with pytest.raises(ValueError, match="features"):
        nets.UNet3d(1, 2, features=(8,))
    with pytest.raises(ValueError, match="multiple of 4"):
        nets.UNet3d(1, 2, features=(4, 8, 16))(torch.zeros(1, 1, 16, 16, 6))
    with pytest.raises(ValueError, match=r"\(B, 1, I, J, K\)"):
        nets.UNet3d(1, 2)(torch.zeros(1, 16, 16, 8))


def test_the_loss_is_minus_one_for_a_confident_perfect_prediction_and_higher_otherwise():
    target = torch.zeros(2, 8, 8, 4, dtype=torch.long)
    target[:, 2:6, 2:6] = 1
    target[:, :2] = 2
    perfect = 30.0 * torch.nn.functional.one_hot(target, 3).movedim(-1, 1).float()
    assert float(nets.dice_ce_loss(perfect, target)) == pytest.approx(-1.0, abs=1e-6)
    wrong = 30.0 * torch.nn.functional.one_hot((target + 1) % 3, 3).movedim(-1, 1).float()
    assert float(nets.dice_ce_loss(wrong, target)) > 10
    half = torch.nn.functional.avg_pool3d(perfect, 2)  # deep supervision: the target is subsampled to fit
    assert float(nets.dice_ce_loss([perfect, half], target)) < 0
    with pytest.raises(ValueError, match="int64"):
        nets.dice_ce_loss(perfect, target.float())


def test_deep_supervision_weights_halve_and_drop_the_lowest_as_nnunet():
    assert nets.deep_supervision_weights(2) == pytest.approx([2 / 3, 1 / 3])
    assert nets.deep_supervision_weights(4) == pytest.approx([4 / 7, 2 / 7, 1 / 7, 0.0])


def test_training_is_deterministic_for_a_seed_and_differs_between_seeds():
    net_a, result_a = run(seed=1)
    net_b, result_b = run(seed=1)
    net_c, result_c = run(seed=2)
    assert result_a.losses == result_b.losses
    assert all(torch.equal(x, y) for x, y in zip(net_a.state_dict().values(), net_b.state_dict().values()))
    assert result_a.losses != result_c.losses
    assert torch.are_deterministic_algorithms_enabled()


def test_the_batches_do_not_depend_on_the_number_of_workers():
    volumes = tiny_volumes()
    batches = [
        [b for b in nets.make_loader(volumes, patches, iterations=3, batch_size=2, num_workers=workers, seed=5)]
        for workers in (0, 2)
    ]
    for (images_0, labels_0), (images_2, labels_2) in zip(*batches):
        assert torch.equal(images_0, images_2) and torch.equal(labels_0, labels_2)
    assert images_0.dtype == torch.float32 and tuple(images_0.shape) == (2, 1, 16, 16, 8)


def test_training_order_visits_every_volume_once_per_round():
    order = nets.training_order(4, 10, seed=3)
    assert sorted(order[:4]) == sorted(order[4:8]) == [0, 1, 2, 3]
    assert order == nets.training_order(4, 10, seed=3) != nets.training_order(4, 10, seed=4)


def test_a_learnable_task_lowers_the_loss():
    _, result = run(seed=0, iterations=40)
    assert np.mean(result.losses[-5:]) < np.mean(result.losses[:5]) - 0.2


def test_checkpoints_round_trip_and_are_written_atomically(tmp_path, monkeypatch):
    net, _ = run(seed=0)
    path = nets.save_checkpoint(net, tmp_path / "net.pt", seed=0, setting="b")
    loaded, info = nets.load_checkpoint(path)
    x = torch.randn(1, 1, 16, 16, 8)
    assert torch.equal(loaded(x), net.eval()(x)) and info == {"seed": 0, "setting": "b"}
    before = path.read_bytes()

    def interrupted(obj, f, *args, **kwargs):
        with open(f, "wb") as handle:
            handle.write(b"half a checkpoint")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nets.save_checkpoint(net, path, seed=1)
    assert path.read_bytes() == before  # the old checkpoint is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.pt"]  # and no partial file is left


def test_train_saves_a_checkpoint_with_its_info(tmp_path):
    nets.seed_everything(0)
    net = nets.UNet3d(1, 3, features=(4, 8))
    loader = nets.make_loader(tiny_volumes(), patches, iterations=4, seed=0)
    result = nets.train(
        net, loader, checkpoint=tmp_path / "run.pt", checkpoint_every=2, progress=False, info={"seed": 0}
    )
    _, info = nets.load_checkpoint(result.checkpoint)
    assert info["completed"] == 4 and info["iterations"] == 4 and info["seed"] == 0
    assert result.iterations == 4 and "4 iterations" in repr(result)


def test_the_predictor_gives_probabilities_for_any_shape_and_invert_accepts_them():
    predict = nets.predictor(nets.UNet3d(1, 3, features=(4, 8, 16)))
    probabilities = predict(np.random.default_rng(0).standard_normal((2, 10, 13, 7)).astype(np.float32))
    assert probabilities.shape == (2, 3, 10, 13, 7) and probabilities.dtype == np.float32
    assert np.all(probabilities >= 0) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    scan = tu.reorient(tu.make_ct_phantom(shape=(24, 20, 16)), axcodes="LPS")
    scan = tu.Volume(scan.image, scan.affine, scan.label)
    prepared = tu.Compose([partial(tu.reorient, axcodes="RAS"), partial(tu.normalize_volume, mask=None)])(scan)
    tiled = tu.predict_sliding_window(prepared, predict, (16, 16, 8))
    back = tu.invert(tiled, prepared.history, original=scan, reference=prepared)
    assert back.shape == (3, *scan.shape)
    with pytest.raises(TypeError, match="UNet3d"):
        nets.predictor(lambda batch: batch)


def test_without_torch_the_import_says_what_to_install():
    code = "import sys; sys.modules['torch'] = None; import tutorial_utils.nets"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode != 0 and 'pip install -e ".[torch]"' in result.stderr
