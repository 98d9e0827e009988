"""From a prediction on the preprocessed grid back to the original scan: :func:`invert`.

A network predicts on the grid the preprocessing made (reoriented, resampled,
cropped or padded). A radiologist's viewer needs the prediction on the scan's
own grid: same shape, same affine, voxel for voxel. The recorded history says
exactly how every voxel moved, so the way back is known:

* every spatial step maps voxel indices by an affine map (see
  :mod:`tutorial_utils.inference.steps`); their product is ONE map from the
  original grid to the transformed one, so the prediction is resampled once,
  however many steps interpolated (inverting step by step would interpolate,
  and blur, once per step);
* when that map is a permutation with whole-voxel offsets (flips, crops, pads,
  reorientations), voxels are copied, never interpolated: the inverse is exact
  wherever the transformed grid holds the voxel;
* intensity steps do not touch labels or probabilities; on an image they are
  undone where they can be (``intensity="invert"``) or kept (``"keep"``).

Voxels of the original that the transformed grid does not cover (cropped
away, or outside a rotated field of view) get the background: label 0,
probability 1 for class 0 and 0 for the others, the image's minimum.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import _resampling
from .._checks import check_order, describe
from .._separable import resample_separable
from ..records import registered_steps
from ..volume import TransformRecord, Volume, check_volume
from .checks import check_probabilities
from .steps import canonical_params, inverse_for

__all__ = ["invert", "transformed_grid"]

#: How far (in voxels) a composed map may be from whole numbers and still count as exact.
_EXACT_TOLERANCE = 1e-6


def _records(history: Any, original: Volume) -> tuple[TransformRecord, ...]:
    if isinstance(history, (str, bytes)) or not isinstance(history, Iterable):
        raise TypeError(f"history must be a sequence of TransformRecord (e.g. volume.history); got {describe(history)}")
    records = tuple(history)
    for position, record in enumerate(records):
        if not isinstance(record, TransformRecord):
            raise TypeError(f"history[{position}] must be a TransformRecord; got {describe(record)}")
    done = len(original.history)
    return records[done:] if done and records[:done] == original.history else records


#: Edge of the blank volume on which a record is checked when its step's checks do not depend on the grid.
_PROBE_EDGE = 6


def _probe(shape: tuple[int, int, int], affine: np.ndarray, on_grid: bool) -> Volume:
    """A blank volume on the grid a record starts from (smaller when the step's checks allow), with a label.

    On the grid's own shape the arrays are broadcast constants: no memory
    beyond what the step itself allocates.
    """
    if on_grid:
        return Volume(np.broadcast_to(np.float32(1.0), shape), affine, np.broadcast_to(np.uint8(1), shape))
    small = tuple(min(n, _PROBE_EDGE) for n in shape)
    values = np.arange(int(np.prod(small))).reshape(small)
    return Volume((values % 7 + 1).astype(np.float32), affine, (values % 3).astype(np.uint8))


def _check_record(record: TransformRecord, where: str, shape: tuple[int, int, int], affine: np.ndarray) -> None:
    """Run the record's own public step on a blank volume of the grid it starts from: its checks, not ours.

    A bad parameter raises the step's ``ValueError``/``TypeError`` (which
    names the parameter) prefixed with ``where``; anything else the step
    raises becomes a ``ValueError`` naming ``where`` and the parameters.
    """
    step = registered_steps()[record.name]
    probe = _probe(shape, affine, inverse_for(record.name, where).on_grid)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # meant for real data, not the blank probe
            step(probe, **dict(record.params))
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None
    except Exception as exc:  # a numpy/scipy error inside the step: still name the record
        raise ValueError(
            f"{where}: the step {record.name!r} fails with its recorded parameters {dict(record.params)} "
            f"({type(exc).__name__}: {exc})"
        ) from exc


def _trace(
    original: Volume, records: tuple[TransformRecord, ...]
) -> tuple[tuple[int, int, int], np.ndarray, np.ndarray, list]:
    """Final shape and affine, the map original index -> final index, and the image inverses to apply.

    Every record is checked by its own public step first (see
    :func:`_check_record`), in order, on the grid it starts from, before
    anything is composed.
    """
    shape, affine = original.shape, original.affine
    to_final = np.eye(4)
    intensity = []
    for position, record in enumerate(records):
        where = f"history[{position}] ({record.name!r})"
        entry = inverse_for(record.name, where)
        if entry.kind == "refused":
            raise ValueError(f"{where}: {entry.reason}")
        params = canonical_params(record.name, record.params, where)
        _check_record(record, where, shape, affine)
        try:
            if entry.kind == "spatial":
                shape, affine, to_input = entry.grid(shape, affine, params)  # type: ignore[misc]
                to_final = np.linalg.inv(to_input) @ to_final
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}: {exc}") from exc
        except Exception as exc:  # numpy.linalg and friends: never unwrapped
            raise ValueError(f"{where}: its grid cannot be traced ({type(exc).__name__}: {exc})") from exc
        if entry.kind == "intensity":
            intensity.append((where, entry, params))
    return shape, affine, to_final, intensity


def transformed_grid(original: Volume, history: Iterable[TransformRecord]) -> tuple[tuple[int, int, int], np.ndarray]:
    """The grid (shape, affine) that ``history`` leads to from ``original``, computed without touching the data.

    Examples
    --------
    >>> from tutorial_utils import load_sample, resample_to_spacing
    >>> mni = load_sample("mni")
    >>> shape, affine = transformed_grid(mni, [TransformRecord("resample", {"spacing": (1.5, 1.5, 1.5)})])
    >>> shape, resample_to_spacing(mni, spacing=1.5).shape
    ((131, 155, 126), (131, 155, 126))
    """
    original = check_volume(original, "original")
    shape, affine, _, _ = _trace(original, _records(history, original))
    return shape, affine


def _axis_map(matrix: np.ndarray) -> tuple[list[int], np.ndarray, np.ndarray] | None:
    """``(axes, scales, offsets)`` when ``matrix`` sends output axis ``a`` alone to input axis ``axes[a]``.

    Input position on ``axes[a]`` = ``scales[a] * x[a] + offsets[a]``; None for a rotation or a shear.
    """
    linear = matrix[:3, :3]
    nonzero = np.abs(linear) > _EXACT_TOLERANCE
    if not ((nonzero.sum(axis=0) == 1).all() and (nonzero.sum(axis=1) == 1).all()):
        return None
    axes = [int(np.flatnonzero(nonzero[:, a])[0]) for a in range(3)]
    scales = np.array([linear[axes[a], a] for a in range(3)])
    return axes, scales, np.array([matrix[axes[a], 3] for a in range(3)])


def _is_exact(scales: np.ndarray, offsets: np.ndarray) -> bool:
    whole = np.abs(offsets - np.rint(offsets)).max() <= _EXACT_TOLERANCE
    return bool(whole and np.abs(np.abs(scales) - 1.0).max() <= _EXACT_TOLERANCE)


def _copy_exact(
    data: np.ndarray, axes: list[int], scales: np.ndarray, offsets: np.ndarray, shape: tuple, fill: np.ndarray
) -> np.ndarray:
    """Output voxel ``x`` takes ``data`` at ``sign * x + offset`` on ``axes``: a copy, no interpolation."""
    signs, whole = [int(np.rint(s)) for s in scales], [int(np.rint(o)) for o in offsets]
    lead = data.ndim - 3
    out = np.empty(data.shape[:lead] + tuple(shape), dtype=data.dtype)
    out[...] = fill
    source: list[slice] = [slice(None)] * 3
    target = []
    for a in range(3):
        sign, offset, n_in = signs[a], whole[a], data.shape[lead + axes[a]]
        low, high = (
            (max(0, -offset), min(shape[a], n_in - offset))
            if sign > 0
            else (max(0, offset - n_in + 1), min(shape[a], offset + 1))
        )
        if high <= low:
            return out
        target.append(slice(low, high))
        source[axes[a]] = slice(low + offset, high + offset) if sign > 0 else slice(offset - high + 1, offset - low + 1)
    block = data[(Ellipsis, *source)]
    flipped = [lead + axes[a] for a in range(3) if signs[a] < 0]
    if flipped:
        block = np.flip(block, axis=flipped)
    out[(Ellipsis, *target)] = np.transpose(block, [*range(lead), *(lead + axes[a] for a in range(3))])
    return out


def _inside(scales: np.ndarray, offsets: np.ndarray, sizes: list[int], shape: tuple) -> tuple[slice, ...] | None:
    """Per axis, the output indices whose input position lies in ``[0, n - 1]`` (scipy's ``mode="constant"``)."""
    box = []
    for scale, offset, n_in, n_out in zip(scales, offsets, sizes, shape):
        positions = scale * np.arange(n_out) + offset
        inside = np.flatnonzero((positions >= -_EXACT_TOLERANCE) & (positions <= n_in - 1 + _EXACT_TOLERANCE))
        if inside.size == 0:
            return None
        box.append(slice(int(inside[0]), int(inside[-1]) + 1))
    return tuple(box)


def _map_back(data: np.ndarray, to_final: np.ndarray, shape: tuple, order: int, fill: np.ndarray) -> np.ndarray:
    """``data`` (last three axes on the final grid) sampled at ``to_final @ x`` for every original voxel ``x``.

    One resampling per channel: a copy for a permutation with whole offsets,
    three 1-D passes for an axis-aligned map (order 0 or 1), else a threaded
    ``scipy.ndimage.affine_transform``. Outside the final grid: ``fill``.
    """
    lead = data.ndim - 3
    mapping = _axis_map(to_final)
    if mapping is not None and _is_exact(*mapping[1:]):
        return _copy_exact(data, *mapping, shape, fill)
    channels = data.reshape((-1, *data.shape[lead:]))
    values = np.broadcast_to(np.asarray(fill).reshape(-1), (channels.shape[0],))
    out = np.empty((channels.shape[0], *shape), dtype=data.dtype)
    for c, channel in enumerate(channels):
        if mapping is not None and order <= 1:
            axes, scales, offsets = mapping
            out[c] = values[c]
            box = _inside(scales, offsets, [channel.shape[a] for a in axes], shape)
            if box is not None:
                starts = np.array([b.start for b in box])
                out[c][box] = resample_separable(
                    np.transpose(channel, axes),
                    scales,
                    offsets + scales * starts,
                    [b.stop - b.start for b in box],
                    order,
                )
        else:
            out[c] = _resampling.affine_transform(
                channel,
                to_final[:3, :3],
                to_final[:3, 3],
                output_shape=tuple(shape),
                order=order,
                mode="constant",
                cval=float(values[c]),
                output_dtype=data.dtype,
            )
    return out.reshape(data.shape[:lead] + tuple(shape))


def _check_grid(
    shape: tuple, affine: np.ndarray | None, final_shape: tuple, final_affine: np.ndarray, what: str
) -> None:
    if tuple(shape) != tuple(final_shape) or (affine is not None and not np.allclose(affine, final_affine, atol=1e-4)):
        raise ValueError(
            f"{what} is on a grid of shape {tuple(shape)}, but history leads from original to shape "
            f"{tuple(final_shape)}{'' if affine is None else ' with another affine'}: pass the volume the "
            f"history started from as original, and the history of the volume that was predicted on"
        )


def _undo_intensity(image: np.ndarray, steps: list, intensity: str) -> np.ndarray:
    if intensity == "keep":
        return image
    for where, entry, params in reversed(steps):
        if entry.image is None:
            raise ValueError(
                f"{where}: {entry.reason}. Pass intensity='keep' to leave the image's intensities as they are "
                "(a predicted label map needs no intensities: invert(reference.replace(label=labels), history, "
                "original=..., intensity='keep').label)"
            )
        try:
            image = entry.image(image, params)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}: {exc}") from None
    return image


def _probability_fill(n_classes: int) -> np.ndarray:
    fill = np.zeros((n_classes, 1, 1, 1), np.float32)
    fill[0] = 1.0
    return fill


def invert(
    prediction: Volume | np.ndarray,
    history: Iterable[TransformRecord],
    *,
    original: Volume,
    reference: Volume | None = None,
    order: int = 1,
    intensity: str = "invert",
) -> Volume | np.ndarray:
    """Map a prediction made on the transformed grid back onto the original scan's grid.

    Parameters
    ----------
    prediction : Volume or (C, I, J, K) ndarray
        A ``Volume`` on the transformed grid (its label map, e.g. a predicted
        segmentation, comes back with nearest neighbour; its image with
        ``order``), or per-class probabilities with the class axis first
        (class 0 is the background; at least two classes, finite, summing to
        1), brought back with linear interpolation (``order=1``) and then,
        for a label, ``argmax(axis=0)``: smoother than nearest-neighbour
        labels. A predicted ``(I, J, K)`` label map goes in as a Volume:
        ``invert(reference.replace(label=labels), history, original=...,
        intensity="keep").label``.
    history : sequence of TransformRecord
        What was done to ``original`` to get the transformed volume, usually
        ``transformed.history`` (the records ``original`` already carries are
        skipped, as in :func:`~tutorial_utils.records.replay`).
    original : Volume
        The scan before the steps: the result gets its shape and affine exactly.
    reference : Volume, optional
        The transformed volume the prediction was made on. Checked against
        the grid the history leads to, so a wrong history or original fails
        loudly instead of misplacing the prediction.
    order : {0, 1} for probabilities, 0 to 5 for an image
        Interpolation order where the inverse interpolates (labels always use 0).
    intensity : {"invert", "keep"}
        For a Volume's image: undo the intensity steps (an error names a step
        that cannot be undone, such as a clip or a normalization) or keep the
        intensities as they are. Labels and probabilities ignore intensity steps.

    Returns
    -------
    Volume or (C, I, J, K) ndarray
        On the original grid: a Volume with ``original.affine`` and
        ``original.history``, or float32 probabilities that stay in [0, 1]
        and sum to 1 over the classes.

    Raises
    ------
    ValueError, TypeError
        A record its own step refuses: every record is checked, before
        anything is composed, by running its public step on a blank volume of
        the grid it starts from, so the message names ``history[i]``, the
        step and the parameter, as a direct call would (``reorient`` with
        ``axcodes='RRS'``, ``gamma=0``); an elastic step (training-time only);
        an unknown step.
    ValueError
        A prediction not on the grid the history leads to; ``order > 1`` for
        probabilities; probabilities with a NaN or infinite value (how many,
        the first one's class and voxel), a negative value or class sums off
        1 (logits: "pass softmax probabilities, not logits"), or a single
        channel (refused with the remedy: stack the background ``1 - p`` in
        front; see :func:`~tutorial_utils.inference.checks.check_probabilities`).

    Notes
    -----
    All spatial steps are composed into one voxel map and the prediction is
    resampled once (``tests/`` counts the calls). Flips, crops, pads,
    reorientations and whole-voxel shifts compose to a permutation, which is
    copied exactly. Antialiasing and interpolation blur of the forward steps
    cannot be undone: a round trip through a coarser grid loses detail.

    Examples
    --------
    >>> from tutorial_utils import crop_or_pad_volume, flip_volume
    >>> scan = Volume(np.zeros((6, 5, 4)), np.eye(4), np.arange(120).reshape(6, 5, 4) % 3)
    >>> small = flip_volume(crop_or_pad_volume(scan, shape=(4, 8, 4)), axes=0)
    >>> back = invert(small, small.history, original=scan)
    >>> back.shape == scan.shape, bool(np.array_equal(back.label[1:5], scan.label[1:5]))
    (True, True)
    """
    original = check_volume(original, "original")
    if intensity not in ("invert", "keep"):
        raise ValueError(f"intensity must be 'invert' or 'keep'; got {intensity!r}")
    order = check_order(order)
    shape, affine, to_final, intensity_steps = _trace(original, _records(history, original))
    if reference is not None:
        check_volume(reference, "reference")
        _check_grid(reference.shape, reference.affine, shape, affine, "reference")
    if isinstance(prediction, Volume):
        _check_grid(prediction.shape, prediction.affine, shape, affine, "prediction")
        image = _undo_intensity(prediction.image, intensity_steps, intensity)
        fill = np.float32(image.min())
        image = _map_back(image, to_final, original.shape, order, fill)
        label = None
        if prediction.label is not None:
            label = _map_back(prediction.label, to_final, original.shape, 0, np.zeros((), prediction.label.dtype))
        return Volume(image, original.affine, label, original.history)
    if (
        not isinstance(prediction, np.ndarray)
        or prediction.ndim != 4
        or not np.issubdtype(prediction.dtype, np.floating)
    ):
        raise TypeError(
            f"prediction must be a Volume or a float (C, I, J, K) array of per-class probabilities; got "
            f"{describe(prediction)}. For an (I, J, K) label map, pass it as the label of a Volume and keep "
            f"the intensities (the history's intensity steps cannot all be undone): "
            f"invert(reference.replace(label=labels), history, original=original, intensity='keep').label"
        )
    if order > 1:
        raise ValueError(f"order must be 0 or 1 for probabilities (higher orders overshoot [0, 1]); got {order}")
    _check_grid(prediction.shape[1:], None, shape, affine, "prediction")
    probabilities = prediction.astype(np.float32, copy=False)
    check_probabilities(probabilities[np.newaxis], "prediction", remedy="np.stack([1 - p[0], p[0]])")
    out = _map_back(probabilities, to_final, original.shape, order, _probability_fill(prediction.shape[0]))
    return np.clip(out, 0.0, 1.0, out=out)
