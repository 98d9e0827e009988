"""Checks for the exercises of notebook 04 (crop and pad).

Each ``check_exercise_N`` prints what is right and what is not, ending with
"Correct:" when the answer is right; an unfilled answer (``...``) raises
``NotImplementedError`` with a hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import describe
from ..crop import foreground_bbox
from ..records import replay
from ..volume import Volume
from ._feedback import as_vector, require, verdict


def check_exercise_1(brain: Any, volume: Any, margin: int = 4) -> None:
    """Check a crop of ``volume`` to the bounding box of its brain (label > 0) plus ``margin`` voxels.

    Parameters
    ----------
    brain : Volume
        The reader's cropped volume.
    volume : Volume
        The input (``mni`` in the notebook).
    margin : int
        Voxels added on every side of the box.

    """
    require(
        brain,
        "brain",
        "tu.foreground_bbox(mask, margin=...) returns (start, size); tu.crop_volume crops image, label and affine.",
    )
    start, size = foreground_bbox(np.asarray(volume.label) > 0, margin=margin)
    if not isinstance(brain, Volume):
        return verdict([f"brain must be a Volume (tu.crop_volume keeps the affine right); got {describe(brain)}."], "")
    fraction = np.prod(brain.shape) / np.prod(volume.shape)
    notes = [f"shape {brain.shape}: {fraction:.0%} of the voxels"]
    problems = []
    if brain.shape != tuple(size):
        no_margin = foreground_bbox(np.asarray(volume.label) > 0)[1]
        if brain.shape == tuple(no_margin):
            problems.append(f"that is the tight box: add margin={margin} (voxels on every side).")
        else:
            problems.append(
                f"shape {brain.shape} is not that of the box of label > 0 with margin={margin}: "
                "use tu.foreground_bbox(volume.label > 0, margin=...) and crop to its (start, size)."
            )
    elif not np.allclose(brain.affine[:3, 3], (volume.affine @ [*start, 1.0])[:3]):
        problems.append("the patch's voxel (0, 0, 0) is not where the scan's voxel start is: use tu.crop_volume.")
    return verdict(problems, "the box keeps the whole brain and every voxel keeps its world coordinate.", notes)


def check_exercise_2(patch: Any, scan_voxel: Any, volume: Any, patch_voxel: tuple[int, int, int] = (3, 4, 5)) -> None:
    """Check a 32 voxel random crop of ``volume`` drawn with seed 5, and where its voxel ``patch_voxel`` lies.

    Parameters
    ----------
    patch : Volume
        ``tu.random_crop(volume, 32, rng=5)``.
    scan_voxel : (3,) sequence of int
        The scan voxel that holds the patch's voxel ``patch_voxel``.
    volume : Volume
        The scan (``mni`` in the notebook).
    patch_voxel : (3,) tuple of int
        The patch voxel asked about.

    """
    require(
        patch if patch is Ellipsis else scan_voxel,
        "patch" if patch is Ellipsis else "scan_voxel",
        "tu.random_crop(volume, size, rng=...); the drawn start is in patch.history[-1].params; "
        "patch voxel v is scan voxel start + v.",
    )
    if not isinstance(patch, Volume) or not patch.history or patch.history[-1].name != "crop":
        return verdict([f"patch must be the Volume returned by tu.random_crop; got {describe(patch)}."], "")
    start = np.asarray(patch.history[-1].params["start"])
    notes = [f"drawn start {tuple(int(s) for s in start)}"]
    problems = []
    if patch.shape != (32, 32, 32):
        problems.append(f"the patch should be 32 x 32 x 32; got {patch.shape}.")
    voxel = as_vector(scan_voxel, 3)
    if voxel is None:
        problems.append(f"scan_voxel must be three voxel indices; got {describe(scan_voxel)}.")
    else:
        world_patch = (patch.affine @ [*patch_voxel, 1.0])[:3]
        world_scan = (volume.affine @ [*voxel, 1.0])[:3]
        notes.append(f"world of patch voxel {patch_voxel}: {np.round(world_patch, 2)} mm")
        notes.append(f"world of scan voxel {tuple(int(v) for v in voxel)}: {np.round(world_scan, 2)} mm")
        if np.array_equal(voxel, patch_voxel):
            problems.append("that is the patch's own index: the scan voxel is start + (3, 4, 5).")
        elif not np.allclose(world_patch, world_scan):
            problems.append("the two world coordinates differ: scan_voxel = start + (3, 4, 5).")
    replayed = np.array_equal(replay(volume, patch.history).image, patch.image)
    notes.append(f"replay gives the identical patch: {replayed}")
    if not replayed:
        problems.append("replaying patch.history on the scan does not give the patch: was it cropped from this scan?")
    return verdict(problems, "the affine follows the crop, and the recorded start reproduces the patch.", notes)


def padded_slices(volume: Volume, original_depth: int) -> slice:
    """The slices ``pad_volume`` added after the original ones along axis 2 (centred padding)."""
    before = (volume.shape[2] - original_depth) // 2
    return slice(before + original_depth, volume.shape[2])


def check_exercise_3(padded: Any, ct: Any, depth: int = 96) -> None:
    """Check ``{"edge": ..., "reflect": ...}``: ``ct`` padded to ``depth`` slices with each mode.

    Prints the mean HU and the label values in the slices added at the top.

    Parameters
    ----------
    padded : dict
        ``{"edge": Volume, "reflect": Volume}`` from ``tu.pad_volume(ct, (I, J, depth), mode=...)``.
    ct : Volume
        The CT phantom.
    depth : int
        The number of slices asked for.

    """
    require(padded, "padded", "tu.pad_volume(volume, shape, mode=...); one Volume per mode in the dict.")
    if not isinstance(padded, Mapping) or set(padded) != {"edge", "reflect"}:
        return verdict([f'padded must be a dict with the keys "edge" and "reflect"; got {describe(padded)}.'], "")
    shape = (*ct.shape[:2], depth)
    problems, notes = [], []
    for mode, volume in padded.items():
        if not isinstance(volume, Volume) or volume.shape != shape:
            problems.append(f"{mode}: expected a Volume of shape {shape} (tu.pad_volume); got {describe(volume)}.")
            continue
        top = padded_slices(volume, ct.shape[2])
        image, label = volume.image[:, :, top], volume.label[:, :, top]
        notes.append(f"{mode:8s} padded slices: mean HU {image.mean():6.0f}, label values {np.unique(label).tolist()}")
        if np.ptp(image) == 0:
            problems.append(f'{mode}: the padding is one constant value; pass mode="{mode}".')
        elif mode == "edge" and not np.array_equal(image[:, :, 0], volume.image[:, :, top.start - 1]):
            problems.append('edge: the added slices should repeat the last slice (mode="edge").')
    return verdict(
        problems,
        "both copy anatomy into the padding while its label stays 0 (background): pad CT with air instead.",
        notes,
    )
