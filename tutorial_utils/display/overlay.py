"""Pure functions that turn a slice into colours: windowing and label overlays.

Nothing here draws. A slice is windowed to grey levels (:func:`to_uint8`,
limits from :func:`intensity_range` or a CT window), and its label map is
blended in by one table lookup (:func:`overlay_table`, :func:`composite`),
so a widget update is a few numpy operations and one ``set_data``.

Label ``v > 0`` gets the colour ``LABEL_COLORS[(v - 1) % 10]``, called
``LABEL_COLOR_NAMES[(v - 1) % 10]`` in words; label 0 (background) is
transparent. Two overlay styles (:data:`OVERLAY_STYLES`):

* ``"contour"`` (the default everywhere): each label's boundary pixels
  (:func:`outline`) in its opaque colour, every other pixel shows the image,
  so the grey levels under a label stay readable;
* ``"fill"``: every label pixel tinted with its colour at opacity ``alpha``
  (default :data:`FILL_ALPHA`), which also hides part of the image.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .._checks import describe

#: RGB colour of label 1, 2, 3, ...; label ``v > 0`` gets row ``(v - 1) % 10``. Label 0 (background)
#: is transparent. The order of ITK-SNAP's default table (red, green, blue, yellow, cyan, magenta),
#: with values chosen so that each reads as its word in :data:`LABEL_COLOR_NAMES` (the nearest of the
#: basic colour words, tested) and stays visible as a thin line on dark and bright grey alike.
LABEL_COLORS: np.ndarray = np.array(
    [
        (255, 0, 0),
        (0, 200, 0),
        (30, 90, 255),
        (255, 255, 0),
        (0, 255, 255),
        (210, 0, 170),
        (255, 128, 0),
        (140, 40, 210),
        (140, 70, 0),
        (255, 130, 200),
    ],
    dtype=np.uint8,
)
LABEL_COLORS.setflags(write=False)

#: The colour of each row of :data:`LABEL_COLORS` in words: what a legend, and the prose about a
#: figure, call it (label ``v > 0`` is ``LABEL_COLOR_NAMES[(v - 1) % 10]``, see :func:`color_name`).
LABEL_COLOR_NAMES: tuple[str, ...] = (
    "red",
    "green",
    "blue",
    "yellow",
    "cyan",
    "magenta",
    "orange",
    "purple",
    "brown",
    "pink",
)

#: The overlay styles: label boundaries in opaque colours, or translucent colour over each label.
OVERLAY_STYLES: tuple[str, str] = ("contour", "fill")
#: Default opacity of the ``"fill"`` style: at most 35 % colour, so the image still shows.
FILL_ALPHA = 0.35


def intensity_range(
    image: np.ndarray, percentiles: tuple[float, float] = (0.5, 99.5), max_samples: int = 1 << 20
) -> tuple[float, float]:
    """Robust display limits: the given percentiles of ``image`` as Python floats.

    A strided subsample of at most about ``max_samples`` voxels is used, so
    the cost stays small on big volumes and the result is deterministic.
    A constant image gets ``(value, value + 1)`` so the limits never coincide.

    Examples
    --------
    >>> import numpy as np
    >>> intensity_range(np.arange(1001, dtype=np.float32).reshape(1, 1, -1), (0, 100))
    (0.0, 1000.0)
    """
    flat = image.reshape(-1)
    step = max(1, flat.size // max_samples)
    low, high = np.percentile(flat[::step], percentiles)
    low, high = float(low), float(high)
    if high <= low:
        high = low + 1.0
    return low, high


def to_uint8(slice_2d: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """Map ``[vmin, vmax]`` linearly to ``0..255`` (values outside are clipped).

    This is what a grey colormap does with ``vmin``/``vmax``: everything at or
    below ``vmin`` is black, at or above ``vmax`` white. A CT window given as
    level and width is ``vmin, vmax = tutorial_utils.window_limits(level, width)``.

    Examples
    --------
    >>> import numpy as np
    >>> to_uint8(np.array([[-10.0, 0.0, 5.0, 10.0, 99.0]]), 0.0, 10.0)
    array([[  0,   0, 128, 255, 255]], dtype=uint8)
    """
    if not float(vmax) > float(vmin):
        raise ValueError(f"vmax must be > vmin; got vmin={vmin}, vmax={vmax}")
    scale = np.float32(255.0 / (float(vmax) - float(vmin)))
    scaled = (np.asarray(slice_2d, dtype=np.float32) - np.float32(vmin)) * scale
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def label_colors(label_slice: np.ndarray) -> np.ndarray:
    """RGB colour of every pixel's label, shape ``(H, W, 3)`` uint8 (black for 0).

    Examples
    --------
    >>> import numpy as np
    >>> label_colors(np.array([[0, 1, 11]]))[0].tolist()
    [[0, 0, 0], [255, 0, 0], [255, 0, 0]]
    """
    rows = color_index(label_slice)
    rgb = LABEL_COLORS[np.maximum(rows - 1, 0)]
    rgb[rows == 0] = 0
    return rgb


def color_name(value: int) -> str:
    """The colour of label ``value`` > 0 in words, as in :data:`LABEL_COLOR_NAMES`.

    Examples
    --------
    >>> color_name(1), color_name(4), color_name(14)
    ('red', 'yellow', 'yellow')
    """
    return LABEL_COLOR_NAMES[(int(value) - 1) % len(LABEL_COLOR_NAMES)]


def label_names(names: Any, name: str = "legend") -> dict[int, str]:
    """Label value -> name, from ``{value: name}`` (e.g. ``tu.MNI_LABELS``) or a ``dataset.json``'s ``{name: value}``.

    Examples
    --------
    >>> label_names({0: "background", 4: "liver"}), label_names({"background": 0, "liver": 4})
    ({0: 'background', 4: 'liver'}, {0: 'background', 4: 'liver'})
    """
    if not isinstance(names, Mapping):
        raise TypeError(f"{name} must map label values to names (e.g. tu.MNI_LABELS); got {describe(names)}")
    pairs = [(value, text) if isinstance(text, str) else (text, value) for value, text in names.items()]
    checked = {}
    for value, text in pairs:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or not isinstance(text, str):
            raise TypeError(
                f"{name} must map int label values to str names, or names to int values as dataset.json does; "
                f"got {describe(value)}: {describe(text)}"
            )
        checked[int(value)] = text
    return checked


def legend_entries(names: Mapping[int, str], drawn: Iterable[int] = ()) -> list[tuple[int, str]]:
    """``(value, text)`` of every label colour a figure shows: named labels and every other ``drawn`` value.

    The text is the value, its name and its colour in words (the words of
    :data:`LABEL_COLOR_NAMES`, which prose about the figure can use too);
    label 0 (background, never drawn) is left out.

    Examples
    --------
    >>> legend_entries({0: "background", 4: "liver"}, drawn=[0, 4, 7])
    [(4, '4 liver (yellow)'), (7, '7 unnamed (orange)')]
    """
    values = sorted({int(v) for v in names} | {int(v) for v in drawn} - {0})
    return [(v, f"{v} {names.get(v, 'unnamed')} ({color_name(v)})") for v in values if v != 0]


def color_of(value: int) -> tuple[float, float, float]:
    """Matplotlib colour (floats in [0, 1]) of label ``value`` > 0, as in :data:`LABEL_COLORS`.

    Examples
    --------
    >>> color_of(1)
    (1.0, 0.0, 0.0)
    """
    return tuple(float(c) / 255 for c in LABEL_COLORS[(int(value) - 1) % len(LABEL_COLORS)])  # type: ignore[return-value]


def label_rgba(label_slice: np.ndarray, alpha: float = FILL_ALPHA) -> np.ndarray:
    """Translucent colour overlay of a label slice, shape ``(H, W, 4)`` uint8.

    Label 0 is fully transparent; every other label gets its colour from
    :data:`LABEL_COLORS` with opacity ``alpha``. Draw it with
    ``imshow(..., interpolation="nearest")`` on top of the grey image.

    Examples
    --------
    >>> import numpy as np
    >>> label_rgba(np.array([[0, 3]]), alpha=0.5).tolist()
    [[[0, 0, 0, 0], [30, 90, 255, 128]]]
    """
    alpha = check_alpha(alpha)
    label_slice = np.asarray(label_slice)
    rgba = np.empty(label_slice.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = label_colors(label_slice)
    rgba[..., 3] = np.where(label_slice != 0, np.uint8(round(alpha * 255)), np.uint8(0))
    return rgba


def color_index(label_slice: np.ndarray) -> np.ndarray:
    """Row of each pixel in an :func:`overlay_table`: 0 for background, ``(v - 1) % 10 + 1`` else.

    Examples
    --------
    >>> import numpy as np
    >>> color_index(np.array([0, 1, 3, 11, -1])).tolist()
    [0, 1, 3, 1, 9]
    """
    label_slice = np.asarray(label_slice)
    rows = np.mod(label_slice.astype(np.int64) - 1, len(LABEL_COLORS)) + 1
    rows[label_slice == 0] = 0
    return rows


def overlay_table(base: np.ndarray, alpha: float = FILL_ALPHA) -> np.ndarray:
    """Colour of every (label colour, grey level) pair, shape ``(11, 256, 4)`` uint8.

    Row 0 is ``base``, the colormap as 256 RGBA entries (e.g. black to
    white); row ``r`` mixes it with label colour ``LABEL_COLORS[r - 1]``:
    ``(1 - alpha) * base + alpha * colour``, fully opaque. Looking a slice up
    in this table (:func:`composite`) blends image and labels in one step.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.full((256, 4), 255, np.uint8); grey[:, :3] = np.arange(256)[:, None]
    >>> overlay_table(grey, alpha=0.5)[1, 100].tolist()  # grey 100 under label 1 (red)
    [178, 50, 50, 255]
    """
    alpha = check_alpha(alpha)
    base = np.asarray(base)
    if base.shape != (256, 4) or base.dtype != np.uint8:
        raise ValueError(f"base must be a (256, 4) uint8 RGBA table; got {describe(base)}")
    table = np.empty((len(LABEL_COLORS) + 1, 256, 4), dtype=np.uint8)
    table[0] = base
    mixed = (1 - alpha) * base[None, :, :3].astype(np.float32) + alpha * LABEL_COLORS[:, None, :].astype(np.float32)
    table[1:, :, :3] = np.rint(mixed).astype(np.uint8)
    table[1:, :, 3] = 255
    return table


def outline(labels: np.ndarray) -> np.ndarray:
    """Boundary pixels of each label: non-zero and next to a different value, ``(H, W)`` bool.

    A pixel is on the boundary when one of its four neighbours (inside the
    array) holds another value. Where two labels touch, both sides are on
    their own label's boundary (two pixels, one per colour); where a label
    meets the background, only the label's side is. A region one or two
    pixels thin is all boundary, so thin structures stay fully drawn. Works
    on any integer array: label values, or the colour rows of
    :func:`color_index`.

    Examples
    --------
    >>> import numpy as np
    >>> labels = np.zeros((5, 5), int); labels[1:4, 1:4] = 2
    >>> outline(labels).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 0, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    """
    labels = np.asarray(labels)
    if labels.ndim != 2:
        raise ValueError(f"labels must be a 2D slice; got {describe(labels)}")
    edge = np.zeros(labels.shape, dtype=bool)
    across = labels[:, 1:] != labels[:, :-1]
    edge[:, 1:] |= across
    edge[:, :-1] |= across
    down = labels[1:, :] != labels[:-1, :]
    edge[1:, :] |= down
    edge[:-1, :] |= down
    edge &= labels != 0
    return edge


def style_table(base: np.ndarray, overlay: str | None, alpha: float = FILL_ALPHA) -> np.ndarray:
    """The :func:`overlay_table` an overlay style draws with: opaque colours for ``"contour"``, ``alpha`` for ``"fill"``.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.full((256, 4), 255, np.uint8); grey[:, :3] = np.arange(256)[:, None]
    >>> style_table(grey, "contour")[1, 100].tolist(), style_table(grey, "fill", 0.5)[1, 100].tolist()
    ([255, 0, 0, 255], [178, 50, 50, 255])
    """
    return overlay_table(base, 1.0 if check_overlay(overlay) == "contour" else alpha)


def composite(
    slice_2d: np.ndarray,
    label_slice: np.ndarray | None,
    vmin: float,
    vmax: float,
    table: np.ndarray,
    *,
    contour: bool = False,
) -> np.ndarray:
    """Window an image slice and blend its labels into one RGBA image, ``(H, W, 4)`` uint8.

    ``slice_2d`` is mapped to grey levels 0..255 by :func:`to_uint8`, then each
    pixel is looked up in ``table`` (from :func:`overlay_table`) at its
    label colour row (row 0 where the label is 0 or there is no label).
    With ``contour=True`` only the label's boundary pixels (:func:`outline`,
    on this slice's grid) get their colour row; a table built with
    ``alpha=1`` then draws opaque outlines and leaves the image everywhere else.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.full((256, 4), 255, np.uint8); grey[:, :3] = np.arange(256)[:, None]
    >>> out = composite(np.array([[0.0, 10.0]]), np.array([[0, 2]]), 0.0, 10.0, overlay_table(grey, 0.5))
    >>> out.tolist()
    [[[0, 0, 0, 255], [128, 228, 128, 255]]]
    """
    gray = to_uint8(slice_2d, vmin, vmax)
    if label_slice is None:
        return table[0][gray]
    label_slice = np.asarray(label_slice)
    if label_slice.shape != gray.shape:
        raise ValueError(f"label_slice must have slice_2d's shape {gray.shape}; got {label_slice.shape}")
    rows = color_index(label_slice)
    if contour:
        rows[~outline(label_slice)] = 0
    return table[rows, gray]


def check_overlay(overlay: Any) -> str | None:
    """Return ``overlay`` (one of :data:`OVERLAY_STYLES`, or None for no overlay), or raise naming it.

    Examples
    --------
    >>> check_overlay("contour"), check_overlay(None)
    ('contour', None)
    """
    if overlay is not None and overlay not in OVERLAY_STYLES:
        raise ValueError(f"overlay must be one of {(*OVERLAY_STYLES, None)}; got {overlay!r}")
    return overlay


def check_alpha(alpha: Any) -> float:
    """Return ``alpha`` (an opacity) as a float in [0, 1], or raise naming ``alpha``."""
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a number in [0, 1]; got {describe(alpha)}")
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"alpha must be in [0, 1]; got {alpha}")
    return float(alpha)
