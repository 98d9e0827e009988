"""Match the strength of the three libraries' elastic deformations, by measurement.

The three parametrise "strength" differently: ours bounds the length of each
displacement vector (mm), TorchIO bounds each component (mm), MONAI multiplies
Gaussian-smoothed uniform noise by a magnitude (voxels). So the settings are
matched on what the field actually does: each library warps an image whose
three channels hold the voxel coordinates ``i``, ``j``, ``k``; with linear
interpolation the output at ``x`` is exactly ``x + u(x)``, so ``output - x``
is the displacement it applied. Statistics are taken over voxels at least
``MARGIN`` voxels inside the faces (where nothing is sampled from outside).

``python benchmarks/elastic_match.py`` re-calibrates: it measures each peer
at the constants below and prints the constants that give our mean
displacement (both peers' displacements scale linearly with their strength).
"""

from __future__ import annotations

import functools
import statistics
from typing import Any

import numpy as np

import operations as spec
from harness import BenchVolume

#: TorchIO ``max_displacement`` (mm, per component) giving our mean displacement.
TORCHIO_MAX_DISPLACEMENT_MM = 6.3
#: MONAI Gaussian sigma (voxels). Its cost grows with sigma; a field as smooth as a
#: 7-point B-spline would need about 20 voxels and run slower still.
MONAI_SIGMA = 8.0
#: MONAI ``magnitude`` (voxels) giving our mean displacement at ``MONAI_SIGMA``.
MONAI_MAGNITUDE = 270.0
#: Voxels ignored next to each face.
MARGIN = 12
#: Random draws averaged per library.
DRAWS = 3


def coordinate_image(shape: tuple[int, int, int]) -> np.ndarray:
    """``(3, I, J, K)`` float32: channel ``c`` holds each voxel's index along axis ``c``."""
    return np.stack(np.meshgrid(*(np.arange(n, dtype=np.float32) for n in shape), indexing="ij"))


def _stats(warped: np.ndarray, coords: np.ndarray) -> tuple[float, float]:
    inner = (slice(None),) + (slice(MARGIN, -MARGIN),) * 3
    length = np.sqrt(((np.asarray(warped, dtype=np.float32)[inner] - coords[inner]) ** 2).sum(axis=0))
    return float(length.mean()), float(length.max())


def _ours(vol: BenchVolume, coords: np.ndarray, seed: int) -> np.ndarray:
    import tutorial_utils as tu

    first = tu.random_elastic(
        tu.Volume(coords[0], vol.affine),
        num_control_points=spec.ELASTIC_CONTROL_POINTS,
        max_displacement=spec.ELASTIC_MAX_DISPLACEMENT_MM,
        rng=seed,
    )
    rest = [tu.replay(tu.Volume(channel, vol.affine), first.history).image for channel in coords[1:]]
    return np.stack([first.image, *rest])


def _torchio(vol: BenchVolume, coords: np.ndarray, seed: int, max_displacement: float) -> np.ndarray:
    import torch
    import torchio as tio

    torch.manual_seed(seed)
    subject = tio.Subject(image=tio.ScalarImage(tensor=torch.from_numpy(coords), affine=vol.affine))
    transform = tio.RandomElasticDeformation(
        num_control_points=spec.ELASTIC_CONTROL_POINTS, max_displacement=max_displacement, locked_borders=2
    )
    return transform(subject)["image"].data.numpy()


def _monai(vol: BenchVolume, coords: np.ndarray, seed: int, magnitude: float) -> np.ndarray:
    import torch
    from monai import transforms as mt
    from monai.data import MetaTensor

    transform = mt.Rand3DElastic(
        sigma_range=(MONAI_SIGMA,) * 2, magnitude_range=(magnitude,) * 2, prob=1.0, padding_mode="zeros"
    )
    transform.set_random_state(seed=seed)
    return np.asarray(transform(MetaTensor(torch.from_numpy(coords), affine=torch.as_tensor(vol.affine))))


def measure_displacement(library: str, vol: BenchVolume, strength: float | None = None) -> dict[str, Any]:
    """Mean and max displacement (voxels) of ``library``'s elastic at its benchmark setting
    (or at ``strength``), averaged over ``DRAWS`` draws; run in a child process."""
    coords = coordinate_image(vol.shape)
    means, maxima = [], []
    for seed in range(DRAWS):
        if library == "ours":
            warped = _ours(vol, coords, seed)
        elif library == "torchio":
            warped = _torchio(vol, coords, seed, strength or TORCHIO_MAX_DISPLACEMENT_MM)
        else:
            warped = _monai(vol, coords, seed, strength or MONAI_MAGNITUDE)
        mean, maximum = _stats(warped, coords)
        means.append(mean)
        maxima.append(maximum)
    return {"mean": statistics.fmean(means), "max": statistics.fmean(maxima), "draws": DRAWS}


def setting_text(library: str) -> str:
    """The strength setting of ``library``'s elastic, for the report."""
    if library == "ours":
        return (
            f"num_control_points={spec.ELASTIC_CONTROL_POINTS}, "
            f"max_displacement={spec.ELASTIC_MAX_DISPLACEMENT_MM:g} mm (vector length)"
        )
    if library == "torchio":
        return (
            f"num_control_points={spec.ELASTIC_CONTROL_POINTS}, "
            f"max_displacement={TORCHIO_MAX_DISPLACEMENT_MM:g} mm (per component), locked_borders=2"
        )
    return f"sigma={MONAI_SIGMA:g} voxels, magnitude={MONAI_MAGNITUDE:g}"


def main() -> None:
    from harness import call_in_child, load_volumes

    vol = load_volumes(["mni"])["mni"]
    ours = call_in_child(lambda: measure_displacement("ours", vol))
    print(f"ours      {setting_text('ours')}: mean {ours['mean']:.2f}, max {ours['max']:.2f} voxels")
    for library, current in (("torchio", TORCHIO_MAX_DISPLACEMENT_MM), ("monai", MONAI_MAGNITUDE)):
        got = call_in_child(functools.partial(measure_displacement, library, vol, current))
        matched = current * ours["mean"] / got["mean"]
        print(
            f"{library:9s} at {current:g}: mean {got['mean']:.2f}, max {got['max']:.2f} voxels "
            f"-> use {matched:.3g} for a mean of {ours['mean']:.2f}"
        )


if __name__ == "__main__":
    main()
