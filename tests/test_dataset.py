"""Whole datasets: sample generator, fingerprint and plan, preprocessing on Dask (local, by address, with a crash)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import nibabel as nib
import numpy as np
import pandas as pd
import pytest
from distributed import Client

import tutorial_utils as tu
from tutorial_utils import reorient
from tutorial_utils.dataset import sample
from tutorial_utils.dataset.cases import list_cases
from tutorial_utils.dataset.cluster import run_tasks, start_local_cluster
from tutorial_utils.dataset.fingerprint import DatasetFingerprint
from tutorial_utils.dataset.plan import make_plan
from tutorial_utils.dataset.transforms import ct_normalize_volume

ROOT = Path(__file__).resolve().parents[1]
SCALE = 0.1  # 51 x 51 in-plane, at least 16 slices: fast, yet every code path runs


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return tu.make_sample_dataset(tmp_path_factory.mktemp("raw"), n_cases=6, seed=0, scale=SCALE)


@pytest.fixture(scope="module")
def client():
    with start_local_cluster(2) as cluster, Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def fingerprint(dataset, client):
    return tu.fingerprint_dataset(dataset, client=client, samples_per_case=None, progress=False)


@pytest.fixture(scope="module")
def reference(dataset, fingerprint, client, tmp_path_factory):
    """The plan's outputs computed on the 2-worker cluster: {case: output_hash}, and the folder."""
    out = tmp_path_factory.mktemp("reference")
    manifest = tu.preprocess_dataset(dataset, fingerprint.plan().pipeline(), out, client=client, progress=False)
    assert (manifest["status"] == "done").all()
    return dict(zip(manifest["case"], manifest["output_hash"])), out


def _canonical(path):
    image = nib.as_closest_canonical(nib.load(path))
    return np.asanyarray(image.dataobj), image.affine


# --- the sample dataset ------------------------------------------------------------------------


def test_sample_dataset_is_the_same_for_a_seed_and_differs_for_another(tmp_path):
    first = tu.make_sample_dataset(tmp_path / "a", n_cases=3, seed=5, scale=0.05)
    again = tu.make_sample_dataset(tmp_path / "b", n_cases=3, seed=5, scale=0.05)
    other = tu.make_sample_dataset(tmp_path / "c", n_cases=3, seed=6, scale=0.05)
    files = sorted(p.relative_to(first) for p in first.rglob("*.nii.gz"))
    assert len(files) == 6
    for name in files:
        assert (first / name).read_bytes() == (again / name).read_bytes()
    image = "imagesTr/case_001_0000.nii.gz"
    assert not np.array_equal(nib.load(first / image).get_fdata(), nib.load(other / image).get_fdata())
    meta = json.loads((first / "dataset.json").read_text())
    assert meta["channel_names"] == {"0": "CT"} and meta["labels"]["liver"] == 4 and meta["numTraining"] == 3


def test_sample_orientations_are_true_reorientations_of_the_same_anatomy(dataset):
    codes = {}
    for case in list_cases(dataset):
        image = nib.load(case.image)
        codes[case.name] = "".join(nib.aff2axcodes(image.affine))
        label, affine = _canonical(case.label)
        world = nib.affines.apply_affine(affine, np.argwhere(label == 4)).mean(axis=0)  # liver
        spine = nib.affines.apply_affine(affine, np.argwhere(label == 5)).mean(axis=0)
        assert world[0] > spine[0] + 5, f"{case.name}: the liver must lie on the patient's right (+x)"
    assert set(codes.values()) == {"RAS", "LAS", "LPS"}
    for index in (0, 2):  # LPS and LAS cases against the same case generated in RAS
        parameters = sample.case_parameters(0, index, SCALE)
        ras_image, ras_label = sample._case_images({**parameters, "orientation": "RAS"})
        name = f"case_{index:03d}"
        written, affine = _canonical(dataset / "imagesTr" / f"{name}_0000.nii.gz")
        np.testing.assert_array_equal(written, np.asanyarray(ras_image.dataobj))
        np.testing.assert_allclose(affine, ras_image.affine, atol=1e-4)  # sform is float32
        np.testing.assert_array_equal(
            _canonical(dataset / "labelsTr" / f"{name}.nii.gz")[0], np.asanyarray(ras_label.dataobj)
        )


def test_sample_options_write_a_corrupt_image_and_a_mismatched_label(tmp_path):
    root = tu.make_sample_dataset(tmp_path, n_cases=3, scale=0.05, corrupt=1, mismatch=[2])
    with pytest.raises(EOFError):
        nib.load(root / "imagesTr" / "case_001_0000.nii.gz").get_fdata()
    image, label = (nib.load(root / d / f"case_002{s}.nii.gz") for d, s in (("imagesTr", "_0000"), ("labelsTr", "")))
    assert label.shape[:2] == image.shape[:2] and label.shape[2] == image.shape[2] - 1
    with pytest.raises(ValueError, match="corrupt must hold case indices below n_cases=3"):
        tu.make_sample_dataset(tmp_path / "x", n_cases=3, corrupt=[3])
    with pytest.raises(FileExistsError, match="already holds a dataset"):
        tu.make_sample_dataset(root, n_cases=1)


# --- fingerprint and plan ------------------------------------------------------------------------


def test_fingerprint_agrees_with_a_direct_numpy_computation_over_the_files(dataset, fingerprint):
    spacings, shapes, pooled = [], [], []
    for case in list_cases(dataset):
        image = nib.as_closest_canonical(nib.load(case.image))
        label = np.asanyarray(nib.as_closest_canonical(nib.load(case.label)).dataobj)
        spacings.append(image.header.get_zooms())
        shapes.append(image.shape)
        pooled.append(np.asanyarray(image.dataobj).astype(np.float64)[label > 0])
    pooled = np.concatenate(pooled)
    np.testing.assert_allclose(fingerprint.spacings, spacings, rtol=1e-6)
    np.testing.assert_array_equal(fingerprint.shapes, shapes)
    np.testing.assert_allclose(fingerprint.median_spacing, np.median(spacings, axis=0), rtol=1e-6)
    stats = fingerprint.intensity
    np.testing.assert_allclose([stats["percentile_00_5"], stats["percentile_99_5"]], np.percentile(pooled, [0.5, 99.5]))
    np.testing.assert_allclose([stats["mean"], stats["std"]], [pooled.mean(), pooled.std()], rtol=1e-9)
    assert stats["samples"] == pooled.size
    assert list(fingerprint.cases["axcodes"]) == ["LPS", "RAS", "LAS", "LPS", "RAS", "LAS"]
    offset = fingerprint.cases.set_index("case")["fg_median"]
    assert offset["case_004"] > offset.drop("case_004").max() + 900  # the case stored without -1024


def test_fingerprint_samples_are_reproducible_and_the_summary_saves_as_json(dataset, client, tmp_path):
    first = tu.fingerprint_dataset(dataset, client=client, samples_per_case=50, seed=3, progress=False)
    again = tu.fingerprint_dataset(dataset, client=client, samples_per_case=50, seed=3, progress=False)
    assert all(np.array_equal(first.samples[c], again.samples[c]) for c in first.samples)
    assert first.intensity["samples"] == 300
    saved = json.loads(first.save(tmp_path / "fingerprint.json").read_text())
    assert saved["median_spacing"] == list(first.median_spacing) and len(saved["cases"]) == 6
    assert "spacing z (mm)" in str(first) and "orientations: LAS 2, LPS 2, RAS 2" in str(first)


def _fingerprint(spacings, shapes, modality="CT"):
    rows = [
        {"case": f"c{i}", "status": "done", "spacing_ras": tuple(s), "shape_ras": tuple(n)}
        for i, (s, n) in enumerate(zip(spacings, shapes))
    ]
    samples = {f"c{i}": np.linspace(-1000, 1000, 201, dtype=np.float32) for i in range(len(rows))}
    return DatasetFingerprint(pd.DataFrame(rows), samples, modality)


def test_plan_uses_the_median_spacing_and_nnunets_rule_for_strongly_anisotropic_data(tmp_path):
    plain = make_plan(_fingerprint([(1, 1, 2), (0.8, 0.8, 3), (0.6, 0.6, 2.5)], [(100, 100, 40)] * 3))
    assert plain.target_spacing == (0.8, 0.8, 2.5) and "median spacing of each axis" in plain.notes[0]
    assert plain.shape == (112, 112, 48)  # median resampled shape (100, 100, 40 * 2.5 / 2.5), rounded up to 16
    thick = [(1, 1, z) for z in (5, 6, 6, 8, 10, 10, 10, 4.2, 12, 10)]
    aniso = make_plan(_fingerprint(thick, [(256, 256, 20)] * 10))
    assert aniso.target_spacing[2] == pytest.approx(np.percentile([s[2] for s in thick], 10))
    assert "anisotropic" in aniso.notes[0]
    assert aniso.clip == (-990.0, 990.0) and aniso.mean == 0.0
    mri = make_plan(_fingerprint([(1, 1, 1)], [(64, 64, 64)], modality="T2"))
    assert mri.normalization == "zscore" and "normalize_volume" in repr(mri.pipeline())
    assert tu.PreprocessingPlan.load(aniso.save(tmp_path / "plan.json")) == aniso
    with pytest.raises(ValueError, match="a CT plan needs clip, mean and std"):
        tu.PreprocessingPlan((1, 1, 1), (8, 8, 8), "ct")


def test_plan_steps_record_and_replay_and_agree_with_nibabel_canonical():
    rng = np.random.default_rng(0)
    affine = np.array([[0, 0, -2.0, 10], [-0.9, 0, 0, 5], [0, 1.1, 0.1, -3], [0, 0, 0, 1]])
    volume = tu.Volume(rng.normal(size=(5, 6, 7)).astype(np.float32), affine, rng.integers(0, 3, (5, 6, 7)))
    ras = reorient(volume)
    canonical = nib.as_closest_canonical(nib.Nifti1Image(volume.image, affine))
    np.testing.assert_array_equal(ras.image, canonical.get_fdata(dtype=np.float32))
    np.testing.assert_allclose(ras.affine, canonical.affine)
    out = ct_normalize_volume(ras, low=-1.0, high=1.0, mean=0.5, std=2.0)
    assert [r.name for r in out.history] == ["reorient", "ct_normalize"]
    assert np.array_equal(tu.replay(volume, tu.records_from_json(tu.records_to_json(out.history))).image, out.image)
    with pytest.raises(ValueError, match="std must be > 0"):
        ct_normalize_volume(volume, std=0.0)


# --- preprocessing on Dask ----------------------------------------------------------------------


def test_one_and_two_workers_write_identical_files(dataset, fingerprint, reference, tmp_path):
    hashes, two = reference
    one = tu.preprocess_dataset(dataset, fingerprint.plan().pipeline(), tmp_path, n_workers=1, progress=False)
    assert dict(zip(one["case"], one["output_hash"])) == hashes
    names = sorted(p.name for p in tmp_path.glob("case_*"))
    assert names == sorted(p.name for p in two.glob("case_*")) and len(names) == 18
    assert all((tmp_path / n).read_bytes() == (two / n).read_bytes() for n in names)
    shapes = {nib.load(tmp_path / f"{c}.nii.gz").shape for c in hashes}
    assert shapes == {fingerprint.plan().shape}


def test_resume_skips_done_cases_and_redoes_them_for_a_changed_pipeline(dataset, fingerprint, client, tmp_path):
    plan = fingerprint.plan()
    first = tu.preprocess_dataset(dataset, plan.pipeline(), tmp_path, client=client, progress=False)
    mtimes = {p: p.stat().st_mtime_ns for p in tmp_path.glob("case_*")}
    again = tu.preprocess_dataset(dataset, plan.pipeline(), tmp_path, client=client, progress=False)
    assert set(again["status"]) == {"skipped"} and list(again["output_hash"]) == list(first["output_hash"])
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("case_*")} == mtimes
    smaller = tu.PreprocessingPlan(plan.target_spacing, (32, 32, 16), "ct", plan.clip, plan.mean, plan.std)
    changed = tu.preprocess_dataset(dataset, smaller.pipeline(), tmp_path, client=client, progress=False)
    assert set(changed["status"]) == {"done"}
    assert all(p.stat().st_mtime_ns != mtimes[p] for p in mtimes)
    assert list(tu.read_manifest(tmp_path / "manifest.csv")["status"]) == ["done"] * 6


def test_a_corrupt_scan_and_a_mismatched_label_become_failed_rows(fingerprint, client, tmp_path):
    broken = tu.make_sample_dataset(tmp_path / "raw", n_cases=4, scale=0.05, corrupt=1, mismatch=2)
    with pytest.warns(UserWarning, match="2 of 4 cases failed"):
        manifest = tu.preprocess_dataset(
            broken, fingerprint.plan().pipeline(), tmp_path / "out", client=client, progress=False
        )
    assert list(manifest["status"]) == ["done", "failed", "failed", "done"]
    errors = manifest.set_index("case")["error"]
    assert errors["case_001"].split(":")[0] in {"EOFError", "OSError", "zlib.error", "ImageFileError"}
    assert "label must have the image's shape" in errors["case_002"]
    assert errors["case_000"] == "" and not (tmp_path / "out" / "case_001.nii.gz").exists()
    with pytest.warns(UserWarning, match="2 of 4 cases could not be read"):
        bad = tu.fingerprint_dataset(broken, client=client, progress=False)
    assert list(bad.cases["status"]) == ["done", "failed", "failed", "done"] and len(bad.spacings) == 2


def _dask_command(*args):
    program = Path(sys.executable).with_name("dask")
    return [str(program), *args] if program.exists() else [sys.executable, "-m", "dask", *args]


def test_a_cluster_started_with_the_dask_command_line_programs_gives_the_same_outputs(
    dataset, fingerprint, reference, tmp_path
):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    scheduler_file = tmp_path / "scheduler.json"
    processes = [
        subprocess.Popen(
            _dask_command(
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        processes.append(
            subprocess.Popen(
                _dask_command("worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        with Client(address) as remote:
            remote.wait_for_workers(2, timeout=60)
        assert address.startswith("tcp://127.0.0.1:")
        manifest = tu.preprocess_dataset(
            dataset, fingerprint.plan().pipeline(), tmp_path / "out", client=address, progress=False
        )
        assert dict(zip(manifest["case"], manifest["output_hash"])) == reference[0]
        with Client(address) as remote:
            assert set(remote.run(tu.num_threads).values()) == {1}
            assert len(set(manifest["worker"])) == 2
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def slow_marked_step(volume, *, folder):
    """Leave ``<pid>-<time>`` in ``folder`` and wait half a second: a window to kill this worker mid-case."""
    Path(folder, f"{os.getpid()}-{time.monotonic_ns()}").touch()
    time.sleep(0.5)
    return volume


def test_a_worker_killed_mid_run_is_replaced_and_every_case_still_completes(dataset, fingerprint, reference, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    pipeline = tu.Compose([partial(slow_marked_step, folder=str(markers)), fingerprint.plan().pipeline()])
    killed = []

    def kill_first_worker():
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            for marker in markers.iterdir():
                pid = int(marker.name.split("-")[0])
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                break
            time.sleep(0.05)

    with start_local_cluster(2) as cluster, Client(cluster) as local:
        local.wait_for_workers(2)
        watcher = threading.Thread(target=kill_first_worker)
        watcher.start()
        manifest = tu.preprocess_dataset(dataset, pipeline, tmp_path / "out", client=local, progress=False)
        watcher.join()
    assert killed, "no worker was killed"
    assert set(manifest["status"]) == {"done"}
    assert dict(zip(manifest["case"], manifest["output_hash"])) == reference[0]
    assert len(list(markers.iterdir())) > len(manifest)  # the killed worker's case started again elsewhere


def started_at(task):
    """When this task started (a clock shared by every process of the machine), after which it takes 0.2 s."""
    start = time.monotonic()
    time.sleep(0.2)
    return start


def test_the_largest_cases_start_first_one_per_worker_thread(client):
    """Longest first: whatever order the tasks come in, they start by decreasing priority (the input size)."""
    priorities = [3, 7, 1, 8, 5, 2]
    starts = {}
    for position, start, error in run_tasks(client, started_at, priorities, priorities=priorities, progress=False):
        assert error is None
        starts[priorities[position]] = start
    by_start = sorted(starts, key=starts.get)
    assert set(by_start[:2]) == {8, 7} and set(by_start[2:4]) == {5, 3} and set(by_start[4:]) == {2, 1}
    assert client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.WORKER_SATURATION) == 1.0


def test_augment_and_save_gives_the_same_files_on_a_cluster_and_here(client, tmp_path):
    volume = tu.make_ct_phantom(shape=(20, 18, 16))
    here = tu.augment_and_save([volume] * 3, tu.random_flip, tmp_path / "here", seed=2, progress=False)
    there = tu.augment_and_save([volume] * 3, tu.random_flip, tmp_path / "there", seed=2, client=client, progress=False)
    for a, b in zip(here, there):
        assert a["image"].name == b["image"].name and a["image"].read_bytes() == b["image"].read_bytes()
    with pytest.raises(ValueError, match="processes .* or client, not both"):
        tu.augment_and_save([volume], tu.random_flip, tmp_path, processes=2, client=client)


def test_bad_arguments_are_refused_with_clear_messages(dataset, tmp_path):
    with pytest.raises(ValueError, match="has no imagesTr folder"):
        tu.preprocess_dataset(tmp_path, tu.Compose([]), tmp_path / "out")
    with pytest.raises(ValueError, match="distinct names"):
        list_cases([("a/x_0000.nii.gz", None), ("b/x.nii.gz", None)])
    with pytest.raises(TypeError, match="client must be None"):
        tu.preprocess_dataset(dataset, tu.Compose([]), tmp_path / "out", client=3, progress=False)
    with pytest.raises(TypeError, match="pipeline must be a callable"):
        tu.preprocess_dataset(dataset, "resample", tmp_path / "out")


# --- the notebook's exercises -------------------------------------------------------------------
