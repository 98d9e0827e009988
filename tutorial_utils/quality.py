"""``check_scan``: what to look at before a new scan goes into a training set.

Each check looks for one thing that silently spoils training data when
nobody looks, and each :class:`Finding` says what was found, in numbers, and
what to do about it. No finding is not a proof that the scan is right; it
means none of these known traps was seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import nibabel as nib
import numpy as np

from ._checks import describe
from ._nifti import PathOrImage, open_nifti, read_label_data
from .volume import Volume

__all__ = ["CT_HU_RANGE", "Finding", "check_scan"]

#: Range of Hounsfield units a CT stores: air -1024 to the 12-bit top 3071 (dense bone, metal above).
CT_HU_RANGE = (-1024.0, 3071.0)
#: Above this largest/smallest voxel size ratio a scan counts as strongly anisotropic.
MAX_ANISOTROPY = 3.0


@dataclass(frozen=True)
class Finding:
    """One problem :func:`check_scan` found.

    Attributes
    ----------
    check : str
        Which check: ``"orientation"``, ``"anisotropy"``, ``"label_grid"``,
        ``"qform_sform"``, ``"no_orientation"``, ``"ct_range"``,
        ``"mr_negative"``, ``"label_values"``.
    message : str
        What was found, with numbers.
    advice : str
        What to do about it.
    """

    check: str
    message: str
    advice: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}\n    -> {self.advice}"


def _corner_distance(a: np.ndarray, b: np.ndarray, shape: tuple[int, ...]) -> float:
    """Largest distance (mm) between where ``a`` and ``b`` put the volume's 8 corner voxels."""
    corners = np.array([[i, j, k, 1] for i in (0, shape[0] - 1) for j in (0, shape[1] - 1) for k in (0, shape[2] - 1)])
    return float(np.linalg.norm((corners @ (a - b).T)[:, :3], axis=1).max())


def _header_findings(image: nib.spatialimages.SpatialImage) -> list[Finding]:
    header = image.header
    if not isinstance(header, nib.Nifti1Header):
        return []
    qform, qcode = header.get_qform(coded=True)
    sform, scode = header.get_sform(coded=True)
    if qcode == 0 and scode == 0:
        return [
            Finding(
                "no_orientation",
                "the header sets neither a qform nor an sform (both codes 0): the affine is nibabel's fallback "
                "(voxel sizes only), so left/right and the position are unknown",
                "find the orientation in the source data (the DICOM series) and write it into the header; "
                "do not train on left/right-sensitive labels from this file meanwhile",
            )
        ]
    if qcode > 0 and scode > 0:
        distance = _corner_distance(qform, sform, image.shape[:3])
        if distance > 0.1:
            return [
                Finding(
                    "qform_sform",
                    f"qform and sform disagree: they place the volume's corners up to {distance:.1f} mm apart; "
                    f"nibabel (and this package) use the sform, other readers may use the qform",
                    "decide which one is right (open the file in two viewers), then write both the same, e.g. "
                    "img.set_qform(img.get_sform()); nib.save(img, path)",
                )
            ]
    return []


def _label_findings(image: nib.spatialimages.SpatialImage, label: PathOrImage) -> tuple[list[Finding], Any]:
    """Findings about a label file's grid, and its values when they are usable (else None)."""
    label_nii = open_nifti(label, "label")
    if label_nii.shape != image.shape:
        return [
            Finding(
                "label_grid",
                f"the label has shape {label_nii.shape}, the image {image.shape}",
                "the label was drawn on another grid: resample it onto the image (nearest neighbour) or find "
                "the matching image",
            )
        ], None
    distance = _corner_distance(label_nii.affine, image.affine, image.shape[:3])
    if distance > 1e-3:
        return [
            Finding(
                "label_grid",
                f"the label's affine differs from the image's: corners up to {distance:.2f} mm apart",
                "if both were drawn on the same voxels, copy the image's affine into the label's header; "
                "otherwise resample the label onto the image grid with nearest neighbour (order 0)",
            )
        ], None
    return [], read_label_data(label_nii, "label")


def _volume_findings(volume: Volume, max_anisotropy: float) -> list[Finding]:
    findings = []
    code = "".join(volume.axcodes)
    if code != "RAS":
        findings.append(
            Finding(
                "orientation",
                f"the array axes point {code}, not RAS",
                "tu.reorient(volume) (exact: axes permuted and flipped) before batching it with RAS scans, "
                "or load it with tu.load_nifti(path, canonical=True)",
            )
        )
    spacing = np.array(volume.spacing)
    ratio = float(spacing.max() / spacing.min())
    if ratio > max_anisotropy:
        sizes = "x".join(f"{s:.3g}" for s in spacing)
        findings.append(
            Finding(
                "anisotropy",
                f"voxels of {sizes} mm: the largest is {ratio:.1f} times the smallest",
                "resample the dataset to one spacing (tu.resample_to_spacing) knowing the thick axis is "
                "interpolated, or keep it and use anisotropic patches (nnU-Net treats the slice axis apart "
                "from a ratio of 3)",
            )
        )
    return findings


def _intensity_findings(image: np.ndarray, modality: str | None) -> list[Finding]:
    if modality == "CT":
        low, high = CT_HU_RANGE
        below, above = int(np.count_nonzero(image < low)), int(np.count_nonzero(image > high))
        if image.min() >= 0:
            return [
                Finding(
                    "ct_range",
                    f"no negative values (min {image.min():g}): CT air is about -1000 HU",
                    "these look like stored values: apply RescaleSlope/RescaleIntercept (tu.load_dicom does)",
                )
            ]
        if below or above:
            return [
                Finding(
                    "ct_range",
                    f"{below} voxels ({below / image.size:.2%}) below {low:g} HU (min {image.min():g}) and {above} "
                    f"above {high:g} HU (max {image.max():g})",
                    "far below -1024: padding outside the scanner's field of view (e.g. -2048, -3024), clip it with "
                    "tu.clip_range(image, -1024, 3071); a few just below: noise in air; far above: metal",
                )
            ]
    if modality == "MR" and image.min() < 0:
        negative = int(np.count_nonzero(image < 0))
        return [
            Finding(
                "mr_negative",
                f"{negative} voxels ({negative / image.size:.2%}) are negative (min {image.min():g}); MRI "
                f"magnitude is not",
                "negative values come from cubic/sinc interpolation overshoot or an earlier normalisation; "
                "check what was done to this file before normalising it again",
            )
        ]
    return []


def _label_value_findings(label: np.ndarray | None, label_values: Iterable[int] | None) -> list[Finding]:
    if label_values is None:
        return []
    allowed = {int(v) for v in label_values}
    if label is None:
        return [Finding("label_values", "label_values were given but the scan has no label", "pass the label file")]
    unexpected = sorted(set(np.unique(label).tolist()) - allowed)
    if not unexpected:
        return []
    return [
        Finding(
            "label_values",
            f"the label holds values {unexpected[:10]}{' ...' if len(unexpected) > 10 else ''} not in {sorted(allowed)}",
            "check the dataset's label definition (dataset.json 'labels'); remap the values or leave the case out",
        )
    ]


def check_scan(
    scan: Volume | PathOrImage,
    label: PathOrImage | None = None,
    *,
    modality: str | None = None,
    label_values: Iterable[int] | None = None,
    max_anisotropy: float = MAX_ANISOTROPY,
) -> list[Finding]:
    """Look at a new scan for the usual traps; returns what was found (an empty list if nothing).

    Parameters
    ----------
    scan : Volume, path or nibabel image
        A loaded ``Volume``, or a NIfTI file (then its header is checked
        too: qform/sform disagreement, no orientation at all).
    label : path or nibabel image, optional
        The label file of a NIfTI ``scan`` (its grid is compared with the
        image's). A ``Volume`` brings its own label.
    modality : {"CT", "MR"}, optional
        Enables the intensity check: CT values outside [-1024, 3071] HU or
        no negative value at all; MRI with negative values.
    label_values : iterable of int, optional
        The values the label may hold (e.g. ``range(7)``).
    max_anisotropy : float
        Largest acceptable ratio of the largest to the smallest voxel size.

    Returns
    -------
    list of Finding
        ``print(finding)`` shows what and what to do.

    Examples
    --------
    >>> import numpy as np
    >>> las = Volume(np.zeros((4, 4, 4)), np.diag([-1.0, 1.0, 4.0, 1.0]))
    >>> [f.check for f in check_scan(las, modality="MR")]
    ['orientation', 'anisotropy']
    """
    if modality not in (None, "CT", "MR"):
        raise ValueError(f"modality must be 'CT', 'MR' or None; got {modality!r}")
    if isinstance(max_anisotropy, bool) or not isinstance(max_anisotropy, (int, float)) or not max_anisotropy >= 1:
        raise ValueError(f"max_anisotropy must be a number >= 1; got {describe(max_anisotropy)}")
    findings: list[Finding] = []
    label_issues: list[Finding] = []
    if isinstance(scan, Volume):
        if label is not None:
            raise TypeError("label is for NIfTI files; a Volume brings its own label")
        volume, label_array = scan, scan.label
    else:
        image_nii = open_nifti(scan, "scan")
        findings += _header_findings(image_nii)
        label_array = None
        if label is not None:
            label_issues, label_array = _label_findings(image_nii, label)
        volume = Volume.from_nifti(image_nii)
    findings += _volume_findings(volume, float(max_anisotropy))
    findings += _intensity_findings(volume.image, modality)
    # A label on another grid is reported as such; its values are not checked.
    findings += label_issues or _label_value_findings(label_array, label_values)
    return findings
