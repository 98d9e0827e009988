"""Where the live views put their panels: pixel rectangles in the frame, from the volume's size in mm.

Pure geometry, no drawing. A row of three panels (sagittal, coronal,
axial) fills the frame's width: each panel is fitted to an ``L x L`` square
by its long side (as a clinical viewer fits each view to its window) and
keeps the aspect of its physical size, so a 1 x 1 x 3 mm voxel is three
times as tall as wide. ``L`` is as large as the width allows; at the
default 960 px every panel of a head scan is over 300 px on its long side.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, NamedTuple

from .._checks import describe

#: Margin around the frame, space between two panels and height of the
#: strip above a row of panels (plane names), in pixels.
PAD = 4
GAP = 10
HEADER = 20
#: The smallest frame width the views accept (pixels).
MIN_WIDTH = 240


class Rect(NamedTuple):
    """A rectangle in the frame, in pixels: top-left corner ``(x, y)``, width and height."""

    x: int
    y: int
    w: int
    h: int


def long_side(sizes_mm: Sequence[tuple[float, float]], width: int) -> int:
    """The long side ``L`` (pixels) of the panels when a row of them fills ``width``.

    Each panel of ``(w_mm, h_mm)`` is ``L * w_mm / max(w_mm, h_mm)`` pixels
    wide; the row leaves ``PAD`` at both ends and ``GAP`` between panels.
    ``L`` is at most half the width, so a row of tall, thin panels (a few
    thick slices) does not grow taller than the page.

    Examples
    --------
    >>> long_side([(233, 189), (197, 189), (197, 233)], 960)  # mni: sagittal, coronal, axial
    327
    >>> long_side([(7, 30), (1, 30), (1, 7)], 960)  # one sagittal slice of 3 mm voxels
    480
    """
    room = width - 2 * PAD - GAP * (len(sizes_mm) - 1)
    return max(8, min(width // 2, int(room / sum(w / max(w, h) for w, h in sizes_mm))))


def row_boxes(sizes_mm: Sequence[tuple[float, float]], width: int, top: int) -> list[Rect]:
    """Boxes of a row of panels filling ``width``, their tops at ``top``.

    A box is as wide as its panel fitted by its long side (:func:`long_side`)
    and as tall as the tallest fitted panel of the row; the row is centred.

    Examples
    --------
    >>> row_boxes([(20, 10), (10, 20), (10, 10)], 300, 0)
    [Rect(x=5, y=0, w=108, h=108), Rect(x=123, y=0, w=54, h=108), Rect(x=187, y=0, w=108, h=108)]
    >>> [box.h for box in row_boxes([(20, 10), (30, 10)], 130, 0)]  # two wide panels: a low row
    [28, 28]
    """
    side = long_side(sizes_mm, width)
    fitted = [(max(1, round(side * w / max(w, h))), max(1, round(side * h / max(w, h)))) for w, h in sizes_mm]
    height = max(h for _, h in fitted)
    x = (width - sum(w for w, _ in fitted) - GAP * (len(fitted) - 1)) // 2
    boxes = []
    for w, _ in fitted:
        boxes.append(Rect(x, top, w, height))
        x += w + GAP
    return boxes


def fit_rect(box: Rect, size_mm: tuple[float, float]) -> Rect:
    """The largest rectangle of aspect ``size_mm`` (w, h) inside ``box``, centred.

    Examples
    --------
    >>> fit_rect(Rect(0, 0, 100, 100), (2.0, 1.0))
    Rect(x=0, y=25, w=100, h=50)
    """
    w_mm, h_mm = size_mm
    scale = min(box.w / w_mm, box.h / h_mm)
    w = max(1, min(box.w, round(w_mm * scale)))
    h = max(1, min(box.h, round(h_mm * scale)))
    return Rect(box.x + (box.w - w) // 2, box.y + (box.h - h) // 2, w, h)


def check_width(width: Any, name: str = "width") -> int:
    """``width`` (the frame's width in pixels) as an int >= ``MIN_WIDTH``, or an error naming ``name``.

    Examples
    --------
    >>> check_width(960)
    960
    """
    if isinstance(width, bool) or not isinstance(width, numbers.Integral):
        raise TypeError(f"{name} must be an int (pixels); got {describe(width)}")
    if width < MIN_WIDTH:
        raise ValueError(f"{name} must be >= {MIN_WIDTH} pixels; got {width}")
    return int(width)
