"""NAIVE inversion of a preprocessing history, one step at a time: for demonstration only.

Undoing each recorded step on its own is the obvious way back, and it is what
per-transform inverses do (each transform knows its own inverse). It gives the
right grid, but every step that interpolates resamples the prediction once
more: a chain of three interpolating steps blurs three times, and a label map
resampled with nearest neighbour three times loses thin structures three
times. :func:`tutorial_utils.invert` composes the steps into one map and
resamples once.
"""

from __future__ import annotations

from scipy import ndimage

import tutorial_utils as tu
from tutorial_utils.records import registered_steps


def invert_step_by_step(prediction, history, original):
    """Invert ``history`` record by record, newest first: one resampling per interpolating step."""
    stages = [original]
    for record in history:  # the grids in between, by replaying the steps
        stages.append(registered_steps()[record.name](stages[-1], **record.params))
    for record, before, after in reversed(list(zip(history, stages[:-1], stages[1:]))):
        prediction = tu.invert(prediction, [record], original=before, reference=after)
    return prediction


def paste_back_by_resizing(label, original_shape):
    """Resize a predicted label map to the original shape (nearest neighbour), as if that undid the preprocessing.

    It ignores the crop or pad (the anatomy was cut or framed, not scaled), any
    reorientation and the resampling's centring: the shape is right, the
    anatomy is not where it belongs.
    """
    factors = [o / n for o, n in zip(original_shape, label.shape)]
    return ndimage.zoom(label, factors, order=0)
