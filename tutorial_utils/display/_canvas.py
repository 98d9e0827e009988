"""A frame of pixels sent to an ``ipywidgets.Image``: the base of both live views.

A frame is three layers, composed in numpy on every update and encoded once
as PNG (:func:`~tutorial_utils.display._render.encode_png`):

1. the *background*: everything that changes rarely (plane names, the
   explorer's caption and histogram), drawn by matplotlib on an Agg canvas
   of exactly the frame's size (not through ``pyplot``, so nothing leaks
   into a notebook's inline output), redrawn only when it changes;
2. the *panels*: drawn straight from the volume by
   :class:`~tutorial_utils.display._render.PanelPixels` (no matplotlib);
3. the *overlay*: artists a user's ``annotate`` callback added, drawn by
   matplotlib once per change onto a transparent layer and blended on top.

Moving a slice therefore costs a few numpy lookups and one PNG encode. No
ipympl, no custom front end: any JupyterLab with core ipywidgets 8 runs it,
and tests drive it headlessly.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import IdentityTransform

from ._layout import Rect
from ._render import encode_png, letter_stamp
from .orientation import orientation_labels
from .style import DPI

#: Orientation letter size (pixels).
LETTER_PX = 14
#: zlib level of the picture a notebook keeps (encoded once per display:
#: about 20 % smaller than the live updates' level 1, which keeps a notebook
#: with three explorers well under its size budget).
SNAPSHOT_LEVEL = 9


@lru_cache(maxsize=4)
def _font(size: int) -> Any:
    from PIL import ImageFont

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=32)
def _stamp(letter: str) -> np.ndarray:
    stamp = letter_stamp(letter, _font(LETTER_PX))
    stamp.setflags(write=False)
    return stamp


def letter_stamps(affine: np.ndarray | None, axis: int, convention: str | None = None) -> dict[str, np.ndarray]:
    """Orientation letter stamps of plane ``axis`` by edge, in a display ``convention`` (none without an affine)."""
    return {edge: _stamp(letter) for edge, letter in orientation_labels(affine, axis, convention).items()}


class FrameImage:
    """Own a frame, its matplotlib background and the Image widget that shows it.

    Subclasses call :meth:`_init_frame`, add text or axes to ``self.figure``,
    call :meth:`_draw_background` whenever that changes, implement
    :meth:`_paint` (draw the panels into the frame) and call :meth:`render`
    after each update.
    """

    figure: Figure
    image: widgets.Image
    widget: widgets.VBox

    def _init_frame(self, width: int, height: int) -> None:
        # A hair over the size: the canvas is int(inches * dpi) pixels.
        self.figure = Figure(figsize=((width + 0.01) / DPI, (height + 0.01) / DPI), dpi=DPI, layout="none")
        self._canvas = FigureCanvasAgg(self.figure)
        self._frame = np.zeros((height, width, 3), np.uint8)
        self._background = np.full((height, width, 3), 255, np.uint8)
        self._overlay: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # Natural size when the page is wide enough (a stretched PNG looks blurred), narrower when not.
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{width}px"))

    def _text(self, x: float, y: float, text: str, **style: Any) -> Any:
        """Figure text at frame pixel ``(x, y)`` (from the top left)."""
        return self.figure.text(x, self._frame.shape[0] - y, text, transform=IdentityTransform(), **style)

    def _axes(self, rect: Rect) -> Any:
        """Matplotlib Axes covering frame rectangle ``rect`` exactly."""
        height, width = self._frame.shape[:2]
        return self.figure.add_axes((rect.x / width, 1 - (rect.y + rect.h) / height, rect.w / width, rect.h / height))

    def _draw_background(self, overlay: Sequence[Artist] = ()) -> None:
        """Draw the figure into the background layer and the ``overlay`` artists into the overlay layer."""
        for artist in overlay:
            artist.set_animated(True)  # left out of canvas.draw()
        self._canvas.draw()
        buffer = np.asarray(self._canvas.buffer_rgba())
        self._background = buffer[..., :3].copy()
        self._overlay = None
        if overlay:
            renderer = self._canvas.get_renderer()
            renderer.clear()  # transparent
            for artist in overlay:
                artist.draw(renderer)
            rgba = np.asarray(self._canvas.buffer_rgba()).reshape(-1, 4)
            where = np.flatnonzero(rgba[:, 3])
            alpha = rgba[where, 3:].astype(np.float32) / 255.0
            self._overlay = (where, rgba[where, :3] * alpha, 1.0 - alpha)

    def _paint(self, frame: np.ndarray) -> None:
        """Draw the panels into ``frame`` (over the background)."""
        raise NotImplementedError

    def render(self) -> None:
        """Compose background, panels and overlay into the frame and send it to the Image widget as PNG."""
        frame = self._frame
        np.copyto(frame, self._background)
        self._paint(frame)
        if self._overlay is not None:
            where, color, keep = self._overlay
            flat = frame.reshape(-1, 3)
            flat[where] = np.rint(flat[where] * keep + color).astype(np.uint8)
        self.image.value = encode_png(frame)

    def frame(self) -> np.ndarray:
        """The picture as last rendered, ``(H, W, 3)`` uint8 (read-only view)."""
        view = self._frame.view()
        view.setflags(write=False)
        return view

    @property
    def png(self) -> bytes:
        """PNG bytes currently shown by the Image widget."""
        return bytes(self.image.value)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget plus a PNG of its current state.

        JupyterLab renders the widget view; GitHub and nbviewer, which run no
        widgets, fall back to the ``image/png`` picture (the same pixels as
        the live view, compressed harder: it is stored in the notebook).
        """
        bundle: dict[str, Any] = {}
        widget_repr = getattr(self.widget, "_repr_mimebundle_", None)
        if widget_repr is not None:
            bundle.update(widget_repr(**kwargs) or {})
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = base64.b64encode(encode_png(self._frame, SNAPSHOT_LEVEL)).decode("ascii")
        return bundle
