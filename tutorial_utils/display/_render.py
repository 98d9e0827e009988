"""Drawing the live views' panels straight from the volume: numpy lookups, no matplotlib.

The widgets' hot path (a slider moved) is built from these pure functions:

* a panel of ``(n_v, n_h)`` voxels is shown in a ``(h, w)`` pixel rectangle
  by nearest neighbour (:func:`nearest_map`, :func:`sample`): each screen
  pixel shows exactly one voxel, so what a transform produced is what the
  reader sees (no display smoothing hides an order-0 resampling);
* grey levels and label colours are combined into one index per voxel
  (:func:`lut_index`: ``256 * colour row + grey``) and turned into RGB by
  one lookup in the overlay table (:func:`~tutorial_utils.display.overlay.overlay_table`);
  for label contours the colour rows are kept only on the label boundaries
  found on the screen's pixel grid (:func:`outline_index`), so an outline is
  one pixel wide whether the panel magnifies the slice or shrinks it;
* crosshairs (:func:`draw_crosshair`) and orientation letters
  (:func:`letter_stamp`, :func:`blend`) are blended into the pixels;
* :func:`encode_png` writes the frame as a PNG with the "Up" filter and
  zlib level 1 (lossless, about twice as fast as Pillow's adaptive filters).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._threads import num_threads, run_chunks
from ._layout import Rect
from .overlay import color_index, composite, outline, to_uint8
from .slicing import crosshair_position, plane_axes, plane_slice

#: Crosshair and orientation letter colour (the static figures' accent), RGB.
ACCENT = (255, 213, 79)
#: Opacity of the crosshair lines.
CROSSHAIR_ALPHA = 0.8

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOR_TYPES = {1: 0, 3: 2, 4: 6}


def nearest_map(n: int, size: int, *, flip: bool = False) -> np.ndarray:
    """Voxel index shown by each of ``size`` pixels spanning ``n`` voxels (nearest neighbour).

    Pixel ``p`` covers ``[p, p + 1)``; its centre falls in voxel
    ``floor((p + 0.5) * n / size)``. ``flip`` reverses the order (a panel's
    vertical axis: image row 0 is the top, voxel 0 the bottom).

    Examples
    --------
    >>> nearest_map(3, 6).tolist(), nearest_map(3, 4, flip=True).tolist()
    ([0, 0, 1, 1, 2, 2], [2, 1, 1, 0])
    """
    index = np.minimum(((np.arange(size) + 0.5) * (n / size)).astype(np.intp), n - 1)
    return index[::-1].copy() if flip else index


def pixel_of(index: int, n: int, size: int, *, flip: bool = False) -> int:
    """The pixel (of ``size`` spanning ``n`` voxels) holding the centre of voxel ``index``.

    Examples
    --------
    >>> pixel_of(0, 3, 6), pixel_of(2, 3, 6), pixel_of(0, 3, 6, flip=True)
    (1, 5, 4)
    """
    pixel = min(int((index + 0.5) * size / n), size - 1)
    return size - 1 - pixel if flip else pixel


def lut_index(plane: np.ndarray, label: np.ndarray | None, vmin: float, vmax: float) -> np.ndarray:
    """Row-major index into a flattened overlay table: ``256 * colour row + grey level``.

    ``plane`` is windowed to grey levels (:func:`~tutorial_utils.display.overlay.to_uint8`);
    ``label`` (same shape, or None) picks the colour row (0: no label).
    Returns an ``(n_v, n_h)`` uint16 array.

    Examples
    --------
    >>> lut_index(np.array([[0.0, 10.0]]), np.array([[0, 2]]), 0.0, 10.0).tolist()
    [[0, 767]]
    """
    index = to_uint8(plane, vmin, vmax).astype(np.uint16)
    if label is not None:
        index += (color_index(label) * 256).astype(np.uint16)
    return index


def sample(native: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``native[rows][:, cols]``: a plane scaled to pixels by the maps of :func:`nearest_map`.

    Examples
    --------
    >>> sample(np.array([[1, 2], [3, 4]]), np.array([1, 0]), np.array([0, 0, 1])).tolist()
    [[3, 3, 4], [1, 1, 2]]
    """
    return native[rows][:, cols]


def outline_index(index: np.ndarray) -> np.ndarray:
    """Keep the colour row of a :func:`lut_index` array only on label boundaries (row 0 elsewhere).

    The boundaries are those of the colour rows on this array's own grid
    (:func:`~tutorial_utils.display.overlay.outline`); applied to a panel's
    pixels, each outline is one pixel wide on the screen.

    Examples
    --------
    >>> index = np.array([[7, 7, 7], [7, 263, 263], [7, 263, 263]], np.uint16)  # row 1 (256 +) at the lower right
    >>> outline_index(index).tolist()
    [[7, 7, 7], [7, 263, 263], [7, 263, 7]]
    """
    return np.where(outline(index >> 8), index, index & 0xFF)


def colorize(index: np.ndarray, table_rgb: np.ndarray) -> np.ndarray:
    """RGB pixels ``(h, w, 3)`` uint8 of a :func:`lut_index` array through a ``(rows * 256, 3)`` table.

    Examples
    --------
    >>> table = np.arange(512 * 3, dtype=np.uint16).reshape(512, 3).astype(np.uint8)
    >>> colorize(np.array([[1, 256]], np.uint16), table).tolist()
    [[[3, 4, 5], [0, 1, 2]]]
    """
    return np.take(table_rgb, index, axis=0)


def flat_table(table: np.ndarray) -> np.ndarray:
    """The RGB part of an overlay table ``(rows, 256, 4)`` as ``(rows * 256, 3)``, contiguous."""
    return np.ascontiguousarray(table[..., :3].reshape(-1, 3))


def draw_crosshair(
    pixels: np.ndarray, x: int, y: int, color: Sequence[int] = ACCENT, alpha: float = CROSSHAIR_ALPHA
) -> None:
    """Blend a vertical line at column ``x`` and a horizontal one at row ``y`` into ``pixels`` (in place).

    ``pixels`` is ``(h, w, 3)`` uint8 (a panel, or a view of one in the
    frame); the crossing pixel is blended once.

    Examples
    --------
    >>> panel = np.zeros((3, 3, 3), np.uint8)
    >>> draw_crosshair(panel, 1, 0, color=(100, 100, 100), alpha=1.0)
    >>> panel[..., 0].tolist()
    [[100, 100, 100], [0, 100, 0], [0, 100, 0]]
    """
    tint = np.float32(alpha) * np.asarray(color, np.float32)
    keep = np.float32(1.0 - alpha)
    column = pixels[:, x]
    column[:] = np.rint(column * keep + tint).astype(np.uint8)
    row = np.delete(np.arange(pixels.shape[1]), x)
    pixels[y, row] = np.rint(pixels[y, row] * keep + tint).astype(np.uint8)


def letter_stamp(letter: str, font: Any, color: Sequence[int] = ACCENT) -> np.ndarray:
    """An orientation letter as a premultiplied RGBA stamp ``(h, w, 4)`` float32, with a dark outline.

    ``font`` is a Pillow ``FreeTypeFont``. The letter is drawn in ``color``
    over a 1-pixel black halo (70 % opaque), readable on bright and dark
    anatomy alike. Blend it with :func:`blend`.
    """
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(letter)
    width, height = right - left + 2, bottom - top + 2
    canvas = Image.new("L", (width, height), 0)
    ImageDraw.Draw(canvas).text((1 - left, 1 - top), letter, fill=255, font=font)
    mask = np.asarray(canvas, np.float32) / 255.0
    halo = mask.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            halo = np.maximum(halo, np.roll(np.roll(mask, dy, axis=0), dx, axis=1))
    halo *= 0.7
    alpha = mask + halo * (1.0 - mask)
    stamp = np.zeros((height, width, 4), np.float32)
    stamp[..., :3] = mask[..., None] * np.asarray(color, np.float32)  # the halo is black
    stamp[..., 3] = alpha
    return stamp


def blend(pixels: np.ndarray, stamp: np.ndarray, x: int, y: int) -> None:
    """Blend a premultiplied RGBA ``stamp`` into ``pixels`` (``(h, w, 3)`` uint8) at top-left ``(x, y)``.

    The stamp is cut where it would leave ``pixels``.

    Examples
    --------
    >>> pixels = np.full((2, 2, 3), 100, np.uint8)
    >>> stamp = np.zeros((1, 1, 4), np.float32); stamp[0, 0] = (200, 0, 0, 1.0)
    >>> blend(pixels, stamp, 1, 0); pixels[0, 1].tolist(), pixels[1, 1].tolist()
    ([200, 0, 0], [100, 100, 100])
    """
    height, width = pixels.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + stamp.shape[1], width), min(y + stamp.shape[0], height)
    if x1 <= x0 or y1 <= y0:
        return
    part = stamp[y0 - y : y1 - y, x0 - x : x1 - x]
    region = pixels[y0:y1, x0:x1]
    region[:] = np.rint(region * (1.0 - part[..., 3:]) + part[..., :3]).astype(np.uint8)


def letter_positions(
    size: tuple[int, int], stamps: dict[str, np.ndarray], inset: int = 3
) -> dict[str, tuple[int, int]]:
    """Top-left corner of each edge's stamp inside a ``(w, h)`` panel: mid-edge, ``inset`` pixels in.

    Examples
    --------
    >>> stamp = np.zeros((10, 8, 4), np.float32)
    >>> letter_positions((100, 50), {"left": stamp, "top": stamp})
    {'left': (3, 20), 'top': (46, 3)}
    """
    width, height = size
    positions = {}
    for edge, stamp in stamps.items():
        h, w = stamp.shape[:2]
        x = {"left": inset, "right": width - inset - w}.get(edge, (width - w) // 2)
        y = {"top": inset, "bottom": height - inset - h}.get(edge, (height - h) // 2)
        positions[edge] = (x, y)
    return positions


class PanelPixels:
    """One panel of a live view: where it sits in the frame and how its voxels map to pixels.

    Parameters
    ----------
    axis : int
        The plane (0 sagittal, 1 coronal, 2 axial).
    rect : Rect
        The panel's pixel rectangle in the frame.
    shape : (3,) sequence of int
        Shape of the volume it shows.
    stamps : mapping of str to (h, w, 4) float32 array
        Orientation letter stamps by edge (``"left"``, ...), from
        :func:`letter_stamp`; empty without an affine.
    flips : (bool, bool)
        Mirror the panel left-right, up-down (a display convention, see
        :func:`~tutorial_utils.display.orientation.display_flips`).

    Examples
    --------
    >>> panel = PanelPixels(2, Rect(1, 1, 4, 2), (2, 1, 5), {})
    >>> panel.update(np.array([[0], [256]], np.uint16).T, np.eye(512, 3, dtype=np.uint8) * 9)
    >>> frame = np.zeros((4, 6, 3), np.uint8); panel.paint(frame)
    >>> frame[1:3, 1:5, 0].tolist()
    [[9, 9, 0, 0], [9, 9, 0, 0]]
    """

    def __init__(
        self,
        axis: int,
        rect: Rect,
        shape: Sequence[int],
        stamps: Mapping[str, np.ndarray],
        flips: tuple[bool, bool] = (False, False),
    ) -> None:
        self.axis = axis
        self.rect = rect
        self.flips = (bool(flips[0]), bool(flips[1]))
        h, v = plane_axes(axis)
        self.size = (int(shape[h]), int(shape[v]))  # voxels across, up
        self.cols = nearest_map(self.size[0], rect.w, flip=self.flips[0])
        self.rows = nearest_map(self.size[1], rect.h, flip=not self.flips[1])  # image row 0 is the top
        self.letters = [
            (stamp, *letter_positions((rect.w, rect.h), {edge: stamp})[edge]) for edge, stamp in stamps.items()
        ]
        self.rgb = np.zeros((rect.h, rect.w, 3), np.uint8)

    def update(self, native: np.ndarray, table_rgb: np.ndarray, *, contour: bool = False) -> None:
        """New pixels from a :func:`lut_index` plane ``(n_v, n_h)`` and a flat overlay table.

        ``contour`` keeps the label colours on the label boundaries of the
        panel's pixels only (:func:`outline_index`).
        """
        pixels = sample(native, self.rows, self.cols)
        self.rgb = colorize(outline_index(pixels) if contour else pixels, table_rgb)

    def expected(
        self,
        image: np.ndarray,
        label: np.ndarray | None,
        index: int,
        window: tuple[float, float],
        table: np.ndarray,
        *,
        contour: bool = False,
    ) -> np.ndarray:
        """What :meth:`update` draws for slice ``index`` of 3D ``image``/``label``, computed another way.

        The slice and its labels are sampled to the panel's pixels first,
        then windowed and blended by
        :func:`~tutorial_utils.display.overlay.composite` (contours found on
        that pixel grid). Returns ``(h, w, 3)`` uint8.
        """
        pixels = sample(plane_slice(image, self.axis, index), self.rows, self.cols)
        labels = None if label is None else sample(plane_slice(label, self.axis, index), self.rows, self.cols)
        return composite(pixels, labels, *window, table, contour=contour)[..., :3]

    def crosshair_pixel(self, indices: Sequence[int]) -> tuple[int, int]:
        """Panel pixel ``(x, y)`` of the crosshair through voxel ``indices`` (see ``crosshair_position``)."""
        x, y = crosshair_position(indices, self.axis)
        return (
            pixel_of(x, self.size[0], self.rect.w, flip=self.flips[0]),
            pixel_of(y, self.size[1], self.rect.h, flip=not self.flips[1]),
        )

    def paint(self, frame: np.ndarray, crosshair_at: Sequence[int] | None = None) -> None:
        """Copy the pixels into ``frame`` at ``rect``, then the crosshair (if given) and the letters."""
        x, y, w, h = self.rect
        region = frame[y : y + h, x : x + w]
        region[:] = self.rgb
        if crosshair_at is not None:
            draw_crosshair(region, *self.crosshair_pixel(crosshair_at))
        for stamp, sx, sy in self.letters:
            blend(region, stamp, sx, sy)


def encode_png(pixels: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of an ``(H, W, 3)`` RGB (or ``(H, W, 4)`` RGBA, ``(H, W)`` grey) uint8 image.

    Every row uses PNG's "Up" filter (difference to the row above, one numpy
    subtraction), then zlib at ``level``. Large flat areas and repeated
    rows (a nearest-neighbour upscale) become runs of zeros, which deflate
    compresses fast and small. A large image is deflated in one band of rows
    per thread (:func:`deflate`).

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    >>> np.array_equal(np.asarray(Image.open(io.BytesIO(encode_png(rgb)))), rgb)
    True
    """
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3):
        raise ValueError(f"pixels must be an (H, W[, C]) uint8 array; got {pixels.dtype} {pixels.shape}")
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    if channels not in _PNG_COLOR_TYPES:
        raise ValueError(f"pixels must have 1, 3 or 4 channels; got {channels}")
    height, width = pixels.shape[:2]
    flat = np.ascontiguousarray(pixels).reshape(height, width * channels)
    rows = np.empty((height, width * channels + 1), np.uint8)
    rows[:, 0] = 2  # "Up": each byte minus the byte above (the row above row 0 is zeros)
    rows[0, 1:] = flat[0]
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])
    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOR_TYPES[channels], 0, 0, 0)
    return b"".join(
        [
            _PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", deflate(rows, level)),
            _chunk(b"IEND", b""),
        ]
    )


def deflate(rows: np.ndarray, level: int = 1) -> bytes:
    """A zlib stream of ``rows`` (a 2D uint8 array), compressed in bands of rows on the package's threads.

    Each band is a raw deflate stream ended by a sync flush (the last by
    the final block), so the bands join into one stream, as ``pigz`` does;
    a band cannot refer back into the one before it, which costs a few
    bytes. ``zlib.decompress`` reads the result.

    Examples
    --------
    >>> rows = np.arange(600_000, dtype=np.uint8).reshape(600, 1000)
    >>> zlib.decompress(deflate(rows)) == rows.tobytes()
    True
    """
    n = rows.shape[0]
    bands = max(1, min(num_threads(), n))
    bounds = [(n * b // bands, n * (b + 1) // bands) for b in range(bands)]

    def work(start: int, stop: int, state: Any) -> bytes:
        band = zlib.compressobj(level, zlib.DEFLATED, -15)
        return band.compress(rows[start:stop]) + band.flush(zlib.Z_FINISH if stop == n else zlib.Z_SYNC_FLUSH)

    body = run_chunks(bounds, work, n_voxels=rows.size)
    return b"\x78\x01" + b"".join(body) + zlib.adler32(rows).to_bytes(4, "big")


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(tag)))
