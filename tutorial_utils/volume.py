"""``Volume``: an image, its affine and an optional label map, kept together.

A training pipeline moves these three things at once. Keeping them in one
frozen object means a transform cannot forget the label or the affine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import nibabel as nib
import numpy as np

from ._checks import as_float32_image, check_homogeneous_matrix, check_label_array, describe
from ._nifti import PathOrImage, nifti_label_dtype, open_nifti, read_image_data, read_label_data


@dataclass(frozen=True)
class TransformRecord:
    """What one transform did (for a random one, what it drew), enough to replay it exactly.

    Parameters
    ----------
    name : str
        Key of the deterministic function that applied the draw (see
        :func:`tutorial_utils.records.replay`).
    params : Mapping
        Keyword arguments that function was called with (angles, axes,
        offsets, a seed for a displacement field, ...).
    measured : Mapping
        What the step measured while it ran (an elastic field's largest
        displacement, say), for the reader; not used by replay and not
        compared by ``==``.
    """

    name: str
    params: Mapping[str, Any]
    measured: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:
        measured = f", measured={dict(self.measured)!r}" if self.measured else ""
        return f"TransformRecord(name={self.name!r}, params={dict(self.params)!r}{measured})"


@dataclass(frozen=True, eq=False)
class Volume:
    """A 3D image with its voxel-to-world affine and an optional label map.

    Parameters
    ----------
    image : (I, J, K) array_like
        Intensities. Stored as float32 (integer input is converted; the
        caller's array is never modified). NaN or infinite values are refused.
    affine : (4, 4) array_like
        Maps voxel indices ``(i, j, k, 1)`` to world coordinates
        ``(x, y, z, 1)`` in millimetres, RAS+ as in NIfTI. Stored as float64.
    label : (I, J, K) integer array_like, optional
        Label map on the same grid as ``image`` (0 = background). Boolean
        masks are stored as uint8; float labels are refused.
    history : tuple of TransformRecord
        What the transforms applied so far did, oldest first, random ones
        with what they drew (resampling and crop-or-pad with their
        parameters, a rotation with its angles); empty for a freshly loaded
        volume. Replay it with :func:`tutorial_utils.records.replay`.

    Raises
    ------
    ValueError
        Non-3D image or one with an empty axis (shape ``(0, 4, 5)``), label
        of another shape or non-integer dtype, an affine
        that is not a finite invertible 4x4 matrix with last row (0, 0, 0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> vol = Volume(np.zeros((4, 5, 6)), np.diag([2.0, 2.0, 3.0, 1.0]))
    >>> vol.shape, vol.spacing, vol.axcodes
    ((4, 5, 6), (2.0, 2.0, 3.0), ('R', 'A', 'S'))
    """

    image: np.ndarray
    affine: np.ndarray
    label: np.ndarray | None = None
    history: tuple[TransformRecord, ...] = field(default=())

    def __post_init__(self) -> None:
        image = as_float32_image(self.image, "image")
        affine = _check_affine(self.affine)
        label = None
        if self.label is not None:
            label = check_label_array(self.label, "label")
            if label.shape != image.shape:
                raise ValueError(f"label must have the image's shape {image.shape}; got {label.shape}")
        if not all(isinstance(r, TransformRecord) for r in self.history):
            raise TypeError(f"history must hold TransformRecord entries; got {describe(self.history)}")
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "affine", affine)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "history", tuple(self.history))

    @property
    def shape(self) -> tuple[int, int, int]:
        """Array shape ``(I, J, K)``."""
        return tuple(int(n) for n in self.image.shape)  # type: ignore[return-value]

    @property
    def spacing(self) -> tuple[float, float, float]:
        """Voxel size in mm along each array axis, from the affine."""
        return tuple(float(s) for s in nib.affines.voxel_sizes(self.affine))  # type: ignore[return-value]

    @property
    def axcodes(self) -> tuple[str, str, str]:
        """Direction each array axis points to, e.g. ``('L', 'A', 'S')``."""
        return tuple(nib.aff2axcodes(self.affine))  # type: ignore[return-value]

    def replace(self, **changes: Any) -> Volume:
        """Return a new ``Volume`` with some fields replaced (validated again).

        Examples
        --------
        >>> import numpy as np
        >>> vol = Volume(np.zeros((2, 2, 2)), np.eye(4))
        >>> vol.replace(label=np.ones((2, 2, 2), dtype=np.uint8)).label.sum()
        np.uint64(8)
        """
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_nifti(cls, image: PathOrImage, label: PathOrImage | None = None) -> Volume:
        """Build a ``Volume`` from NIfTI files (paths) or nibabel images.

        The label's affine must match the image's (within 1e-3 mm): a label
        drawn on another grid needs resampling first. Label values are kept
        exactly, in an integer dtype wide enough for them (a uint16 label
        stays uint16); a float label file is accepted only when every value
        is a finite integer.

        Raises
        ------
        FileNotFoundError
            A file does not exist.
        ValueError
            A 4D image, a label of another shape or affine, a label with
            NaN or non-integer values (the message names the file and the
            first such value), or a file nibabel cannot read (truncated,
            not NIfTI; the message names the file; an ``EOFError``,
            ``OSError`` or ``ImageFileError`` from nibabel keeps its type).

        Examples
        --------
        >>> import nibabel as nib, numpy as np
        >>> img = nib.Nifti1Image(np.ones((3, 3, 3), np.int16), np.eye(4))
        >>> Volume.from_nifti(img).image.dtype
        dtype('float32')
        >>> Volume.from_nifti(img, nib.Nifti1Image(np.full((3, 3, 3), 40000, np.uint16), np.eye(4))).label.max()
        np.uint16(40000)
        """
        image_nii = open_nifti(image, "image")
        if len(image_nii.shape) != 3:
            raise ValueError(
                f"image must be a 3D NIfTI; got shape {image_nii.shape}. For a 4D series pick "
                f"one volume first, e.g. nibabel.funcs.four_to_three(img)[0] or "
                f"img.slicer[..., 0]"
            )
        label_array = None
        if label is not None:
            label_nii = open_nifti(label, "label")
            if label_nii.shape != image_nii.shape:
                raise ValueError(f"label must have the image's shape {image_nii.shape}; got {label_nii.shape}")
            if not np.allclose(label_nii.affine, image_nii.affine, atol=1e-3):
                raise ValueError(
                    "label's affine differs from the image's; resample the label onto the "
                    "image grid (nearest neighbour) first"
                )
            label_array = read_label_data(label_nii, "label")
        return cls(read_image_data(image_nii, "image"), image_nii.affine, label_array)

    def to_nifti(self) -> tuple[nib.Nifti1Image, nib.Nifti1Image | None]:
        """Return ``(image, label)`` as ``nibabel.Nifti1Image`` objects (label may be None).

        Both carry this volume's affine as their sform and qform, so viewers
        place them identically. The label is stored in the smallest NIfTI
        integer type that holds its values (an int64 label from
        ``np.argmax`` becomes uint8 when its values allow).

        Examples
        --------
        >>> import numpy as np
        >>> img, lab = Volume(np.zeros((2, 3, 4)), np.eye(4)).to_nifti()
        >>> img.shape, lab
        ((2, 3, 4), None)
        """
        image_nii = nib.Nifti1Image(self.image, self.affine)
        image_nii.set_qform(self.affine, code=1)
        image_nii.set_sform(self.affine, code=1)
        label_nii = None
        if self.label is not None:
            dtype = nifti_label_dtype(self.label)
            label_nii = nib.Nifti1Image(self.label.astype(dtype), self.affine, dtype=dtype)
            label_nii.set_qform(self.affine, code=1)
            label_nii.set_sform(self.affine, code=1)
        return image_nii, label_nii

    def __repr__(self) -> str:
        spacing = "x".join(f"{s:g}" for s in self.spacing)
        labels = "no label" if self.label is None else f"label {self.label.dtype}"
        return (
            f"Volume(shape={self.shape}, spacing={spacing} mm, axcodes={''.join(self.axcodes)}, "
            f"{labels}, {len(self.history)} recorded steps)"
        )


def _check_affine(affine: Any) -> np.ndarray:
    arr = check_homogeneous_matrix(affine, "affine")
    if abs(np.linalg.det(arr[:3, :3])) < 1e-12:
        raise ValueError("affine must be invertible; its 3x3 part is singular (a zero voxel size?)")
    return arr


def check_volume(volume: Any, name: str = "volume") -> Volume:
    """Return ``volume`` if it is a :class:`Volume`, else raise a ``TypeError`` that says what to use."""
    if not isinstance(volume, Volume):
        raise TypeError(
            f"{name} must be a Volume (tutorial_utils.Volume); got {describe(volume)}. "
            f"Wrap an array with Volume(image, affine), or use the array functions"
        )
    return volume
