"""Recording and replaying what transforms did, random draws included.

Every random ``Volume`` transform splits into two halves:

1. draw the parameters from ``rng`` (angles, axes, a field seed, ...);
2. call a *deterministic* function registered here with those parameters.

:func:`apply_recorded` does step 2 and appends a
:class:`~tutorial_utils.volume.TransformRecord` to ``volume.history``, so the
caller sees exactly what was drawn, and :func:`replay` can apply the same
draws again to another volume (or the same one) without any randomness.
Deterministic ``Volume`` steps (resampling, crop-or-pad, normalization) record
themselves the same way, so a history replays a whole pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._checks import describe
from .volume import TransformRecord, Volume

Replayer = Callable[..., Volume]

_REPLAYERS: dict[str, Replayer] = {}


def replayable(name: str) -> Callable[[Replayer], Replayer]:
    """Register a deterministic ``fn(volume, **params) -> Volume`` under ``name``.

    Examples
    --------
    >>> @replayable("doctest_identity")
    ... def _identity(volume):
    ...     return volume
    >>> "doctest_identity" in registered_names()
    True
    """

    def register(fn: Replayer) -> Replayer:
        if name in _REPLAYERS and _REPLAYERS[name] is not fn:
            raise ValueError(f"a replayer named {name!r} is already registered")
        _REPLAYERS[name] = fn
        return fn

    return register


def registered_names() -> list[str]:
    """Names that :func:`replay` knows, sorted."""
    return sorted(_REPLAYERS)


def apply_recorded(volume: Volume, name: str, **params: Any) -> Volume:
    """Apply the replayer ``name`` with ``params`` and record the call in the history."""
    try:
        fn = _REPLAYERS[name]
    except KeyError:
        raise ValueError(
            f"name must be a registered transform; got {name!r}, expected one of {registered_names()}"
        ) from None
    result = fn(volume, **params)
    return result.with_record(name, **params)


def replay(volume: Volume, records: Iterable[TransformRecord]) -> Volume:
    """Apply recorded steps to ``volume`` in order, with no randomness.

    Records that ``volume`` already carries are not applied twice: when
    ``volume.history`` is the start of ``records`` (``volume`` is an earlier
    stage of the same pipeline, e.g. the resampled scan that was then
    augmented), only the records after it are applied.

    Parameters
    ----------
    volume : Volume
        Usually the volume the records were first drawn for, or another scan
        to augment the same way.
    records : iterable of TransformRecord
        For example ``augmented.history``.

    Returns
    -------
    Volume
        Identical to the original augmented volume when ``volume`` is the
        original input; its history holds the replayed records.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume, crop_volume, pad_volume
    >>> raw = Volume(np.arange(64.0).reshape(4, 4, 4), np.eye(4))
    >>> cropped = crop_volume(raw, 1, 2)
    >>> out = pad_volume(cropped, 4)
    >>> [r.name for r in out.history]
    ['crop', 'pad']
    >>> bool(np.array_equal(replay(raw, out.history).image, out.image))
    True
    >>> bool(np.array_equal(replay(cropped, out.history).image, out.image))
    True
    """
    if not isinstance(volume, Volume):
        raise TypeError(f"volume must be a Volume; got {describe(volume)}")
    records = tuple(records)
    for record in records:
        if not isinstance(record, TransformRecord):
            raise TypeError(f"records must hold TransformRecord entries; got {describe(record)}")
    done = len(volume.history)
    if records[:done] != volume.history:
        done = 0
    for record in records[done:]:
        volume = apply_recorded(volume, record.name, **dict(record.params))
    return volume
