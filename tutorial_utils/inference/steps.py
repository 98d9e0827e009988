"""How each recorded step is undone: one entry per step name, the table :func:`~.invert.invert` reads.

Every spatial step, exact or interpolating, moves voxel indices by an affine
map, so its entry only says *where* voxels go: from the grid before the step
(shape, affine) and the recorded parameters it returns the grid after the step
and the 4x4 matrix mapping a voxel index after the step to the index before it
(the OUTPUT -> INPUT direction of ``scipy.ndimage.affine_transform``). The
matrices of a whole history multiply into one, so the inverse resamples once,
however many steps interpolated; when the product is a permutation with whole
voxel offsets (flips, crops, pads, reorientations, whole-voxel shifts, 90 degree
turns) the inverse copies voxels and interpolates nothing.

Intensity steps leave labels and probabilities alone; for an image, the
entry's ``image`` function undoes the step, or is None when the step cannot be
undone (a clip, a normalization whose statistics are not recorded, noise).
Elastic steps are refused: they are training-time augmentations, never applied
to a scan that is then predicted on.

Parameters are read through the step's own signature (defaults filled in, as
the record holds them). Before that, :func:`~.invert.invert` runs each
record's public step on a blank volume of the grid the record starts from (a
small one unless the entry's ``on_grid`` says the step's checks depend on the
grid's shape), so a record from a file is checked exactly as a call typed by
hand. ``tests/`` fails when a registered step has no entry here.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from nibabel import affines as nib_affines
from nibabel import orientations

from .._checks import as_triple, check_axis, describe
from ..crop.ops import center_start
from ..crop.pad_ops import crop_or_pad_plan, pad_amounts
from ..intensity import adjust_gamma
from ..records import registered_steps
from ..spatial import affine_matrix, grid_affine

Shape = tuple[int, int, int]
#: ``(shape, affine, params) -> (shape after, affine after, index after -> index before)``.
GridStep = Callable[[Shape, np.ndarray, Mapping[str, Any]], tuple[Shape, np.ndarray, np.ndarray]]
#: ``(image, params) -> image`` with the step undone.
ImageInverse = Callable[[np.ndarray, Mapping[str, Any]], np.ndarray]


@dataclass(frozen=True)
class Inverse:
    """How one step is undone.

    Attributes
    ----------
    kind : {"spatial", "intensity", "none", "refused"}
        ``"none"``: the step changes nothing (``skipped``).
    reads : tuple of str
        Recorded parameters the entry uses (checked against the step's signature by the tests).
    grid : GridStep, optional
        For spatial steps.
    image : ImageInverse, optional
        For intensity steps that can be undone on an image.
    reason : str
        Why a step is refused, or why an intensity step cannot be undone on an image.
    on_grid : bool
        Whether the step's own checks depend on the grid's shape (a crop box
        must fit in it), so that :func:`~.invert.invert` checks a record on a
        blank volume of the grid's shape instead of a small one.
    """

    kind: str
    reads: tuple[str, ...] = ()
    grid: GridStep | None = None
    image: ImageInverse | None = None
    reason: str = ""
    on_grid: bool = False


def _translation(offset: Any) -> np.ndarray:
    matrix = np.eye(4)
    matrix[:3, 3] = offset
    return matrix


def _centred(in_shape: Shape, out_shape: Shape, step: Any) -> np.ndarray:
    """Index map of a grid centred on the old one, ``step`` old voxels apart (as ``sample_centred``)."""
    step_arr = np.asarray(step, dtype=np.float64)
    matrix = np.diag([*step_arr, 1.0])
    matrix[:3, 3] = (np.asarray(in_shape) - 1.0) / 2.0 - step_arr * (np.asarray(out_shape) - 1.0) / 2.0
    return matrix


def _spacing(affine: np.ndarray) -> tuple[float, float, float]:
    return tuple(float(s) for s in nib_affines.voxel_sizes(affine))  # type: ignore[return-value]


def _flip(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    axes = p["axes"]
    if isinstance(axes, (tuple, list)) and len(axes) == 0:
        return shape, affine, np.eye(4)
    matrix = np.eye(4)
    for axis in {check_axis(a, "axes") for a in (axes if isinstance(axes, (tuple, list)) else (axes,))}:
        matrix[axis, axis] = -1.0
        matrix[axis, 3] = shape[axis] - 1.0
    return shape, affine, matrix


def _affine(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    matrix = affine_matrix(
        shape,
        rotation=p["rotation"],
        scale=p.get("scale", 1.0),
        translation=p.get("translation", 0.0),
        spacing=_spacing(affine),
        translation_units="mm",
    )
    return shape, affine, matrix


def _shift(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    return shape, affine, affine_matrix(shape, translation=as_triple(p["offset"], "offset"))


def _zoom(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    factors = as_triple(p["factor"], "factor", positive=True, allow_zero=False)
    return shape, affine, _centred(shape, shape, [1.0 / f for f in factors])


def _regrid(shape: Shape, affine: np.ndarray, new_shape: Shape, step: Any) -> tuple[Shape, np.ndarray, np.ndarray]:
    return new_shape, grid_affine(affine, shape, new_shape, step), _centred(shape, new_shape, step)


def _resample(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    target = as_triple(p["spacing"], "spacing", positive=True, allow_zero=False)
    step = [t / s for t, s in zip(target, _spacing(affine))]
    new_shape = tuple(max(1, math.floor(n / f + 0.5)) for n, f in zip(shape, step))
    return _regrid(shape, affine, new_shape, step)  # type: ignore[arg-type]


def _resize(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    new_shape = as_triple(p["shape"], "shape", positive=True, integer=True, allow_zero=False)
    return _regrid(shape, affine, new_shape, [n / m for n, m in zip(shape, new_shape)])


def _moved(shape: Shape, affine: np.ndarray, new_shape: Any, offset: Any) -> tuple[Shape, np.ndarray, np.ndarray]:
    """Voxel 0 after the step is voxel ``offset`` before it (a crop, a pad or both)."""
    to_input = _translation(offset)
    return tuple(int(n) for n in new_shape), affine @ to_input, to_input  # type: ignore[return-value]


def _crop(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    start = as_triple(p["start"], "start", positive=True, integer=True)
    return _moved(shape, affine, as_triple(p["size"], "size", positive=True, integer=True), start)


def _center_crop(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    size = as_triple(p["size"], "size", positive=True, integer=True)
    return _moved(shape, affine, size, center_start(shape, size))


def _pad(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    target = as_triple(p["shape"], "shape", positive=True, integer=True)
    before, _ = pad_amounts(shape, target)
    return _moved(shape, affine, target, [-b for b in before])


def _crop_or_pad(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    target = as_triple(p["shape"], "shape", positive=True, integer=True)
    start, _, before, _ = crop_or_pad_plan(shape, target)
    return _moved(shape, affine, target, [a - b for a, b in zip(start, before)])


def _reorient(shape: Shape, affine: np.ndarray, p: Mapping[str, Any]) -> tuple[Shape, np.ndarray, np.ndarray]:
    axcodes = p["axcodes"]
    code = "".join(axcodes) if isinstance(axcodes, (tuple, list)) else axcodes
    if not isinstance(code, str):
        raise TypeError(f"axcodes must be an orientation code such as 'RAS'; got {describe(axcodes)}")
    change = orientations.ornt_transform(orientations.io_orientation(affine), orientations.axcodes2ornt(code.upper()))
    to_input = orientations.inv_ornt_aff(change, shape)
    new_shape = [0, 0, 0]
    for axis, (position, _) in enumerate(change):
        new_shape[int(position)] = shape[axis]
    return tuple(new_shape), affine @ to_input, to_input  # type: ignore[return-value]


def _undo_scale_shift(image: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    scale, shift = float(p["scale"]), float(p["shift"])
    if scale == 0:
        raise ValueError("intensity_scale_shift with scale=0 cannot be undone: every voxel became the shift")
    out = image - np.float32(shift)
    out /= np.float32(scale)
    return out


def _undo_gamma(image: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    return adjust_gamma(image, 1.0 / float(p["gamma"]))


_NOT_UNDONE = "cannot be undone on an image"

#: Step name -> how it is undone. Every registered step must have an entry (see the module docstring).
INVERSES: dict[str, Inverse] = {
    "flip": Inverse("spatial", ("axes",), _flip),
    "affine": Inverse("spatial", ("rotation", "scale", "translation"), _affine),
    "rotate": Inverse("spatial", ("rotation",), _affine),
    "shift": Inverse("spatial", ("offset",), _shift),
    "zoom": Inverse("spatial", ("factor",), _zoom),
    "resample": Inverse("spatial", ("spacing",), _resample),
    "resize": Inverse("spatial", ("shape",), _resize),
    "crop": Inverse("spatial", ("start", "size"), _crop, on_grid=True),
    "center_crop": Inverse("spatial", ("size",), _center_crop, on_grid=True),
    "pad": Inverse("spatial", ("shape",), _pad, on_grid=True),
    "crop_or_pad": Inverse("spatial", ("shape",), _crop_or_pad, on_grid=True),
    "reorient": Inverse("spatial", ("axcodes",), _reorient),
    "intensity_scale_shift": Inverse("intensity", ("scale", "shift"), image=_undo_scale_shift),
    "gamma": Inverse("intensity", ("gamma",), image=_undo_gamma),
    "window": Inverse("intensity", reason=f"{_NOT_UNDONE}: the window clips everything outside it"),
    "percentile_clip": Inverse("intensity", reason=f"{_NOT_UNDONE}: it clips the tails"),
    "normalize": Inverse("intensity", reason=f"{_NOT_UNDONE}: the mean and spread it removed are not recorded"),
    "noise": Inverse("intensity", reason=f"{_NOT_UNDONE}: noise destroys information"),
    "ct_normalize": Inverse("intensity", reason=f"{_NOT_UNDONE}: it clips to the dataset's HU range first"),
    "bias_field": Inverse(
        "intensity", reason=f"{_NOT_UNDONE} here: its field lives on the grid of its own time, not the prediction's"
    ),
    # issue 24: MRI artifacts keep the grid and the anatomy's place; what they did to the image is lost
    "motion": Inverse("intensity", reason=f"{_NOT_UNDONE}: the poses' k-space lines replaced the still ones"),
    "ghosting": Inverse("intensity", reason=f"{_NOT_UNDONE}: the ghosts overlap the anatomy"),
    "spike": Inverse("intensity", reason=f"{_NOT_UNDONE}: the magnitude hides the stripes' phase"),
    "gibbs": Inverse("intensity", reason=f"{_NOT_UNDONE}: the k-space it cut is gone"),
    "thick_slices": Inverse("intensity", reason=f"{_NOT_UNDONE}: the slices' averages lost the detail"),
    "rician_noise": Inverse("intensity", reason=f"{_NOT_UNDONE}: noise destroys information"),
    "skipped": Inverse("none"),
    "elastic": Inverse(
        "refused",
        reason="elastic steps are training-time augmentations; a prediction is never made on an elastically "
        "deformed scan, so invert() refuses them (pass only the preprocessing and test-time steps)",
    ),
}


def inverse_for(name: str, where: str) -> Inverse:
    """The table entry of step ``name``; ``ValueError`` naming ``where`` for an unknown one."""
    if name not in INVERSES:
        raise ValueError(f"{where}: no inverse is known for step {name!r}; invertible steps are {sorted(INVERSES)}")
    return INVERSES[name]


def canonical_params(name: str, params: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``params`` as the step's signature binds them, defaults filled in (a record from an older file too)."""
    step = registered_steps().get(name)
    if step is None:
        return dict(params)
    signature = inspect.signature(step)
    try:
        bound = signature.bind(None, **params)
    except TypeError as exc:
        raise TypeError(f"{where}: {exc}; the step takes {list(signature.parameters)[1:]}") from None
    bound.apply_defaults()
    first = next(iter(signature.parameters))
    arguments = {k: v for k, v in bound.arguments.items() if k != first}
    extra = {k: v for k, v in arguments.items() if signature.parameters[k].kind is inspect.Parameter.VAR_KEYWORD}
    for key, value in extra.items():
        arguments.pop(key)
        arguments.update(value)
    return arguments
