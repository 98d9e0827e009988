"""Sample volumes that need no download, and loading a reader's own NIfTI files.

* ``"epi"``: first volume of nibabel's bundled ``example4d.nii.gz``
  (128x96x24, 2x2x2.2 mm, LAS): a small, anisotropic functional MRI.
* ``"mni"``: the MNI152 2009 symmetric T1 template at 1 mm (197x233x189, RAS)
  shipped inside nilearn's wheel, with a tissue label map derived from its
  grey- and white-matter probability maps (see :data:`MNI_LABELS`).
* ``"ct"``: :func:`~tutorial_utils.phantom.make_ct_phantom`, a **synthetic**
  torso CT in Hounsfield units.

The MNI152 template is copyright (C) 1993-2009 Louis Collins, McConnell Brain
Imaging Centre, Montreal Neurological Institute, McGill University, and is
distributed under a permissive licence that requires this notice; it is an
average of 152 brains, not one subject.
"""

from __future__ import annotations

import functools
import os
from importlib.resources import files

import nibabel as nib
import numpy as np

from ._checks import describe
from .phantom import CT_PHANTOM_LABELS, make_ct_phantom
from .spatial.orientation_transforms import reorient
from .volume import Volume

#: Label value -> tissue of the ``"mni"`` sample's label map.
MNI_LABELS: dict[int, str] = {
    0: "background (outside the brain mask)",
    1: "other brain tissue / CSF",
    2: "grey matter",
    3: "white matter",
}

_SAMPLES: dict[str, str] = {
    "epi": "MRI (EPI, functional), 128x96x24 voxels of 2x2x2.2 mm, LAS, arbitrary units, "
    "no label; first volume of nibabel's example4d.nii.gz",
    "mni": "MRI (T1), MNI152 2009 template, 197x233x189 voxels of 1 mm, RAS, arbitrary units "
    "0-255; labels 0 background, 1 other brain/CSF, 2 grey matter, 3 white matter",
    "ct": "synthetic CT phantom (torso), 288x224x64 voxels of 1.25x1.25x2.5 mm, RAS, "
    "Hounsfield units; labels 0 air, 1 fat, 2 soft tissue, 3 lung, 4 liver, 5 bone, 6 vessel",
}

_NILEARN_DATA = "datasets/data"
_MNI_T1 = "mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz"
_MNI_GM = "mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz"
_MNI_WM = "mni_icbm152_wm_tal_nlin_sym_09a_converted.nii.gz"
#: Fraction of the template's maximum above which a voxel is inside the brain mask
#: (the threshold of ``nilearn.datasets.load_mni152_brain_mask``).
_MNI_MASK_THRESHOLD = 0.2


def list_samples() -> dict[str, str]:
    """Names accepted by :func:`load_sample`, each with a one-line description.

    Examples
    --------
    >>> sorted(list_samples())
    ['ct', 'epi', 'mni']
    """
    return dict(_SAMPLES)


def load_sample(name: str) -> Volume:
    """Load a bundled sample volume; nothing is downloaded.

    Parameters
    ----------
    name : {"epi", "mni", "ct"}
        See :func:`list_samples` for what each one is.

    Returns
    -------
    Volume
        A fresh copy each call, so modifying it never affects the next load.

    Examples
    --------
    >>> epi = load_sample("epi")
    >>> epi.shape, epi.axcodes
    ((128, 96, 24), ('L', 'A', 'S'))
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {sorted(_SAMPLES)}; got {describe(name)}")
    loaders = {"epi": _load_epi, "mni": _load_mni, "ct": _load_ct}
    if name not in loaders:
        raise ValueError(f"name must be one of {sorted(_SAMPLES)}; got {name!r}")
    cached = loaders[name]()
    label = None if cached.label is None else cached.label.copy()
    return Volume(cached.image.copy(), cached.affine.copy(), label)


def load_nifti(
    path: str | os.PathLike[str],
    label_path: str | os.PathLike[str] | None = None,
    *,
    canonical: bool = False,
) -> Volume:
    """Load your own NIfTI image (and optional label map on the same grid).

    Parameters
    ----------
    path : path-like
        A 3D ``.nii`` or ``.nii.gz`` file.
    label_path : path-like, optional
        A label map with the same shape and affine. Its values are kept
        exactly in an integer dtype wide enough for them; a float label
        file must hold only finite integers.
    canonical : bool
        Return the volume in RAS orientation (:func:`~tutorial_utils.reorient`,
        exact: axes permuted and flipped, no interpolation). The volume's
        history then holds that ``reorient`` step, with the file's own
        orientation in its ``measured["original_axcodes"]``.

    Raises
    ------
    FileNotFoundError
        A file does not exist.
    ValueError
        A 4D image (the message says how to pick one volume), a label of
        another shape or affine, a label with NaN or non-integer values, or
        a file that cannot be read (truncated, not NIfTI). Every message
        about a file names it.

    Examples
    --------
    >>> import tempfile, os, nibabel as nib, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "x.nii.gz")
    >>> nib.save(nib.Nifti1Image(np.zeros((3, 4, 5), np.int16), np.diag([-1.0, 1, 1, 1])), path)
    >>> load_nifti(path).axcodes, load_nifti(path, canonical=True).axcodes
    (('L', 'A', 'S'), ('R', 'A', 'S'))
    """
    for name, value in (("path", path), ("label_path", label_path)):
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"{name} must be a path; got {describe(value)}")
    if not isinstance(canonical, (bool, np.bool_)):
        raise TypeError(f"canonical must be True or False; got {describe(canonical)}")
    volume = Volume.from_nifti(path, label_path)
    return reorient(volume, axcodes="RAS") if canonical else volume


def _resource(package: str, relative: str) -> str:
    path = files(package).joinpath(relative)
    if not path.is_file():
        raise FileNotFoundError(
            f"bundled sample file {relative!r} is missing from the installed {package} package; "
            f"reinstall it (make test does) or check its version"
        )
    return str(path)


@functools.cache
def _load_epi() -> Volume:
    img = nib.load(_resource("nibabel", "tests/data/example4d.nii.gz"))
    first = np.asanyarray(img.dataobj[..., 0]).astype(np.float32)
    return Volume(first, img.affine)


@functools.cache
def _load_mni() -> Volume:
    t1 = nib.load(_resource("nilearn", f"{_NILEARN_DATA}/{_MNI_T1}"))
    image = np.asanyarray(t1.dataobj).astype(np.float32)
    gm = np.asanyarray(nib.load(_resource("nilearn", f"{_NILEARN_DATA}/{_MNI_GM}")).dataobj)
    wm = np.asanyarray(nib.load(_resource("nilearn", f"{_NILEARN_DATA}/{_MNI_WM}")).dataobj)
    gm = gm.astype(np.float32) / 255.0
    wm = wm.astype(np.float32) / 255.0
    other = np.clip(1.0 - gm - wm, 0.0, 1.0)
    tissue = np.argmax(np.stack([other, gm, wm]), axis=0).astype(np.uint8) + 1
    brain = image > _MNI_MASK_THRESHOLD * image.max()
    label = np.where(brain | (tissue > 1), tissue, 0).astype(np.uint8)
    return Volume(image, t1.affine, label)


@functools.cache
def _load_ct() -> Volume:
    return make_ct_phantom()


__all__ = ["CT_PHANTOM_LABELS", "MNI_LABELS", "list_samples", "load_nifti", "load_sample"]
