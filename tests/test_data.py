"""Offline samples, the synthetic CT phantom and loading a reader's own NIfTI files."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest

from tutorial_utils import (
    CT_PHANTOM_LABELS,
    MNI_LABELS,
    list_samples,
    load_nifti,
    load_sample,
    make_ct_phantom,
)


def test_list_samples_describes_every_loadable_sample():
    samples = list_samples()
    assert set(samples) == {"epi", "mni", "ct"}
    assert all(isinstance(text, str) and len(text) > 20 for text in samples.values())


def test_epi_is_the_first_volume_of_nibabels_example4d():
    from importlib.resources import files

    epi = load_sample("epi")
    reference = nib.load(str(files("nibabel") / "tests/data/example4d.nii.gz"))
    assert epi.shape == (128, 96, 24)
    assert epi.spacing == pytest.approx((2.0, 2.0, 2.2), abs=1e-5)
    assert epi.axcodes == ("L", "A", "S")
    np.testing.assert_array_equal(epi.image, reference.get_fdata()[..., 0])
    np.testing.assert_allclose(epi.affine, reference.affine)
    assert epi.label is None


def test_mni_is_the_1mm_template_with_four_tissue_labels():
    mni = load_sample("mni")
    assert mni.shape == (197, 233, 189)
    assert mni.spacing == pytest.approx((1.0, 1.0, 1.0))
    assert mni.axcodes == ("R", "A", "S")
    assert set(np.unique(mni.label)) == set(MNI_LABELS)
    counts = np.bincount(mni.label.ravel())
    assert 0.9e6 < counts[2] < 1.3e6  # grey matter
    assert 0.5e6 < counts[3] < 0.8e6  # white matter
    # White matter is brighter than grey matter on a T1.
    assert mni.image[mni.label == 3].mean() > mni.image[mni.label == 2].mean()


def test_each_load_is_a_fresh_copy():
    first = load_sample("epi")
    first.image[...] = 0
    assert load_sample("epi").image.max() > 0


def test_unknown_sample_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"name must be one of \['ct', 'epi', 'mni'\]; got 'brain'"):
        load_sample("brain")
    with pytest.raises(TypeError, match="name must be a string"):
        load_sample(1)


@pytest.fixture(scope="module")
def ct():
    return load_sample("ct")


def test_ct_sample_is_the_default_phantom_with_anisotropic_spacing(ct):
    assert ct.shape == (288, 224, 64)
    assert ct.spacing == pytest.approx((1.25, 1.25, 2.5))
    assert ct.axcodes == ("R", "A", "S")
    assert set(np.unique(ct.label)) == set(CT_PHANTOM_LABELS)


@pytest.mark.parametrize(
    ("label", "low", "high"),
    [(0, -1050, -950), (1, -150, -50), (2, 20, 60), (4, 30, 90), (6, 150, 350)],
)
def test_ct_phantom_tissues_have_their_hounsfield_values(ct, label, low, high):
    values = ct.image[ct.label == label]
    assert low < values.mean() < high
    assert np.percentile(values, 1) > low - 40 and np.percentile(values, 99) < high + 40


def test_ct_phantom_lung_has_texture_a_lung_window_shows(ct):
    lung = ct.image[ct.label == 3]
    assert -900 < np.median(lung) < -800 and -900 < lung.mean() < -800  # still air-filled lung
    low, high = np.percentile(lung, [5, 95])
    assert high - low > 80  # parenchyma varies: grey levels in a lung window, not one flat grey
    assert 0.005 < (lung > -500).mean() < 0.05  # a sparse network of vessels ...
    assert np.percentile(lung, 99.9) > -100  # ... whose centres reach soft-tissue values
    j = np.nonzero(ct.label == 3)[1]
    back = j < np.median(j)
    assert lung[back].mean() > lung[~back].mean() + 10  # the dependent (posterior) lung is denser


def test_ct_phantom_without_lung_texture_has_a_uniform_lung_and_the_same_noise():
    plain = make_ct_phantom(shape=(48, 40, 16), lung_texture=False)
    textured = make_ct_phantom(shape=(48, 40, 16))
    lung = plain.label == 3
    assert -900 < plain.image[lung].mean() < -800 and plain.image[lung].std() < 12
    np.testing.assert_array_equal(plain.image[~lung], textured.image[~lung])
    np.testing.assert_array_equal(plain.label, textured.label)
    assert not np.array_equal(plain.image[lung], textured.image[lung])


def test_ct_phantom_bone_spans_cancellous_to_cortical(ct):
    bone = ct.image[ct.label == 5]
    assert np.percentile(bone, 5) < 400 and np.percentile(bone, 95) > 1000
    assert bone.min() > 250 and bone.max() < 1600


def test_ct_phantom_liver_is_on_the_patients_right(ct):
    i_liver = np.nonzero(ct.label == 4)[0].mean()
    right = nib.affines.apply_affine(ct.affine, [i_liver, 0, 0])[0]
    assert right > 0  # RAS+: positive x is the patient's right


def test_same_seed_gives_the_same_phantom_and_another_seed_other_noise():
    a = make_ct_phantom(shape=(32, 32, 16), rng=3)
    b = make_ct_phantom(shape=(32, 32, 16), rng=3)
    c = make_ct_phantom(shape=(32, 32, 16), rng=4)
    np.testing.assert_array_equal(a.image, b.image)
    np.testing.assert_array_equal(a.label, c.label)
    assert not np.array_equal(a.image, c.image)


def test_phantom_without_noise_has_exact_tissue_values():
    ct = make_ct_phantom(shape=(32, 32, 16), noise_std=0)
    assert set(np.unique(ct.image[ct.label == 2])) == {40.0}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"shape": (8, 32, 32)}, "at least 16"), ({"spacing": (1, 0, 1)}, "spacing"), ({"noise_std": -1}, "noise_std")],
)
def test_phantom_refuses_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_ct_phantom(**kwargs)
    with pytest.raises(TypeError, match="lung_texture must be True or False"):
        make_ct_phantom(shape=(16, 16, 16), lung_texture="yes")


def test_load_nifti_reads_image_and_label(tmp_path):
    affine = np.diag([0.8, 0.8, 3.0, 1.0])
    nib.save(nib.Nifti1Image(np.ones((4, 5, 6), np.int16), affine), tmp_path / "ct.nii.gz")
    nib.save(nib.Nifti1Image(np.eye(4, 5)[..., None].repeat(6, 2).astype(np.uint8), affine), tmp_path / "seg.nii.gz")
    vol = load_nifti(tmp_path / "ct.nii.gz", tmp_path / "seg.nii.gz")
    assert vol.spacing == pytest.approx((0.8, 0.8, 3.0))
    assert vol.label.sum() == 4 * 6


def test_load_nifti_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.nii.gz"):
        load_nifti(tmp_path / "nope.nii.gz")
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 4, 3), np.float32), np.eye(4)), tmp_path / "series.nii.gz")
    with pytest.raises(ValueError, match="pick one volume"):
        load_nifti(tmp_path / "series.nii.gz")
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 4), np.float32), np.eye(4)), tmp_path / "img.nii.gz")
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 5), np.uint8), np.eye(4)), tmp_path / "lab.nii.gz")
    with pytest.raises(ValueError, match="label must have the image's shape"):
        load_nifti(tmp_path / "img.nii.gz", tmp_path / "lab.nii.gz")
    with pytest.raises(TypeError, match="path must be a path"):
        load_nifti(42)
