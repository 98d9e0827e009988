"""Train for a fixed number of iterations, deterministically on the CPU, with atomic checkpoints.

Determinism, what holds and where:

* :func:`seed_everything` seeds PyTorch's generator (weight initialization)
  and turns on ``torch.use_deterministic_algorithms``; the batches come
  from :func:`~tutorial_utils.nets.make_loader`, whose order and
  augmentations depend only on its seed. On the CPU, two runs with the same
  seed, the same PyTorch build and the same number of threads give the same
  weights bit for bit (``tests/test_nets.py`` checks it).
* Not across machines or thread counts: a convolution's sums are split over
  threads and SIMD lanes differently, and floating-point addition is not
  associative, so the last bits differ, and the difference grows over training.
* On CUDA, ``torch.use_deterministic_algorithms(True)`` makes the
  convolutions and transposed convolutions deterministic but raises an error
  for operations that have no deterministic CUDA kernel, and the loss's
  cross-entropy (``NLLLoss``) is one of them (both listed in the function's
  docstring in torch 2.13); cuBLAS also wants the environment variable
  ``CUBLAS_WORKSPACE_CONFIG=:4096:8`` (PyTorch's "Reproducibility" notes).
  :func:`seed_everything` therefore only warns there (``warn_only=True``):
  a GPU run is repeatable in its weights' initialization and its batches, not
  bit for bit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from .._checks import check_non_negative_int, describe
from .loss import dice_ce_loss
from .unet import UNet3d


def seed_everything(seed: int, *, device: str | torch.device = "cpu") -> None:
    """Seed PyTorch's generators and ask for deterministic algorithms (errors on the CPU, warnings on CUDA).

    Call it before building the network, so that its initial weights depend on ``seed`` only.
    """
    seed = check_non_negative_int(seed, "seed")
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=torch.device(device).type != "cpu")


@dataclass
class TrainResult:
    """What :func:`train` did: the loss of every iteration, the wall time, the checkpoint written."""

    losses: list[float]
    seconds: float
    checkpoint: Path | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def iterations(self) -> int:
        return len(self.losses)

    def __repr__(self) -> str:
        last = sum(self.losses[-10:]) / max(1, len(self.losses[-10:]))
        return (
            f"TrainResult({self.iterations} iterations in {self.seconds:.1f} s, "
            f"mean loss of the last 10 {last:.3f}, checkpoint={str(self.checkpoint) if self.checkpoint else None})"
        )


def save_checkpoint(net: UNet3d, path: str | os.PathLike[str], **info: Any) -> Path:
    """Save the network's configuration, weights and ``info`` (plain values) atomically.

    The file is written under a temporary name in the same folder and renamed
    over ``path`` when complete (``os.replace`` is atomic on one file
    system), so an interrupted run never leaves a truncated checkpoint.
    """
    if not isinstance(net, UNet3d):
        raise TypeError(f"net must be a UNet3d; got {describe(net)}")
    target = Path(path)
    if not target.parent.is_dir():
        raise ValueError(f"path must be in an existing folder; got {str(target)!r}")
    temporary = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        torch.save({"config": net.config, "state_dict": net.state_dict(), "info": info}, temporary)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
    return target


def load_checkpoint(path: str | os.PathLike[str]) -> tuple[UNet3d, dict[str, Any]]:
    """The network saved by :func:`save_checkpoint` (on the CPU, in evaluation mode) and its ``info``."""
    saved = torch.load(Path(path), map_location="cpu", weights_only=True)
    config = dict(saved["config"])
    net = UNet3d(
        config["in_channels"],
        config["n_classes"],
        features=tuple(config["features"]),
        deep_supervision=config["deep_supervision"],
    )
    net.load_state_dict(saved["state_dict"])
    return net.eval(), dict(saved["info"])


def train(
    net: UNet3d,
    loader: Any,
    *,
    lr: float = 3e-3,
    device: str | torch.device = "cpu",
    checkpoint: str | os.PathLike[str] | None = None,
    checkpoint_every: int = 0,
    progress: bool = True,
    on_step: Callable[[int, float], None] | None = None,
    info: dict[str, Any] | None = None,
) -> TrainResult:
    """Train ``net`` on every batch of ``loader`` once: Adam, a polynomial learning-rate decay, Dice + CE.

    Parameters
    ----------
    net : UNet3d
    loader : iterable of (images, labels)
        float32 ``(B, 1, I, J, K)`` and int64 ``(B, I, J, K)``, e.g.
        :func:`~tutorial_utils.nets.make_loader`; its length is the number of iterations.
    lr : float
        Initial learning rate of Adam, decayed as ``lr * (1 - t / T) ** 0.9``
        (nnU-Net's polynomial schedule; nnU-Net uses SGD with Nesterov momentum
        0.99 from 1e-2, which needs far more iterations than a CPU demo has).
    device : str or torch.device
        ``"cpu"``, or ``"cuda"`` where a GPU is present.
    checkpoint : path, optional
        Where to save the network (atomically, :func:`save_checkpoint`) at the
        end, and every ``checkpoint_every`` iterations if that is > 0.
    progress : bool
        Show a tqdm progress bar with the running loss.
    on_step : callable, optional
        Called as ``on_step(iteration, loss)`` after every iteration.
    info : dict, optional
        Plain values stored in the checkpoint next to the weights.

    Returns
    -------
    TrainResult
    """
    if not isinstance(net, UNet3d):
        raise TypeError(f"net must be a UNet3d; got {describe(net)}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a number > 0; got {describe(lr)}")
    checkpoint_every = check_non_negative_int(checkpoint_every, "checkpoint_every")
    total = len(loader)
    device = torch.device(device)
    net.to(device).train()
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: (1 - t / total) ** 0.9)
    info = {"iterations": total, "lr": lr, **(info or {})}
    losses: list[float] = []
    start = time.perf_counter()
    with tqdm(total=total, desc="training", unit="it", disable=not progress, mininterval=2.0) as bar:
        for iteration, (images, labels) in enumerate(loader, start=1):
            loss = dice_ce_loss(net(images.to(device)), labels.to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(float(loss.detach()))
            bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
            bar.update()
            if on_step is not None:
                on_step(iteration, losses[-1])
            if checkpoint is not None and checkpoint_every and iteration % checkpoint_every == 0 and iteration < total:
                save_checkpoint(net, checkpoint, **info, completed=iteration)
    seconds = time.perf_counter() - start
    net.eval()
    saved = save_checkpoint(net.cpu(), checkpoint, **info, completed=total) if checkpoint is not None else None
    net.to(device)
    return TrainResult(losses, seconds, saved, info)
