"""A matplotlib figure rendered into an ``ipywidgets.Image``: the base of both widgets.

The figure is built once on an Agg canvas (not through ``pyplot``, so nothing
leaks into a notebook's inline output). After the artists are updated in
place, :meth:`FigureImage.render` draws the canvas and encodes it as PNG into
the Image widget, which the front end shows. No ipympl, no custom front end:
any JupyterLab with core ipywidgets 8 runs it, and tests drive it headlessly.

Drawing the whole figure is slow: most of the time goes into tick labels and
axis text that never change. So the figure is drawn fully once with the
changing ("dynamic") artists marked animated, the result is kept as a
background, and each update restores that background and draws only the
dynamic artists on top (matplotlib's blitting, here on an off-screen canvas).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

#: zlib level for the PNG: 1 is several times faster than the default 6 and
#: the bytes only travel to the local front end.
PNG_COMPRESS_LEVEL = 1


def encode_png(rgba: np.ndarray) -> bytes:
    """PNG bytes of an ``(H, W, 4)`` uint8 RGBA array (fast, low compression)."""
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


class FigureImage:
    """Own a figure and the Image widget that shows its latest drawing.

    Subclasses build ``self.figure``'s artists, put ``self.image`` into
    ``self.widget`` (a VBox), list the artists that change in
    :meth:`_dynamic_artists` (in drawing order) and call :meth:`render` after
    each update (``full=True`` when anything else changed: limits, ticks).
    """

    figure: Figure
    image: widgets.Image
    widget: widgets.VBox

    def _init_canvas(self, figure: Figure) -> None:
        self.figure = figure
        self._canvas = FigureCanvasAgg(figure)
        # Natural size (a stretched PNG looks blurred); narrower only when the page is.
        width = f"{int(round(figure.bbox.width))}px"
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=width, max_width="100%"))
        self._background: Any = None

    def _dynamic_artists(self) -> Sequence[Artist]:
        """Artists that change between updates, in drawing order (the rest is background)."""
        raise NotImplementedError

    def render(self, *, full: bool = False) -> None:
        """Draw the figure and send it to the Image widget as PNG.

        Only the dynamic artists are drawn over the cached background, unless
        ``full`` is True or there is no background yet.
        """
        artists = [a for a in self._dynamic_artists() if a is not None]
        if full or self._background is None:
            for artist in artists:
                artist.set_animated(True)
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(self.figure.bbox)
        else:
            self._canvas.restore_region(self._background)
        renderer = self._canvas.get_renderer()
        for artist in artists:
            artist.draw(renderer)
        self.image.value = encode_png(self.rgba())

    def rgba(self) -> np.ndarray:
        """The figure as last drawn, ``(H, W, 4)`` uint8 (a view of the canvas buffer)."""
        return np.asarray(self._canvas.buffer_rgba())

    @property
    def png(self) -> bytes:
        """PNG bytes currently shown by the Image widget."""
        return bytes(self.image.value)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget plus a PNG of its current state.

        JupyterLab renders the widget view; GitHub and nbviewer, which run no
        widgets, fall back to the ``image/png`` picture.
        """
        bundle: dict[str, Any] = {}
        widget_repr = getattr(self.widget, "_repr_mimebundle_", None)
        if widget_repr is not None:
            bundle.update(widget_repr(**kwargs) or {})
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        return bundle
