"""Networks: a small 3D U-Net, its loss, a deterministic training loop and checkpoints (needs PyTorch).

Install PyTorch with the ``torch`` extra (``pip install -e ".[torch]"``, the
CPU build is enough). ``import tutorial_utils`` never imports this
subpackage, so the rest of the course runs without PyTorch; import it
explicitly: ``from tutorial_utils import nets``.

* :mod:`.unet`: :class:`UNet3d`, our own few-dozen-line U-Net in the spirit of
  nnU-Net's default network, and what it leaves out.
* :mod:`.loss`: :func:`dice_ce_loss`, soft Dice + cross-entropy, with deep supervision.
* :mod:`.data`: :func:`make_loader`, a ``DataLoader`` of augmented samples
  (:class:`~tutorial_utils.seeding.AugmentedVolumes`) for a fixed number of iterations.
* :mod:`.train`: :func:`train`, a fixed number of iterations with a progress
  bar, deterministic on the CPU for a seed; :func:`save_checkpoint` (atomic)
  and :func:`load_checkpoint`.
* :mod:`.predict`: :func:`predictor`, a network as the course's ``predict(batch)``
  (softmax probabilities, no gradients), for
  :func:`~tutorial_utils.predict_sliding_window` and
  :func:`~tutorial_utils.predict_with_tta`; :mod:`.evaluate`: :func:`predict_scan`
  (preprocess, sliding window, TTA, invert) and :func:`evaluate` (its metrics).
"""

try:
    import torch  # noqa: F401  (checked here so that a missing torch says what to install)
except ImportError as error:  # pragma: no cover - exercised only without torch
    raise ImportError(
        'tutorial_utils.nets needs PyTorch. Install it with the course\'s extra: pip install -e ".[torch]" '
        "(the CPU build is enough; about 870 MB) or see https://pytorch.org"
    ) from error

from .data import make_loader, one_thread_worker, training_order
from .evaluate import evaluate, predict_scan
from .loss import deep_supervision_weights, dice_ce_loss
from .predict import predictor
from .train import TrainResult, load_checkpoint, save_checkpoint, seed_everything, train
from .unet import UNet3d

__all__ = [
    "TrainResult",
    "UNet3d",
    "deep_supervision_weights",
    "dice_ce_loss",
    "evaluate",
    "load_checkpoint",
    "make_loader",
    "one_thread_worker",
    "predict_scan",
    "predictor",
    "save_checkpoint",
    "seed_everything",
    "train",
    "training_order",
]
