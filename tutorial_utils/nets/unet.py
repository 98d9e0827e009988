"""A small 3D U-Net in plain PyTorch, written for the course (not copied from nnU-Net or MONAI).

What it shares with nnU-Net's default network (``PlainConvUNet`` built by
``nnunetv2/utilities/get_network_from_plans.py`` from its plans): two 3x3x3
convolutions per stage, each followed by instance normalization (with learned
scale and shift) and a leaky ReLU of slope 0.01; downsampling by a strided
convolution, upsampling by a transposed convolution, skip connections by
concatenation; a 1x1x1 convolution per decoder stage for deep supervision.

What it leaves out, on purpose, to train in minutes on a CPU:

* **depth and width**: nnU-Net's planner adds stages until the feature maps
  are 4 voxels a side (6 stages for a 3D patch of 128 voxels a side), from 32
  feature maps doubling up to 320 (``UNet_base_num_features``,
  ``UNet_max_features_3d`` and ``UNet_featuremap_min_edge_length`` in
  ``nnunetv2/experiment_planning/experiment_planners/default_experiment_planner.py``);
  ours has 2 or 3 stages from 8 maps (about 85,000 weights against tens of millions);
* **a plan-driven topology**: nnU-Net chooses the patch size, the pooling per
  axis (no pooling along a thick-slice axis until the spacing is comparable)
  and the kernel sizes (1x3x3 for anisotropic stages) from the dataset's
  fingerprint; ours pools every axis by 2 at every stage, so patch sides
  must be multiples of ``2 ** (levels - 1)``;
* **the training recipe around it**: 1000 epochs of 250 iterations, SGD with
  Nesterov momentum 0.99 and a polynomial learning-rate decay, 33 %
  foreground oversampling, five-fold cross-validation and an ensemble of
  the folds, post-processing (nnU-Net's ``nnUNetTrainer``); our
  :func:`~tutorial_utils.nets.train` runs a few hundred iterations of Adam;
* residual encoders (nnU-Net's ResEnc presets), ``torch.compile``, mixed
  precision and multi-GPU training.

The input convention is PyTorch's ``(B, C, I, J, K)``; the course's arrays are
``(I, J, K)``, so add the batch and channel axes (``image[None, None]``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .._checks import describe

#: nnU-Net's leaky ReLU slope (``nonlin_kwargs={'inplace': True}`` with PyTorch's default is 0.01).
NEGATIVE_SLOPE = 0.01


def _block(in_channels: int, out_channels: int, stride: int) -> nn.Sequential:
    """Conv (stride ``stride``) - InstanceNorm - LeakyReLU, then Conv - InstanceNorm - LeakyReLU."""
    return nn.Sequential(
        nn.Conv3d(in_channels, out_channels, 3, stride=stride, padding=1),
        nn.InstanceNorm3d(out_channels, affine=True),
        nn.LeakyReLU(NEGATIVE_SLOPE, inplace=True),
        nn.Conv3d(out_channels, out_channels, 3, padding=1),
        nn.InstanceNorm3d(out_channels, affine=True),
        nn.LeakyReLU(NEGATIVE_SLOPE, inplace=True),
    )


class UNet3d(nn.Module):
    """A 3D U-Net with 2 to 5 stages, instance norm, leaky ReLU and optional deep supervision.

    Parameters
    ----------
    in_channels : int
        Image channels (1 for CT).
    n_classes : int
        Output channels: one logit per class, background included (at least 2).
    features : sequence of int
        Feature maps per stage, from full resolution down; its length is the
        number of stages (``(8, 16, 32)``: three stages, two downsamplings).
    deep_supervision : bool
        In training mode, return the logits of every decoder stage (full
        resolution first, each next one at half the resolution) instead of
        only the full-resolution ones; evaluation mode always returns one tensor.

    Notes
    -----
    The module docstring lists what this network leaves out compared with nnU-Net's.

    Examples
    --------
    >>> net = UNet3d(n_classes=3, features=(4, 8)).eval()
    >>> tuple(net(torch.zeros(2, 1, 8, 8, 4)).shape)
    (2, 3, 8, 8, 4)
    """

    def __init__(
        self,
        in_channels: int = 1,
        n_classes: int = 2,
        *,
        features: Sequence[int] = (8, 16, 32),
        deep_supervision: bool = False,
    ) -> None:
        super().__init__()
        for name, value, low in (("in_channels", in_channels, 1), ("n_classes", n_classes, 2)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an int >= {low}; got {describe(value)}")
        features = tuple(features) if isinstance(features, Sequence) else features
        if (
            not isinstance(features, tuple)
            or not 2 <= len(features) <= 5
            or any(isinstance(f, bool) or not isinstance(f, int) or f < 1 for f in features)
        ):
            raise ValueError(f"features must be 2 to 5 positive ints, one per stage; got {describe(features)}")
        if not isinstance(deep_supervision, bool):
            raise TypeError(f"deep_supervision must be True or False; got {describe(deep_supervision)}")
        self.config = {
            "in_channels": in_channels,
            "n_classes": n_classes,
            "features": list(features),
            "deep_supervision": deep_supervision,
        }
        self.deep_supervision = deep_supervision
        self.encoder = nn.ModuleList(
            _block(in_channels if s == 0 else features[s - 1], f, 1 if s == 0 else 2) for s, f in enumerate(features)
        )
        self.up = nn.ModuleList(
            nn.ConvTranspose3d(features[s + 1], features[s], 2, stride=2) for s in range(len(features) - 1)
        )
        self.decoder = nn.ModuleList(_block(2 * features[s], features[s], 1) for s in range(len(features) - 1))
        self.heads = nn.ModuleList(nn.Conv3d(features[s], n_classes, 1) for s in range(len(features) - 1))

    @property
    def divisor(self) -> int:
        """Every side of the input must be a multiple of this (``2 ** (stages - 1)``)."""
        return 2 ** (len(self.encoder) - 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor | list[torch.Tensor]:
        """Logits ``(B, n_classes, I, J, K)`` (a list, full resolution first, with deep supervision in training)."""
        if x.ndim != 5 or x.shape[1] != self.config["in_channels"]:
            raise ValueError(
                f"x must be (B, {self.config['in_channels']}, I, J, K) (batch, channel, three axes); got {tuple(x.shape)}"
            )
        if any(n % self.divisor for n in x.shape[2:]):
            raise ValueError(
                f"every side of x must be a multiple of {self.divisor} (the network halves it "
                f"{len(self.encoder) - 1} times); got {tuple(x.shape[2:])}: pad or crop the patch"
            )
        skips = []
        for stage in self.encoder:
            x = stage(x)
            skips.append(x)
        outputs = []
        for s in reversed(range(len(self.decoder))):
            x = self.decoder[s](torch.cat([self.up[s](x), skips[s]], dim=1))
            if s == 0 or (self.deep_supervision and self.training):
                outputs.append(self.heads[s](x))
        if self.deep_supervision and self.training:
            return outputs[::-1]
        return outputs[-1]
