"""``view_3d``: turn a volume around in 3D (NiiVue in the notebook), with a static picture for static pages.

The live view is `ipyniivue <https://github.com/niivue/ipyniivue>`_'s
``NiiVue`` widget (NiiVue in WebGL2): a volume rendering of the image with
the label map as a coloured overlay and an orientation cube. The volume goes
to the browser as a NIfTI file built in memory from ``volume.to_nifti()``, so
NiiVue places it with the volume's own affine, as any viewer reading the
file would; nothing is fetched from the network. The widget's JavaScript
ships inside the ipyniivue wheel.

GitHub, nbviewer and the course website run no widgets: next to the widget
the output carries a PNG drawn by :mod:`.render3d` from the same volume, seen
from the same camera (see :func:`.render3d.render_volume` for what it shows).
"""

from __future__ import annotations

import base64
import gzip
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import describe
from ..volume import Volume
from .overlay import LABEL_COLORS
from .render3d import check_camera, check_window, snapshot_png

#: NiiVue's background (black) and the label colour table's size (labels 1..255).
_BACKGROUND = (0.0, 0.0, 0.0, 1.0)
_LUT_SIZE = 256


def _check_opacity(value: Any, name: str = "label_opacity") -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1; got {describe(value)}")
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 (hidden) and 1 (opaque); got {value}")
    return value


def _check_height(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"height must be an int number of pixels; got {describe(value)}")
    if not 100 <= value <= 2000:
        raise ValueError(f"height must be between 100 and 2000 pixels; got {value}")
    return int(value)


def check_labels(volume: Volume, labels: Any) -> np.ndarray | None:
    """The label values to draw as a sorted int array (None: all of them), checked against the label map."""
    if labels is None:
        return None
    if volume.label is None:
        raise ValueError("labels was given but this volume has no label map")
    if isinstance(labels, (numbers.Integral, np.integer)) and not isinstance(labels, (bool, np.bool_)):
        labels = [labels]
    values = np.asarray(labels)
    if values.ndim != 1 or values.size == 0 or not np.issubdtype(values.dtype, np.integer):
        raise TypeError(f"labels must be a label value or a non-empty list of them (ints); got {describe(labels)}")
    if (values <= 0).any():
        raise ValueError(f"labels must be label values above 0 (0 is the background); got {values.tolist()}")
    missing = np.setdiff1d(values, np.unique(volume.label))
    if missing.size:
        raise ValueError(
            f"labels {missing.tolist()} do not occur in the label map; it holds {np.unique(volume.label).tolist()}"
        )
    return np.unique(values)


def label_lut(n_labels: int, shown: np.ndarray | None = None) -> dict[str, list[int]]:
    """NiiVue's label colour table for labels ``0..n_labels``: the course's :data:`LABEL_COLORS`.

    Label 0 is transparent; label ``v > 0`` gets ``LABEL_COLORS[(v - 1) % 10]``,
    as in every 2D figure of the course. Labels not in ``shown`` (when given)
    are transparent too.

    Examples
    --------
    >>> lut = label_lut(2)
    >>> lut["I"], lut["R"], lut["A"]
    ([0, 1, 2], [0, 255, 0], [0, 255, 255])
    >>> label_lut(2, shown=np.array([2]))["A"]
    [0, 0, 255]
    """
    if not 0 <= n_labels < _LUT_SIZE:
        raise ValueError(f"a label map for the 3D view holds labels 0..{_LUT_SIZE - 1}; its largest is {n_labels}")
    values = range(1, n_labels + 1)
    rows = [(0, 0, 0)] + [tuple(int(c) for c in LABEL_COLORS[(v - 1) % len(LABEL_COLORS)]) for v in values]
    visible = [shown is None or v in shown for v in values]
    return {
        "R": [r for r, _, _ in rows],
        "G": [g for _, g, _ in rows],
        "B": [b for _, _, b in rows],
        "A": [0] + [255 if keep else 0 for keep in visible],
        "I": list(range(n_labels + 1)),
    }


def nifti_bytes(volume: Volume) -> tuple[bytes, bytes | None]:
    """The image and label of ``volume`` as gzipped NIfTI-1 files in memory (label None without one).

    Both carry the volume's affine (sform and qform), so NiiVue places them
    exactly where nibabel does.
    """
    image_nii, label_nii = volume.to_nifti()
    image = gzip.compress(image_nii.to_bytes(), compresslevel=1)
    label = None if label_nii is None else gzip.compress(label_nii.to_bytes(), compresslevel=1)
    return image, label


class View3D:
    """A volume in 3D: ``view.widget`` is the live NiiVue view; the notebook shows it with a static fallback.

    Made by :func:`view_3d`. Set :attr:`label_opacity` to fade the label in
    or out in the live view; the static picture (:meth:`snapshot`) follows.
    """

    def __init__(
        self,
        volume: Volume,
        *,
        window: tuple[float, float],
        label_opacity: float,
        labels: np.ndarray | None,
        azimuth: float,
        elevation: float,
        height: int,
    ) -> None:
        from ipyniivue import NiiVue, SliceType  # imported here: only notebooks that show a 3D view pay for it

        self.volume = volume
        self.window = window
        self.labels = labels
        self.azimuth = azimuth
        self.elevation = elevation
        self._label_opacity = label_opacity
        self.widget = NiiVue(
            height=height,
            slice_type=SliceType.RENDER,
            is_orient_cube=True,
            back_color=_BACKGROUND,
            show_3d_crosshair=False,
            is_colorbar=False,
        )
        image, label = nifti_bytes(volume)
        layers: list[dict[str, Any]] = [
            {"data": image, "name": "image.nii.gz", "colormap": "gray", "cal_min": window[0], "cal_max": window[1]}
        ]
        if label is not None:
            layers.append({"data": label, "name": "label.nii.gz", "opacity": label_opacity})
        self.widget.load_volumes(layers)
        for layer in self.widget.volumes:
            # ipyniivue 2.4.4 collects the chunks of the array that the browser sends back after loading a layer
            # in BaseAnyWidget._data_handlers, a ClassVar dict that every layer shares: the image's and the
            # label's uploads then meet in one entry and the kernel raises KeyError 'img' (seen in the browser
            # test). One dict per layer keeps the two uploads apart.
            layer._data_handlers = {}
        if label is not None:
            self.widget.volumes[1].set_colormap_label(label_lut(int(volume.label.max()), labels))
        self.widget.set_render_azimuth_elevation(azimuth, elevation)

    @property
    def label_opacity(self) -> float:
        """Opacity of the label overlay, 0 (hidden) to 1 (opaque)."""
        return self._label_opacity

    @label_opacity.setter
    def label_opacity(self, value: float) -> None:
        value = _check_opacity(value)
        if self.volume.label is None:
            raise ValueError("this volume has no label map: there is no label opacity to set")
        self._label_opacity = value
        self.widget.volumes[1].opacity = value

    def snapshot(self) -> bytes:
        """PNG bytes of the static picture: :func:`.render3d.render_volume` from the widget's initial camera."""
        return snapshot_png(
            self.volume,
            window=self.window,
            label_opacity=self._label_opacity,
            labels=self.labels,
            azimuth=self.azimuth,
            elevation=self.elevation,
        )

    def __repr__(self) -> str:
        label = "no label" if self.volume.label is None else f"label opacity {self._label_opacity:g}"
        return (
            f"View3D(shape={self.volume.shape}, axcodes={''.join(self.volume.axcodes)}, "
            f"window=({self.window[0]:g}, {self.window[1]:g}), {label})"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | tuple[dict[str, Any], dict[str, Any]]:
        """The live widget, plus the static picture for pages that run no widgets (GitHub, the website)."""
        widget_repr = self.widget._repr_mimebundle_(**kwargs)  # anywidget: (data, metadata)
        data, metadata = widget_repr if isinstance(widget_repr, tuple) else (widget_repr or {}, {})
        bundle: dict[str, Any] = dict(data)
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = base64.b64encode(self.snapshot()).decode("ascii")
        return (bundle, metadata) if metadata else bundle


def view_3d(
    volume: Volume,
    *,
    window: tuple[float, float] | None = None,
    label_opacity: float = 0.7,
    labels: int | Sequence[int] | None = None,
    azimuth: float = 110.0,
    elevation: float = 15.0,
    height: int = 420,
) -> View3D:
    """Show ``volume`` in 3D: a volume rendering of the image, its label map as a coloured overlay.

    Drag to turn it around, scroll to zoom; the orientation cube in the corner
    names the patient's sides (R/L, A/P, S/I). Nothing is downloaded.

    Parameters
    ----------
    volume : Volume
        Image ``(I, J, K)`` and optional label map, placed by its affine.
    window : (low, high), optional
        Intensities shown from transparent/black (``low``) to opaque/white
        (``high``). Default: the 0.5th and 99.5th percentiles. For CT in HU,
        ``tu.window_limits(*tu.CT_WINDOWS["bone"])`` shows bone only.
    label_opacity : float
        Opacity of the label overlay, 0 to 1 (ignored without a label).
    labels : int or sequence of int, optional
        The label values drawn (e.g. ``labels=[4, 5]``: liver and bone of the
        CT phantom); the others are hidden. Default: every label above 0.
    azimuth, elevation : float
        The initial camera, in degrees, as NiiVue counts them: ``azimuth=180,
        elevation=0`` looks at the patient's face, ``azimuth=90`` at the left
        side, ``elevation=90`` from above.
    height : int
        Height of the view in pixels.

    Returns
    -------
    View3D
        Displays as the live view, with a static picture for GitHub and the website.

    Examples
    --------
    >>> import tutorial_utils as tu
    >>> view = tu.view_3d(tu.load_sample("ct"), label_opacity=0.5)  # doctest: +SKIP
    >>> view.label_opacity = 0.0                                    # doctest: +SKIP
    """
    if not isinstance(volume, Volume):
        raise TypeError(f"volume must be a tutorial_utils Volume; got {describe(volume)}")
    window = check_window(volume, window)
    label_opacity = _check_opacity(label_opacity)
    labels = check_labels(volume, labels)
    azimuth, elevation = check_camera(azimuth, elevation)
    return View3D(
        volume,
        window=window,
        label_opacity=label_opacity,
        labels=labels,
        azimuth=azimuth,
        elevation=elevation,
        height=_check_height(height),
    )
