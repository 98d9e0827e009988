"""A static 3D picture of a volume, computed with numpy and scipy: the fallback of :func:`~.view3d.view_3d`.

Pages that run no JavaScript widgets (GitHub, nbviewer, the course website)
show this picture instead of the live NiiVue view. It is an
emission-absorption volume rendering, the model NiiVue's own ray caster
uses, seen from the same camera:

* the volume is resampled once (:func:`scipy.ndimage.affine_transform`,
  linear for the image, nearest for the label) onto a grid aligned with the
  screen: rows and columns of pixels, and samples along each viewing ray,
  all in world mm through the volume's affine;
* each sample's intensity is windowed to ``t`` in [0, 1]; it emits grey
  ``t`` and absorbs ``1 - exp(-DENSITY * t * step_mm)``, so bright tissue is
  opaque and everything below the window is air;
* a label voxel (label > 0) adds its colour from the course's label table
  (:data:`~.overlay.LABEL_COLORS`) with ``label_opacity``;
* samples are composited front to back, slab by slab, and dimmed with depth
  (a cue for what is near); the figure draws a small preview first, then
  the square around what it shows at full size, and adds orientation letters (which side of the patient each edge faces)
  and a small R/A/S axis triad.
"""

from __future__ import annotations

import io
import numbers
from typing import Any

import numpy as np
from scipy import ndimage

from .._checks import describe
from ..volume import Volume
from .overlay import LABEL_COLORS, intensity_range

#: Pixels across the picture (and its preview), and depth samples per pixel width.
SIZE = 256
PREVIEW_SIZE = 64
DEPTH_STEP = 2.0
#: Absorption per mm of fully bright tissue (t = 1), and of a label at opacity 1.
DENSITY = 0.35
LABEL_DENSITY = 0.6
#: Depth samples resampled at once (bounds the memory: SLAB * SIZE**2 floats).
SLAB = 24
#: Brightness of the farthest sample relative to the nearest (depth cue).
FAR_SHADE = 0.45


def check_window(volume: Volume, window: Any) -> tuple[float, float]:
    """``(low, high)`` as floats with ``low < high``; None gives robust percentiles of the image."""
    if window is None:
        return intensity_range(volume.image)
    if isinstance(window, (str, bytes)) or not hasattr(window, "__len__") or len(window) != 2:
        raise TypeError(
            f"window must be a (low, high) pair of intensities, e.g. tu.window_limits(*tu.CT_WINDOWS['bone']); "
            f"got {describe(window)}"
        )
    low, high = window
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise TypeError(f"window {name} must be a finite number; got {describe(value)}")
    if not low < high:
        raise ValueError(f"window must be (low, high) with low < high; got {window!r}")
    return float(low), float(high)


def check_camera(azimuth: Any, elevation: Any) -> tuple[float, float]:
    """Azimuth (any finite number of degrees) and elevation (-90 to 90 degrees) as floats."""
    for name, value in (("azimuth", azimuth), ("elevation", elevation)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise TypeError(f"{name} must be a finite number of degrees; got {describe(value)}")
    if not -90.0 <= elevation <= 90.0:
        raise ValueError(f"elevation must be between -90 (from below) and 90 (from above) degrees; got {elevation}")
    return float(azimuth), float(elevation)


def camera_rotation(azimuth: float, elevation: float) -> np.ndarray:
    """The ``(3, 3)`` rotation from world RAS mm to the screen: rows are (right, up, towards the viewer).

    NiiVue's convention (its model matrix: mirror x, rotate about x by
    ``270 - elevation``, about z by ``azimuth - 180``). At azimuth 180 and
    elevation 0 the camera faces the patient: the patient's right is on the
    left of the screen and superior is up.

    Examples
    --------
    >>> np.round(camera_rotation(180, 0)).astype(int).tolist()  # right = -x (L), up = +z (S), viewer at +y (A)
    [[-1, 0, 0], [0, 0, 1], [0, 1, 0]]
    """
    a = np.deg2rad(azimuth - 180.0)
    e = np.deg2rad(270.0 - elevation)
    rot_z = np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])
    rot_x = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(e), -np.sin(e)], [0.0, np.sin(e), np.cos(e)]])
    eye = np.diag([-1.0, 1.0, 1.0]) @ rot_x @ rot_z
    # NiiVue's projection looks along +z of that eye space: the viewer sits at -z.
    return np.diag([1.0, 1.0, -1.0]) @ eye


def _corners(volume: Volume) -> np.ndarray:
    """World mm of the volume's 8 outer corners (voxel edges, not centres), ``(3, 8)``."""
    edges = [[-0.5, n - 0.5] for n in volume.shape]
    corners = np.array(np.meshgrid(*edges, indexing="ij"), dtype=float).reshape(3, -1)
    return volume.affine[:3, :3] @ corners + volume.affine[:3, 3:]


def _span(coordinates: np.ndarray, n: int) -> tuple[int, int]:
    """Index range ``[start, stop)`` within ``0..n`` covering fractional ``coordinates`` (one index margin)."""
    return max(int(np.floor(coordinates.min())) - 1, 0), min(int(np.ceil(coordinates.max())) + 2, n)


def render_volume(
    volume: Volume,
    *,
    window: tuple[float, float],
    label_opacity: float = 0.7,
    labels: np.ndarray | None = None,
    azimuth: float = 110.0,
    elevation: float = 15.0,
    size: int = SIZE,
    region: tuple[float, float, float] | None = None,
) -> np.ndarray:
    """Render ``volume`` as seen by the 3D view's camera: ``(size, size, 3)`` float32 RGB in [0, 1].

    See the module docstring for the model. By default the picture covers
    the sphere around the volume, so any camera fits it; ``region = (x, y,
    half)`` draws the square of half-side ``half`` mm centred ``(x, y)`` mm
    right of and above the volume's centre on the screen instead. The
    background is black. Only the rows, columns and depths the volume's box
    projects to are sampled, every ``DEPTH_STEP`` pixels along a ray (and
    no finer than that many voxels). ``labels``: the label values drawn
    (default: every value above 0).
    """
    world = _corners(volume)
    centre = world.mean(axis=1)
    radius = float(np.linalg.norm(world - centre[:, None], axis=0).max())
    x, y, half = (0.0, 0.0, radius) if region is None else region
    pixel = 2.0 * half / size
    step = DEPTH_STEP * max(pixel, min(volume.spacing))
    depth = int(np.ceil(2.0 * radius / step))
    screen = camera_rotation(azimuth, elevation)
    # Output index (k, row, col) -> screen mm (right, up, towards the viewer) -> world mm -> voxel index.
    to_screen = np.array([[0.0, 0.0, pixel], [0.0, -pixel, 0.0], [-step, 0.0, 0.0]])
    screen_origin = np.array([x - half + 0.5 * pixel, y + half - 0.5 * pixel, radius - 0.5 * step])
    world_to_voxel = np.linalg.inv(volume.affine)
    matrix = world_to_voxel[:3, :3] @ screen.T @ to_screen
    offset = world_to_voxel[:3, :3] @ (centre + screen.T @ screen_origin) + world_to_voxel[:3, 3]
    # The box of output indices the volume's corners fall in: nothing outside it can be hit.
    box = np.linalg.solve(to_screen, screen @ (world - centre[:, None]) - screen_origin[:, None])
    (k0, k1), (r0, r1), (c0, c1) = (_span(box[axis], n) for axis, n in enumerate((depth, size, size)))
    offset = offset + matrix @ np.array([k0, r0, c0], dtype=float)

    low, high = window
    table = np.vstack([np.zeros((1, 3)), LABEL_COLORS / 255.0]).astype(np.float32)
    image = np.asarray(volume.image, dtype=np.float32)
    label = None if volume.label is None or label_opacity == 0 else volume.label
    if label is not None and labels is not None:
        label = np.where(np.isin(label, labels), label, 0).astype(label.dtype)
    label_alpha = np.float32(1.0 - np.exp(-LABEL_DENSITY * step * label_opacity))

    shape = (r1 - r0, c1 - c0)
    grey = np.zeros(shape, np.float32)
    color = np.zeros((*shape, 3), np.float32)
    transmittance = np.ones(shape, np.float32)
    for start in range(0, k1 - k0, SLAB):
        count = min(SLAB, k1 - k0 - start)
        slab_offset = offset + matrix[:, 0] * start
        values = ndimage.affine_transform(
            image, matrix, slab_offset, output_shape=(count, *shape), order=1, cval=low, prefilter=False
        )
        t = np.clip((values - np.float32(low)) * np.float32(1.0 / (high - low)), 0.0, 1.0)
        alpha = 1.0 - np.exp(np.float32(-DENSITY * step) * t)
        if label is not None:
            found = ndimage.affine_transform(label, matrix, slab_offset, output_shape=(count, *shape), order=0)
            present = found > 0
            mixed = 1.0 - (1.0 - alpha) * np.where(present, 1.0 - label_alpha, np.float32(1.0))
            # The label's share of what the sample emits: its opacity relative to the sample's.
            label_weight = np.where(present, label_alpha / np.maximum(mixed, 1e-12), np.float32(0.0))
            alpha = mixed
        # Front to back: what a sample adds = light still reaching it x its opacity x the depth cue.
        passing = transmittance * np.cumprod(np.concatenate([np.ones_like(alpha[:1]), 1.0 - alpha[:-1]]), axis=0)
        nearness = (k0 + start + np.arange(count, dtype=np.float32)) / max(depth - 1, 1)
        weight = passing * alpha * (1.0 - (1.0 - FAR_SHADE) * nearness)[:, None, None]
        transmittance = passing[-1] * (1.0 - alpha[-1])
        if label is None:
            grey += (weight * t).sum(axis=0)
        else:
            grey += (weight * (1.0 - label_weight) * t).sum(axis=0)
            index = np.where(present, (found.astype(np.int64) - 1) % len(LABEL_COLORS) + 1, 0)
            for channel in range(3):
                color[..., channel] += (weight * label_weight * table[index, channel]).sum(axis=0)
        if transmittance.max() < 1e-3:
            break
    picture = np.zeros((size, size, 3), np.float32)
    picture[r0:r1, c0:c1] = np.clip(color + grey[..., None], 0.0, 1.0)
    return picture


def content_region(
    volume: Volume, picture: np.ndarray, level: float = 0.02, margin: float = 0.08
) -> tuple[float, float, float]:
    """The square around what ``picture`` (a default :func:`render_volume` of ``volume``) shows, as a ``region``.

    The default picture covers the sphere around the whole volume, air
    included; rendering this region again draws what is there larger.

    Examples
    --------
    >>> volume = Volume(np.zeros((10, 10, 10), np.float32), np.eye(4))
    >>> picture = np.zeros((100, 100, 3), np.float32)
    >>> picture[40:50, 20:30] = 1.0  # left of the centre, a little above it
    >>> np.round(content_region(volume, picture), 2).tolist()
    [-4.33, 0.87, 1.0]
    """
    world = _corners(volume)
    radius = float(np.linalg.norm(world - world.mean(axis=1, keepdims=True), axis=0).max())
    rows, cols = np.nonzero(picture.max(axis=-1) > level)
    if rows.size == 0:
        return 0.0, 0.0, radius
    pixel = 2.0 * radius / picture.shape[0]
    x = -radius + pixel * (cols.min() + cols.max() + 1) / 2.0
    y = radius - pixel * (rows.min() + rows.max() + 1) / 2.0
    half = pixel * max(rows.max() + 1 - rows.min(), cols.max() + 1 - cols.min()) * (1.0 + 2.0 * margin) / 2.0
    return float(x), float(y), float(half)


def _screen_letters(screen: np.ndarray) -> dict[str, str]:
    """The patient side each screen edge faces: ``{"left": "R", "right": "L", "top": "S", "bottom": "I"}``."""
    names = (("L", "R"), ("P", "A"), ("I", "S"))  # negative, positive world direction per axis

    def side(direction: np.ndarray) -> str:
        axis = int(np.argmax(np.abs(direction)))
        return names[axis][int(direction[axis] > 0)]

    right, up = screen[0], screen[1]
    return {"right": side(right), "left": side(-right), "top": side(up), "bottom": side(-up)}


def snapshot_figure(
    volume: Volume,
    *,
    window: tuple[float, float],
    label_opacity: float,
    labels: np.ndarray | None = None,
    azimuth: float,
    elevation: float,
) -> Any:
    """A matplotlib Figure (Agg, not registered with pyplot) of :func:`render_volume` with orientation marks."""
    from matplotlib.figure import Figure

    options = {"window": window, "label_opacity": label_opacity, "labels": labels, "azimuth": azimuth}
    preview = render_volume(volume, elevation=elevation, size=PREVIEW_SIZE, **options)
    region = content_region(volume, preview)
    picture = render_volume(volume, elevation=elevation, region=region, **options)
    screen = camera_rotation(azimuth, elevation)
    figure = Figure(
        figsize=(5.0, 5.0), dpi=100, facecolor="black", layout="none"
    )  # whole inches: the same pixels in every matplotlib
    axes = figure.add_axes((0.04, 0.02, 0.92, 0.88))
    axes.imshow(picture, interpolation="bilinear")
    axes.set_axis_off()
    style = {"color": "white", "fontsize": 12, "fontweight": "bold", "ha": "center", "va": "center"}
    letters = _screen_letters(screen)
    for where, (x, y) in {"left": (0.02, 0.5), "right": (0.98, 0.5), "top": (0.5, 0.98), "bottom": (0.5, 0.02)}.items():
        axes.text(x, y, letters[where], transform=axes.transAxes, **style)
    origin = np.array([0.12, 0.12])
    for name, direction, rgb in (("R", 0, "tab:red"), ("A", 1, "tab:green"), ("S", 2, "tab:blue")):
        tip = origin + 0.08 * screen[:2, direction]
        axes.annotate("", tip, origin, xycoords="axes fraction", arrowprops={"arrowstyle": "-|>", "color": rgb})
        axes.text(
            *(origin + 0.11 * screen[:2, direction]),
            name,
            transform=axes.transAxes,
            color=rgb,
            fontsize=9,
            ha="center",
            va="center",
        )
    label = "" if volume.label is None else f", label opacity {label_opacity:g}"
    figure.suptitle(
        f"3D view, static picture (turn it around in a running notebook)\nazimuth {azimuth:g}°, "
        f"elevation {elevation:g}°{label}",
        color="white",
        fontsize=9,
        y=0.985,
    )
    return figure


def snapshot_png(volume: Volume, **options: Any) -> bytes:
    """PNG bytes of :func:`snapshot_figure` (same keyword options)."""
    figure = snapshot_figure(volume, **options)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="black")
    return buffer.getvalue()
