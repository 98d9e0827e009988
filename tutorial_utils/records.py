"""One contract for every ``Volume`` transform: it records what it did, and a record replays.

Two decorators define the contract:

* :func:`volume_transform` registers a *deterministic* step (``flip_volume``,
  ``crop_volume``, ``resample_to_spacing``, ...). Every call of the decorated
  function, direct, inside a :class:`~tutorial_utils.pipeline.Compose` or by
  :func:`replay`, appends exactly one :class:`~tutorial_utils.volume.TransformRecord`
  to ``volume.history``: the step's name and the keyword arguments of the call,
  defaults filled in. Replaying a record is calling the same function with the
  same arguments, so a record read from a file goes through the same checks as
  a call typed by hand.
* :func:`random_transform` marks a *random* transform (``random_flip``,
  ``random_elastic``, ...): it draws its parameters from ``rng`` and then calls
  one deterministic step, whose record shows what was drawn.

A step may also report measurements (the elastic field's largest displacement,
say): it returns ``(volume, measured)`` and the dict lands in the record's
``measured`` field, for the reader only; replay ignores it.
"""

from __future__ import annotations

import functools
import inspect
import json
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import numpy as np

from ._checks import describe
from .volume import TransformRecord, Volume, check_volume

F = TypeVar("F", bound=Callable[..., Any])

#: Largest array a record may hold as a tuple (a per-axis triple, a 4x4 matrix); images never.
_MAX_RECORDED_ARRAY = 16

_STEPS: dict[str, Callable[..., Volume]] = {}
_RANDOM: dict[str, Callable[..., Volume]] = {}


def _plain(value: Any, where: str) -> Any:
    """``value`` as plain Python (tuples, floats, ints, str): what a record and its JSON hold."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.size > _MAX_RECORDED_ARRAY:
        raise TypeError(
            f"{where} must be a small value to be recorded (a number, a string or a short tuple); got "
            f"{describe(value)}. Pass a named option instead of an array (e.g. mask='label')"
        )
    if isinstance(value, (tuple, list, np.ndarray)):
        return tuple(_plain(v, where) for v in value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v, where) for k, v in value.items()}
    raise TypeError(
        f"{where} must be a small value to be recorded (a number, string, bool, None, or a short "
        f"tuple or dict of those); got {describe(value)}"
    )


def volume_transform(name: str) -> Callable[[F], F]:
    """Register a deterministic ``fn(volume, *, ...) -> Volume`` as the step ``name``.

    The wrapper checks that the first argument is a :class:`Volume`, calls
    ``fn`` and appends ``TransformRecord(name, params)`` to the result's
    history, where ``params`` are the call's keyword arguments with defaults
    filled in. ``fn`` itself must not record (and must not call another
    recording step). It may return ``(volume, measured)`` to add
    measurements to the record.

    Examples
    --------
    A step of the package (``flip_volume`` is ``volume_transform("flip")``):

    >>> from tutorial_utils import flip_volume
    >>> vol = Volume(np.arange(8.0).reshape(2, 2, 2), np.eye(4))
    >>> out = flip_volume(vol, axes=0)
    >>> out.history
    (TransformRecord(name='flip', params={'axes': 0, 'swap_labels': None}),)
    >>> bool(np.array_equal(replay(vol, out.history).image, out.image))
    True
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier such as 'flip'; got {name!r}")

    def register(fn: F) -> F:
        if name in _STEPS and _STEPS[name].__wrapped__ is not fn:  # type: ignore[attr-defined]
            raise ValueError(f"a step named {name!r} is already registered ({_STEPS[name].__qualname__})")
        signature = inspect.signature(fn)
        first = next(iter(signature.parameters))

        @functools.wraps(fn)
        def recorded(volume: Volume, *args: Any, **kwargs: Any) -> Volume:
            check_volume(volume)
            bound = signature.bind(volume, *args, **kwargs)
            bound.apply_defaults()
            result = fn(volume, *args, **kwargs)  # validates every parameter first
            params = {k: _plain(v, f"{name} parameter {k!r}") for k, v in bound.arguments.items() if k != first}
            measured: Mapping[str, Any] = {}
            if isinstance(result, tuple):
                result, measured = result
            record = TransformRecord(name, params, _plain(dict(measured), f"{name} measurement"))
            return result.replace(history=volume.history + (record,))

        recorded.step_name = name  # type: ignore[attr-defined]
        _STEPS[name] = recorded
        return recorded  # type: ignore[return-value]

    return register


def random_transform(fn: F) -> F:
    """Mark ``fn(volume, *, ..., rng=None) -> Volume`` as a random transform.

    It must draw from ``rng`` only and call exactly one step registered with
    :func:`volume_transform`; the contract test runs every function marked
    here.
    """
    parameters = inspect.signature(fn).parameters
    if "rng" not in parameters or parameters["rng"].kind is not inspect.Parameter.KEYWORD_ONLY:
        raise TypeError(f"random transform {fn.__qualname__} must take a keyword-only rng")
    _RANDOM[fn.__name__] = fn
    return fn


def step_names() -> list[str]:
    """Names of the registered deterministic steps, sorted (what a history may hold)."""
    return sorted(_STEPS)


def registered_steps() -> dict[str, Callable[..., Volume]]:
    """``{name: recording function}`` for every registered step."""
    return dict(_STEPS)


def random_transforms() -> dict[str, Callable[..., Volume]]:
    """``{function name: function}`` for every random transform."""
    return dict(_RANDOM)


def _step_for(name: Any, where: str) -> Callable[..., Volume]:
    if not isinstance(name, str) or name not in _STEPS:
        raise ValueError(f"{where}: unknown step {name!r}; known steps are {step_names()}")
    return _STEPS[name]


def _check_parameter_names(step: Callable[..., Volume], params: Mapping[str, Any], where: str) -> None:
    signature = inspect.signature(step)
    try:
        signature.bind(None, **params)
    except TypeError as exc:
        expected = list(signature.parameters)[1:]
        raise TypeError(f"{where}: {exc}; the step takes {expected}") from None


def replay(volume: Volume, records: Iterable[TransformRecord]) -> Volume:
    """Apply recorded steps to ``volume`` in order, with no randomness.

    Each record is applied by calling its step with the recorded parameters,
    so every parameter goes through the same checks as a direct call; a bad
    one raises ``ValueError``/``TypeError`` naming the record's position, its
    name and the parameter. Records that ``volume`` already carries are not
    applied twice: when ``volume.history`` is the start of ``records``
    (``volume`` is an earlier stage of the same pipeline), only the records
    after it are applied.

    Parameters
    ----------
    volume : Volume
        Usually the volume the records were first drawn for, or another scan
        to transform the same way.
    records : iterable of TransformRecord
        For example ``augmented.history``, or :func:`records_from_json` of a
        saved history.

    Returns
    -------
    Volume
        Identical to the original output when ``volume`` is the original
        input; its history holds the replayed records.

    Examples
    --------
    >>> from tutorial_utils import crop_volume, pad_volume
    >>> raw = Volume(np.arange(64.0).reshape(4, 4, 4), np.eye(4))
    >>> out = pad_volume(crop_volume(raw, start=1, size=2), shape=4)
    >>> [r.name for r in out.history]
    ['crop', 'pad']
    >>> bool(np.array_equal(replay(raw, out.history).image, out.image))
    True
    """
    check_volume(volume)
    records = tuple(records)
    for position, record in enumerate(records):
        if not isinstance(record, TransformRecord):
            raise TypeError(f"records[{position}] must be a TransformRecord; got {describe(record)}")
    done = len(volume.history)
    if records[:done] != volume.history:
        done = 0
    for position, record in enumerate(records[done:], start=done):
        where = f"record {position} ({record.name!r})"
        step = _step_for(record.name, f"record {position}")
        _check_parameter_names(step, record.params, where)
        try:
            volume = step(volume, **dict(record.params))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}: {exc}") from exc
    return volume


def records_to_json(records: Iterable[TransformRecord]) -> str:
    """Serialise a ``volume.history`` as JSON (tuples become lists).

    Examples
    --------
    >>> print(records_to_json([TransformRecord("flip", {"axes": (0,)})]))
    [{"name": "flip", "params": {"axes": [0]}}]
    """
    entries = []
    for record in records:
        entry: dict[str, Any] = {"name": record.name, "params": _plain(dict(record.params), "params")}
        if record.measured:
            entry["measured"] = _plain(dict(record.measured), "measured")
        entries.append(entry)
    return json.dumps(entries)


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def records_from_json(text: str) -> tuple[TransformRecord, ...]:
    """Inverse of :func:`records_to_json`: records ready for :func:`replay`.

    A history is data from a file, so its shape is checked here: a list of
    ``{"name": ..., "params": {...}}`` objects naming registered steps with
    parameters those steps take. The parameter *values* are checked by
    :func:`replay`, against the volume they are applied to.

    Raises
    ------
    ValueError
        Not JSON, not a list of such objects, or an unknown step name.
    TypeError
        A parameter the step does not take, or a required one missing.

    Examples
    --------
    >>> records_from_json('[{"name": "flip", "params": {"axes": [0]}}]')
    (TransformRecord(name='flip', params={'axes': (0,)}),)
    """
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text must be a JSON string; got {describe(text)}")
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"text must be a JSON list of records; it is not JSON ({exc})") from None
    if not isinstance(entries, list):
        raise ValueError(f"text must be a JSON list of records; got a {type(entries).__name__}")
    records = []
    for position, entry in enumerate(entries):
        where = f"record {position}"
        if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict):
            raise ValueError(f'{where} must be an object {{"name": ..., "params": {{...}}}}; got {describe(entry)}')
        step = _step_for(entry.get("name"), where)
        _check_parameter_names(step, entry["params"], f"{where} ({entry['name']!r})")
        measured = entry.get("measured", {})
        if not isinstance(measured, dict):
            raise ValueError(f"{where}: measured must be an object; got {describe(measured)}")
        records.append(TransformRecord(entry["name"], _tuples(entry["params"]), _tuples(measured)))
    return tuple(records)
