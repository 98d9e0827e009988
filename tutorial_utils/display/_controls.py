"""The ipywidgets controls of the live views: plane sliders, parameter sliders, the seed.

:class:`~tutorial_utils.display.viewer.SliceViewer` and
:class:`~tutorial_utils.display.explorer.TransformExplorer` build their
controls here, so a plane slider looks and behaves the same in both.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._checks import describe
from .slicing import PLANES

#: Layout of a slider that shares a row with two others.
SLIDER_LAYOUT = {"width": "33%", "min_width": "180px"}
#: ipywidgets' default control width and description width, and about how
#: wide a character of a description is (pixels, JupyterLab's UI font).
CONTROL_WIDTH = 300
LABEL_WIDTH = 80
CHAR_WIDTH = 7.5


def readable(name: str) -> dict[str, Any]:
    """Style and layout keywords that show the whole description ``name`` (no "num_cont…").

    The description gets its natural width; a long one widens the control
    by as much, so the slider keeps its usual length.

    Examples
    --------
    >>> readable("num_control_points")["layout"].width
    '365px'
    >>> readable("gain")["layout"].width
    '300px'
    """
    extra = max(0, round(CHAR_WIDTH * len(name)) + 10 - LABEL_WIDTH)
    return {
        "style": {"description_width": "initial"},
        "layout": widgets.Layout(width=f"{CONTROL_WIDTH + extra}px"),
    }


def plane_sliders(shape: Sequence[int], start: Sequence[int]) -> dict[str, widgets.IntSlider]:
    """One slider per plane (``"sagittal"``, ``"coronal"``, ``"axial"``), updating while dragged.

    Examples
    --------
    >>> {name: (s.value, s.max) for name, s in plane_sliders((4, 5, 6), (1, 2, 3)).items()}
    {'sagittal': (1, 3), 'coronal': (2, 4), 'axial': (3, 5)}
    """
    return {
        name: widgets.IntSlider(
            value=int(start[axis]),
            min=0,
            max=int(shape[axis]) - 1,
            description=name,
            continuous_update=True,
            layout=widgets.Layout(**SLIDER_LAYOUT),
        )
        for axis, name in enumerate(PLANES)
    }


def seed_control(seed: Any) -> widgets.IntSlider:
    """The ``seed`` slider of a random transform: 0 to ``max(99, seed)``, starting at ``seed``.

    Raises
    ------
    TypeError
        ``seed`` is not an int >= 0.

    Examples
    --------
    >>> slider = seed_control(7)
    >>> slider.value, slider.max
    (7, 99)
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be a non-negative int or None; got {describe(seed)}")
    return widgets.IntSlider(
        value=int(seed), min=0, max=max(99, int(seed)), description="seed", continuous_update=False, **readable("seed")
    )


def make_control(name: str, spec: Any) -> widgets.Widget:
    """The control of one transform keyword, from a short spec (as ``ipywidgets.interact`` reads it).

    Parameters
    ----------
    name : str
        The keyword, shown as the description.
    spec : widget, tuple, list or bool
        An ipywidgets widget (used as is, with ``continuous_update`` set to
        False), a ``(min, max, step)`` tuple (IntSlider if all three are
        ints, else FloatSlider, starting in the middle) or ``(min, max, step,
        value)``, a list (Dropdown, starting at the first item) or a bool
        (Checkbox).

    Examples
    --------
    >>> make_control("gain", (1.0, 3.0, 0.5)).value, make_control("n", (0, 10, 2, 6)).value
    (2.0, 6)
    """
    if isinstance(spec, widgets.ValueWidget):
        if hasattr(spec, "continuous_update"):
            spec.continuous_update = False
        return spec
    if isinstance(spec, (bool, np.bool_)):
        return widgets.Checkbox(value=bool(spec), description=name, indent=False, **readable(name))
    if isinstance(spec, list):
        if not spec:
            raise ValueError(f"slider {name!r}: a list of options must not be empty")
        return widgets.Dropdown(options=spec, value=spec[0], description=name, **readable(name))
    if (
        isinstance(spec, tuple)
        and len(spec) in (3, 4)
        and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in spec)
    ):
        low, high, step = spec[:3]
        if not (high > low and step > 0):
            raise ValueError(f"slider {name!r}: (min, max, step) needs max > min and step > 0; got {spec}")
        integer = all(isinstance(v, numbers.Integral) for v in spec)
        if len(spec) == 4:
            value = spec[3]
        else:
            n_steps = int(round((high - low) / step))
            value = round(low + step * (n_steps // 2), 12)
        kind, cast, extra = (
            (widgets.IntSlider, int, {}) if integer else (widgets.FloatSlider, float, {"readout_format": ".3g"})
        )
        return kind(
            value=cast(value),
            min=cast(low),
            max=cast(high),
            step=cast(step),
            description=name,
            continuous_update=False,
            **extra,
            **readable(name),
        )
    raise TypeError(
        f"slider {name!r} must be an ipywidgets widget, a (min, max, step[, value]) tuple, a list of "
        f"options or a bool; got {describe(spec)}"
    )
