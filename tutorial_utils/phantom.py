"""A synthetic torso-like CT volume in Hounsfield units, with its tissue labels.

No pip package ships a real multi-slice CT, so the course generates one. It is
**synthetic**: simple ellipses and cylinders with textbook HU values, good for
learning windowing and label handling, not for anatomy. The lungs have a
texture (a denser dependent part, fine mottling and a network of vessels),
so a lung window shows grey levels; every other tissue is uniform plus noise.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ._checks import RngLike, as_rng, as_triple
from .volume import Volume

#: Label value -> tissue name of :func:`make_ct_phantom`'s label map.
CT_PHANTOM_LABELS: dict[int, str] = {
    0: "air (outside the body)",
    1: "fat",
    2: "soft tissue (muscle)",
    3: "lung",
    4: "liver",
    5: "bone",
    6: "contrast-filled vessel (aorta)",
}

#: Mean HU per label before noise (the lung: its parenchyma before the texture); bone mixes cortical (rim) and cancellous values.
CT_PHANTOM_HU: dict[int, float] = {
    0: -1000.0,
    1: -100.0,
    2: 40.0,
    3: -850.0,
    4: 60.0,
    5: 700.0,
    6: 250.0,
}


def make_ct_phantom(
    shape: tuple[int, int, int] = (288, 224, 64),
    spacing: tuple[float, float, float] = (1.25, 1.25, 2.5),
    *,
    noise_std: float = 10.0,
    lung_texture: bool = True,
    rng: RngLike = 0,
) -> Volume:
    """Generate a synthetic torso CT in Hounsfield units with its label map.

    Axis 0 points to the patient's right (world +x = R), axis 1 to the
    front (anterior), axis 2 up (superior) (the short axis, thick
    slices as in clinical CT). Tissues and their labels are listed in
    :data:`CT_PHANTOM_LABELS`: air -1000 HU, lungs about -850, fat about
    -100, muscle 40, liver 60, a contrast-filled aorta 250, bone from about
    300 (cancellous) to 1200 (cortical rim). The liver lies on the patient's
    right.

    Parameters
    ----------
    shape : (3,) tuple of int
        Output shape; each axis needs at least 16 voxels.
    spacing : (3,) tuple of float
        Voxel size in mm (anisotropic by default, like a clinical CT).
    noise_std : float
        Standard deviation of the Gaussian noise in HU (0 for none).
    lung_texture : bool, default True
        Give the lungs (label 3) a texture instead of a uniform -850 HU:
        about 60 HU denser at the back than at the front (the dependent lung), a mottling
        of about 15 HU, and a random network of vessels up to +40 HU (blood)
        at their centre, fainter where they are thinner than a voxel. The
        vessels keep label 3, as lung masks include them. Drawn after the
        noise, so the noise is the same either way.
    rng : Generator, int or None
        Seed for the noise and the lung texture; the same seed gives the same phantom.

    Returns
    -------
    Volume
        ``image`` float32 in HU, ``label`` uint8, diagonal RAS+ affine
        centred on the volume.

    Examples
    --------
    >>> ct = make_ct_phantom(shape=(64, 48, 16))
    >>> ct.spacing, float(ct.image.min()) < -900
    ((1.25, 1.25, 2.5), True)
    """
    shape = as_triple(shape, "shape", positive=True, integer=True)
    if min(shape) < 16:
        raise ValueError(f"shape must be at least 16 voxels on every axis; got {shape}")
    spacing = as_triple(spacing, "spacing", positive=True, allow_zero=False)
    if not np.isfinite(noise_std) or noise_std < 0:
        raise ValueError(f"noise_std must be a finite number >= 0; got {noise_std}")
    generator = as_rng(rng)

    # Normalised in-plane coordinates: the body ellipse fills 90 % x 80 % of the field of view.
    x = np.linspace(-1.0, 1.0, shape[0], dtype=np.float32)[:, None]
    y = np.linspace(-1.0, 1.0, shape[1], dtype=np.float32)[None, :]
    z = np.linspace(-1.0, 1.0, shape[2], dtype=np.float32)

    def ellipse(cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
        return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0

    body = ellipse(0.0, 0.0, 0.9, 0.72)
    muscle = ellipse(0.0, 0.0, 0.82, 0.63)
    spine = ellipse(0.0, -0.42, 0.11, 0.12)
    spine_core = ellipse(0.0, -0.42, 0.075, 0.085)
    aorta = ellipse(-0.08, -0.2, 0.06, 0.06)

    label = np.zeros(shape, dtype=np.uint8)
    image = np.empty(shape, dtype=np.float32)
    for k, zk in enumerate(z):
        plane = np.zeros(shape[:2], dtype=np.uint8)
        plane[body] = 1
        plane[muscle] = 2
        lung_extent = 0.9 * np.sqrt(max(0.0, 1.0 - ((zk - 0.45) / 0.75) ** 2))
        if lung_extent > 0.05:
            for side in (-1.0, 1.0):
                plane[ellipse(side * 0.4, 0.05, 0.3 * lung_extent, 0.45 * lung_extent)] = 3
        liver_extent = np.sqrt(max(0.0, 1.0 - ((zk + 0.5) / 0.6) ** 2))
        if liver_extent > 0.05:
            plane[ellipse(0.35, 0.05, 0.38 * liver_extent, 0.45 * liver_extent)] = 4
        plane[spine] = 5
        plane[aorta] = 6
        for angle in np.linspace(0.15 * np.pi, 0.85 * np.pi, 6):
            for side in (-1.0, 1.0):
                rib_x = side * 0.78 * np.cos(angle)
                rib_y = 0.6 * np.sin(angle) - 0.05
                plane[ellipse(rib_x, rib_y, 0.035, 0.03)] = 5
        label[:, :, k] = plane

        hu = np.asarray([CT_PHANTOM_HU[i] for i in range(len(CT_PHANTOM_HU))], dtype=np.float32)
        image_plane = hu[plane]
        image_plane[spine] = 1200.0
        image_plane[spine_core] = 300.0
        image[:, :, k] = image_plane

    if noise_std > 0:
        noise = generator.standard_normal(shape, dtype=np.float32)
        noise *= np.float32(noise_std)
        image += noise
    if not isinstance(lung_texture, (bool, np.bool_)):
        raise TypeError(f"lung_texture must be True or False; got {lung_texture!r}")
    if lung_texture and (label == 3).any():
        _add_lung_texture(image, label, spacing, generator)

    affine = np.diag([*spacing, 1.0])
    affine[:3, 3] = -np.asarray(spacing) * (np.asarray(shape) - 1) / 2.0
    return Volume(image, affine, label)


def _smooth_noise(shape: tuple[int, ...], sigma_mm: float, spacing: tuple[float, ...], generator: np.random.Generator):
    """Gaussian-filtered white noise with unit standard deviation, correlated over about ``sigma_mm``."""
    field = ndimage.gaussian_filter(generator.standard_normal(shape, dtype=np.float32), [sigma_mm / s for s in spacing])
    field /= max(float(field.std()), 1e-6)
    return field


def _add_lung_texture(
    image: np.ndarray, label: np.ndarray, spacing: tuple[float, float, float], generator: np.random.Generator
) -> None:
    """Replace the uniform lung of ``image`` (in place) by parenchyma with gravity, mottling and vessels.

    The vessels are where two independent smooth noise fields are both near
    zero: the zero set of one field is a surface, and two surfaces cross
    along curves, so the bright voxels form a random network of tubes.
    """
    lung = label == 3
    box = tuple(slice(int(i.min()), int(i.max()) + 1) for i in np.nonzero(lung))
    inside = lung[box]
    shape = inside.shape
    first, second = (_smooth_noise(shape, 6.0, spacing, generator) for _ in range(2))
    vessels = np.exp(-(first**2 + second**2) / np.float32(2 * 0.15**2))
    mottling = _smooth_noise(shape, 2.0, spacing, generator)
    front_back = np.linspace(1.0, -1.0, shape[1], dtype=np.float32)[None, :, None]  # +1 at the back
    lung_hu = CT_PHANTOM_HU[3] + 30.0 * front_back + 15.0 * mottling
    lung_hu += vessels * (40.0 - lung_hu)
    region = image[box]
    region[inside] += (lung_hu - CT_PHANTOM_HU[3])[inside]
