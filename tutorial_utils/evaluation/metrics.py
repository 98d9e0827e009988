"""Per-class Dice, HD95 in mm and volumes in mL of a predicted label map against the reference, as a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import check_label_array, describe
from ..inference.labels import dice_scores
from ..volume import Volume
from .ops import hausdorff_distance

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("class", "name", "dice", "hd95_mm", "volume_ml", "reference_ml", "volume_error_ml", "empty")


def _classes(classes: Any, reference: np.ndarray, prediction: np.ndarray) -> dict[int, str]:
    if classes is None:
        found = np.union1d(np.unique(reference), np.unique(prediction))
        return {int(v): str(int(v)) for v in found if v > 0}
    if isinstance(classes, Mapping):
        pairs = list(classes.items())
    elif isinstance(classes, Sequence) and not isinstance(classes, (str, bytes)):
        pairs = [(value, str(value)) for value in classes]
    else:
        raise TypeError(
            f"classes must be None, a sequence of label values or a dict value -> name; got {describe(classes)}"
        )
    out = {}
    for value, name in pairs:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"classes must hold int label values; got {describe(value)}")
        out[int(value)] = str(name)
    if not out:
        raise ValueError("classes must name at least one label value")
    return out


def _prediction_labels(prediction: Any, reference: Volume) -> np.ndarray:
    if isinstance(prediction, Volume):
        if prediction.label is None:
            raise ValueError("prediction is a Volume without a label map; pass the predicted labels")
        if prediction.shape != reference.shape or not np.allclose(prediction.affine, reference.affine, atol=1e-4):
            raise ValueError(
                f"prediction must be on the reference's grid (shape {reference.shape}, its affine); got shape "
                f"{prediction.shape} and affine\n{prediction.affine}\nbring it back with tu.invert first"
            )
        return prediction.label
    labels = check_label_array(prediction, "prediction")
    if labels.shape != reference.shape:
        raise ValueError(
            f"prediction must have the reference's shape {reference.shape}; got {labels.shape}: "
            "bring it back to the scan's grid with tu.invert first"
        )
    return labels


def segmentation_metrics(
    prediction: Volume | np.ndarray, reference: Volume, *, classes: Sequence[int] | Mapping[int, str] | None = None
) -> pd.DataFrame:
    """Dice, 95th-percentile Hausdorff distance (mm) and volumes (mL) of each class, on the reference's grid.

    Compute them on the scan's own grid (after :func:`~tutorial_utils.invert`),
    not on the preprocessed one: millimetres and millilitres are then the
    patient's, and every scan counts its own voxels.

    Parameters
    ----------
    prediction : Volume or (I, J, K) integer ndarray
        Predicted labels: a Volume's ``label`` (on the reference's grid), or a label array of the reference's shape.
    reference : Volume
        The scan with its reference label map; its affine gives the voxel size.
    classes : sequence of int or dict int -> str, optional
        Label values to score (a dict also names them). Default: every
        value > 0 in either label map.

    Returns
    -------
    pandas.DataFrame
        One row per class, columns ``class``, ``name``, ``dice``, ``hd95_mm``,
        ``volume_ml`` (predicted), ``reference_ml``, ``volume_error_ml``
        (predicted minus reference) and ``empty``.

    Notes
    -----
    * Dice is :func:`~tutorial_utils.dice_scores`'s ``2|A & B| / (|A| + |B|)``.
    * HD95 follows MONAI's ``compute_hausdorff_distance(percentile=95)``
      (see :mod:`tutorial_utils.evaluation.ops`), with distances in mm.
    * Volume: voxel count times ``|det(affine[:3, :3])|`` mm^3, / 1000 for mL.
    * Empty masks get documented values, never NaN: ``empty`` says which
      (``""``, ``"prediction"``, ``"reference"`` or ``"both"``). Both empty:
      Dice 1 and HD95 0 (nothing to find, nothing found). One empty: Dice 0
      and HD95 equal to the diagonal of the grid's field of view in mm, the
      largest distance the grid can hold, so that a miss counts as the worst
      case and means over cases stay finite (MONAI returns ``inf`` or ``nan``
      there, with a warning).

    Examples
    --------
    >>> reference = Volume(np.zeros((8, 8, 8)), np.diag([1.0, 1.0, 2.0, 1.0]), np.zeros((8, 8, 8), np.uint8))
    >>> reference.label[2:6, 2:6, 2:6] = 1
    >>> table = segmentation_metrics(reference.label, reference)
    >>> table[["class", "dice", "hd95_mm", "volume_ml"]].to_dict("records")
    [{'class': 1, 'dice': 1.0, 'hd95_mm': 0.0, 'volume_ml': 0.128}]
    """
    import pandas as pd  # imported here: importing the package stays light

    if not isinstance(reference, Volume) or reference.label is None:
        raise TypeError(f"reference must be a Volume with a label map; got {describe(reference)}")
    predicted = _prediction_labels(prediction, reference)
    names = _classes(classes, reference.label, predicted)
    spacing = reference.spacing
    voxel_ml = abs(float(np.linalg.det(reference.affine[:3, :3]))) / 1000.0
    diagonal = float(np.linalg.norm(np.asarray(reference.shape) * np.asarray(spacing)))
    dice = dice_scores(reference.label, predicted, list(names))
    rows = []
    for value, name in names.items():
        a, b = predicted == value, reference.label == value
        has_a, has_b = bool(a.any()), bool(b.any())
        empty = {(True, True): "", (False, True): "prediction", (True, False): "reference"}.get((has_a, has_b), "both")
        if has_a and has_b:
            hd95 = hausdorff_distance(a, b, spacing, percentile=95.0)
        else:
            hd95 = 0.0 if empty == "both" else diagonal
        volume, truth = np.count_nonzero(a) * voxel_ml, np.count_nonzero(b) * voxel_ml
        rows.append((value, name, dice[value], hd95, volume, truth, volume - truth, empty))
    return pd.DataFrame(rows, columns=list(COLUMNS))
