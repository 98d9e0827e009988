"""Recording and replaying random draws.

Every random ``Volume`` transform splits into two halves:

1. draw the parameters from ``rng`` (angles, axes, a field seed, ...);
2. call a *deterministic* function registered here with those parameters.

:func:`apply_recorded` does step 2 and appends a
:class:`~tutorial_utils.volume.TransformRecord` to ``volume.history``, so the
caller sees exactly what was drawn, and :func:`replay` can apply the same
draws again to another volume (or the same one) without any randomness.
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
    """Apply recorded draws to ``volume`` in order, with no randomness.

    Parameters
    ----------
    volume : Volume
        Usually the volume the records were first drawn for.
    records : iterable of TransformRecord
        For example ``augmented.history``.

    Returns
    -------
    Volume
        Identical to the original augmented volume when ``volume`` is the
        original input; its history holds the replayed records.
    """
    if not isinstance(volume, Volume):
        raise TypeError(f"volume must be a Volume; got {describe(volume)}")
    for record in records:
        if not isinstance(record, TransformRecord):
            raise TypeError(f"records must hold TransformRecord entries; got {describe(record)}")
        volume = apply_recorded(volume, record.name, **dict(record.params))
    return volume
