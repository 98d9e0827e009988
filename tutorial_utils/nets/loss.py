"""Soft Dice + cross-entropy, the loss nnU-Net trains with, and its deep-supervision weights.

nnU-Net (``nnUNetTrainer._build_loss``) adds cross-entropy and a soft Dice
over the foreground classes (``do_bg=False``, ``smooth=1e-5``), with weight 1
each. With deep supervision every lower-resolution output gets a loss
against the label downsampled to its size, weighted ``1, 1/2, 1/4, ...``,
the lowest output weight 0, the weights normalized to sum to 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

#: nnU-Net's Dice smoothing term.
SMOOTH = 1e-5


def deep_supervision_weights(n_outputs: int) -> list[float]:
    """Loss weights of ``n_outputs`` outputs (full resolution first): halving, the lowest 0 when there are 3+.

    Examples
    --------
    >>> deep_supervision_weights(1), deep_supervision_weights(3)
    ([1.0], [0.6666666666666666, 0.3333333333333333, 0.0])
    """
    if isinstance(n_outputs, bool) or not isinstance(n_outputs, int) or n_outputs < 1:
        raise ValueError(f"n_outputs must be an int >= 1; got {n_outputs!r}")
    weights = np.array([1.0 / 2**i for i in range(n_outputs)])
    if n_outputs >= 3:
        weights[-1] = 0.0
    return (weights / weights.sum()).tolist()


def _dice_ce(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    cross_entropy = F.cross_entropy(logits, target)
    probabilities = torch.softmax(logits, dim=1)[:, 1:]
    one_hot = F.one_hot(target, logits.shape[1]).movedim(-1, 1)[:, 1:].to(probabilities.dtype)
    axes = (0, 2, 3, 4)  # batch Dice: sums over the batch and space, one Dice per foreground class
    overlap = (probabilities * one_hot).sum(axes)
    total = probabilities.sum(axes) + one_hot.sum(axes)
    dice = (2 * overlap + SMOOTH) / (total + SMOOTH)
    return cross_entropy - dice.mean()


def dice_ce_loss(logits: torch.Tensor | Sequence[torch.Tensor], target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy minus the mean soft Dice of the foreground classes (nnU-Net's ``DC_and_CE_loss``).

    Parameters
    ----------
    logits : (B, C, I, J, K) tensor, or a list of them (deep supervision, full resolution first)
        Raw network outputs, class 0 the background.
    target : (B, I, J, K) int64 tensor
        Labels in ``0 .. C-1``; for the outputs at lower resolutions it is
        subsampled (every 2nd, 4th, ... voxel: nearest neighbour, no new labels).

    Returns
    -------
    scalar tensor
        Between -1 (perfect) and the cross-entropy's value; lower is better.

    Examples
    --------
    >>> target = torch.zeros(1, 4, 4, 4, dtype=torch.long)
    >>> target[:, :2] = 1
    >>> perfect = 20.0 * torch.nn.functional.one_hot(target, 2).movedim(-1, 1).float()
    >>> round(float(dice_ce_loss(perfect, target)), 3)
    -1.0
    """
    outputs = [logits] if isinstance(logits, torch.Tensor) else list(logits)
    if target.dtype != torch.long or target.ndim != 4:
        raise ValueError(f"target must be an int64 (B, I, J, K) label tensor; got {target.dtype} {tuple(target.shape)}")
    total = None
    for weight, output in zip(deep_supervision_weights(len(outputs)), outputs):
        if weight == 0.0:
            continue
        step = [t // o for t, o in zip(target.shape[1:], output.shape[2:])]
        if any(t != o * s for t, o, s in zip(target.shape[1:], output.shape[2:], step)):
            raise ValueError(
                f"every output's spatial shape must divide the target's {tuple(target.shape[1:])}; "
                f"got {tuple(output.shape[2:])}"
            )
        term = weight * _dice_ce(output, target[:, :: step[0], :: step[1], :: step[2]])
        total = term if total is None else total + term
    return total  # type: ignore[return-value]  # the first weight is never 0
