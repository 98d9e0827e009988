"""The record/replay contract itself: registration, validation of recorded data, JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tutorial_utils import TransformRecord, Volume, replay
from tutorial_utils.records import (
    random_transform,
    records_from_json,
    records_to_json,
    step_names,
    volume_transform,
)


@volume_transform("test_records_add")
def add_constant(volume: Volume, *, value: float = 1.0) -> Volume:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"value must be a number; got {value!r}")
    return volume.replace(image=volume.image + np.float32(value))


@volume_transform("test_records_measure")
def add_and_measure(volume: Volume, *, value: float) -> tuple[Volume, dict[str, float]]:
    out = volume.replace(image=volume.image + np.float32(value))
    return out, {"new_max": float(out.image.max())}


def _volume() -> Volume:
    return Volume(np.zeros((2, 3, 4), np.float32), np.diag([1.0, 2.0, 3.0, 1.0]))


def test_a_direct_call_adds_one_record_with_its_arguments_and_defaults():
    out = add_constant(add_constant(_volume(), value=1.5))
    assert out.history == (
        TransformRecord("test_records_add", {"value": 1.5}),
        TransformRecord("test_records_add", {"value": 1.0}),
    )
    again = replay(_volume(), out.history)
    np.testing.assert_array_equal(again.image, out.image)
    assert again.history == out.history


def test_numpy_values_are_recorded_as_plain_python():
    out = add_constant(_volume(), value=np.float32(2.0))
    assert type(out.history[0].params["value"]) is float


def test_measurements_go_to_the_record_but_not_into_replay():
    out = add_and_measure(_volume(), value=3.0)
    assert out.history[0].measured == {"new_max": 3.0}
    assert out.history[0].params == {"value": 3.0}
    text = records_to_json(out.history)
    assert json.loads(text)[0]["measured"] == {"new_max": 3.0}
    again = replay(_volume(), records_from_json(text))
    assert again.history[0].measured == {"new_max": 3.0}


def test_a_parameter_that_cannot_be_recorded_is_refused():
    with pytest.raises(TypeError, match="test_records_add parameter 'value'"):
        add_constant(_volume(), value=object())


def test_a_step_refuses_a_plain_array():
    with pytest.raises(TypeError, match="volume must be a Volume"):
        add_constant(np.zeros((2, 2, 2)))


def test_registering_another_function_under_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        volume_transform("test_records_add")(lambda volume: volume)


def test_a_random_transform_must_take_a_keyword_only_rng():
    with pytest.raises(TypeError, match="keyword-only rng"):
        random_transform(lambda volume, rng=None: volume)


def test_replay_names_the_position_and_step_of_a_bad_parameter():
    records = [TransformRecord("test_records_add", {"value": 1.0}), TransformRecord("test_records_add", {"value": "x"})]
    with pytest.raises(TypeError, match=r"record 1 \('test_records_add'\): value must be a number"):
        replay(_volume(), records)


def test_replay_refuses_an_unknown_parameter_and_lists_the_expected_ones():
    with pytest.raises(TypeError, match=r"record 0 \('test_records_add'\).*takes \['value'\]"):
        replay(_volume(), [TransformRecord("test_records_add", {"amount": 1.0})])


def test_replay_refuses_an_unknown_step_and_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown step 'no_such_step'; known steps are \[.*'flip'"):
        replay(_volume(), [TransformRecord("no_such_step", {})])


def test_replay_checks_recorded_values_of_the_package_steps():
    vol = _volume()
    with pytest.raises(ValueError, match="record 0 .'resample'.: .*spacing"):
        replay(vol, [TransformRecord("resample", {"spacing": (0.0, 1.0, 1.0), "order": 1, "antialias": True})])


def test_replay_skips_the_records_the_volume_already_carries():
    first = add_constant(_volume(), value=1.0)
    out = add_constant(first, value=2.0)
    again = replay(first, out.history)
    np.testing.assert_array_equal(again.image, out.image)
    assert again.history == out.history


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("not json", ValueError, "not JSON"),
        ('{"name": "flip"}', ValueError, "JSON list of records"),
        ('[{"name": "flip"}]', ValueError, r"record 0 must be an object \{\"name\""),
        ('[{"name": "nope", "params": {}}]', ValueError, "unknown step 'nope'"),
        ('[{"name": "flip", "params": {"axis": 0}}]', TypeError, r"record 0 \('flip'\).*takes"),
        ('[{"name": "flip", "params": {"axes": 0}, "measured": 3}]', ValueError, "measured must be an object"),
    ],
)
def test_records_from_json_checks_the_shape_names_and_parameter_names(text, error, match):
    with pytest.raises(error, match=match):
        records_from_json(text)


def test_records_from_json_refuses_what_is_not_text():
    with pytest.raises(TypeError, match="text must be a JSON string"):
        records_from_json([{"name": "flip"}])


def test_json_round_trip_gives_equal_records():
    out = add_constant(_volume(), value=0.5)
    assert records_from_json(records_to_json(out.history)) == out.history


def test_step_names_are_sorted_and_hold_the_package_steps():
    names = step_names()
    assert names == sorted(names)
    assert {"flip", "crop", "resample", "skipped"} <= set(names)
