"""preprocess_dataset never silent (issue 22): outputs apart from inputs and from each other, resume keyed on
what actually ran and on whole files, no stale outputs after a failure, a garbled manifest explained, and a
killed worker survived while a Client of the user's own is open."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from functools import partial
from pathlib import Path

import dask
import nibabel as nib
import numpy as np
import pandas as pd
import pytest
from distributed import Client

import tutorial_utils as tu
from tutorial_utils.dataset.cluster import dask_client, run_tasks, start_local_cluster


@pytest.fixture(scope="module")
def client():
    """A Client of the user's own, open for the whole module (the setting of the Dask test, too)."""
    with start_local_cluster(2) as cluster, Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return tu.make_sample_dataset(tmp_path_factory.mktemp("raw"), n_cases=3, seed=0, scale=0.05)


def image_total(path) -> int:
    return round(float(tu.load_nifti(path).image.astype(np.float64).sum()))


def resample(volume, *, spacing):
    return tu.resample_to_spacing(volume, spacing=spacing)


def fail_on(volume, *, total):
    """Fail on the case whose image sums to ``total`` (a way to pick one case inside a pipeline)."""
    if round(float(volume.image.astype(np.float64).sum())) == total:
        raise ValueError("this case fails on purpose")
    return volume


def kill_worker_on(volume, *, total):
    """Kill the worker process that runs the case whose image sums to ``total``."""
    if round(float(volume.image.astype(np.float64).sum())) == total:
        os.kill(os.getpid(), signal.SIGKILL)
    return volume


def run(cases, pipeline, out, client, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the "n cases failed" warning; the rows say it
        return tu.preprocess_dataset(cases, pipeline, out, client=client, progress=False, **kwargs)


# --- 1, 2: outputs never touch inputs or each other ----------------------------------------------


def write_pair(folder: Path, name: str, label: bool = True) -> tuple[Path, Path | None]:
    volume = tu.make_ct_phantom(shape=(16, 16, 16))
    folder.mkdir(parents=True, exist_ok=True)
    image_nii, label_nii = volume.to_nifti()
    nib.save(image_nii, folder / f"{name}.nii.gz")
    if label:
        nib.save(label_nii, folder / f"{name}_label.nii.gz")
    return folder / f"{name}.nii.gz", (folder / f"{name}_label.nii.gz" if label else None)


@pytest.mark.parametrize("where", ["the folder of", "inside the folder of", "a folder that holds"])
def test_an_out_dir_that_would_overwrite_or_mix_with_the_inputs_is_refused_before_anything_is_written(tmp_path, where):
    """On main, out_dir = the scans' folder replaced ct1.nii.gz and ct1_label.nii.gz and the row said done."""
    image, label = write_pair(tmp_path / "scans", "ct1")
    before = {p.name: p.read_bytes() for p in (image, label)}
    out = {
        "the folder of": tmp_path / "scans",
        "inside the folder of": tmp_path / "scans" / "out",
        "a folder that holds": tmp_path,
    }[where]
    with pytest.raises(ValueError, match=rf"out_dir .* must lie apart from the inputs, but it is {where} the image"):
        tu.preprocess_dataset([(image, label)], tu.Compose([]), out, n_workers=1, progress=False)
    assert {p.name: p.read_bytes() for p in (image, label)} == before
    assert not (tmp_path / "scans" / "manifest.csv").exists() and not (tmp_path / "scans" / "out").exists()


def test_two_cases_that_would_write_one_file_are_refused_naming_both_before_any_work(tmp_path):
    """Images and labels side by side, globbed: case 'scan' (its label output) and case 'scan_label' collided."""
    image, label = write_pair(tmp_path / "scans", "scan")
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=r"cases 'scan' and 'scan_label' would both write 'scan_label\.nii\.gz'"):
        tu.preprocess_dataset([(image, label), (label, None)], tu.Compose([]), out, n_workers=1, progress=False)
    assert not out.exists()
    upper = tmp_path / "other" / "SCAN.nii.gz"
    upper.parent.mkdir()
    shutil.copy(image, upper)
    with pytest.raises(ValueError, match="cases 'scan' and 'SCAN' would both write 'SCAN.nii.gz'"):
        tu.preprocess_dataset([(image, None), (upper, None)], tu.Compose([]), out, n_workers=1, progress=False)


# --- 3: resume keyed on what actually ran --------------------------------------------------------


def lambda_pipeline(spacing):
    return tu.Compose([tu.Compose([tu.RandomApply(lambda volume: resample(volume, spacing=spacing), p=1.0)])])


def local_function_pipeline(spacing):
    def step(volume):
        return resample(volume, spacing=spacing)

    return tu.Compose([tu.OneOf([step])])


def partial_pipeline(spacing):
    return tu.Compose([tu.Compose([partial(resample, spacing=spacing)])])


@pytest.mark.parametrize("make", [lambda_pipeline, local_function_pipeline, partial_pipeline])
def test_resume_redoes_every_case_when_a_nested_step_changes_and_skips_them_when_nothing_did(
    dataset, client, tmp_path, make
):
    """On main a nested step was recorded by its __name__ only: 4 mm -> 3 mm, resume said 'skipped' and kept 4 mm."""
    first = run(dataset, make(4.0), tmp_path, client)
    assert set(first["status"]) == {"done"}
    again = run(dataset, make(4.0), tmp_path, client)
    assert set(again["status"]) == {"skipped"}
    changed = run(dataset, make(3.0), tmp_path, client)
    assert set(changed["status"]) == {"done"}
    spacings = {tuple(np.round(tu.load_nifti(p).spacing, 3)) for p in changed["output_image"]}
    assert spacings == {(3.0, 3.0, 3.0)}


def test_an_edited_function_body_changes_the_hash_and_the_same_code_in_a_new_session_does_not():
    """Functions are hashed by their compiled code, closure and defaults: not by name, not by line or file."""
    script = textwrap.dedent(
        """
        import tutorial_utils as tu
        from tutorial_utils.dataset.identity import pipeline_hash
        SPACING = {spacing}
        def step(volume):
            return tu.resample_to_spacing(volume, spacing=SPACING)
        print(pipeline_hash(tu.Compose([step, lambda volume: tu.resample_to_spacing(volume, {spacing})])).digest)
        """
    )
    digests = []
    for spacing, padding in ((4.0, ""), (4.0, "\n\n\n"), (3.0, "")):
        result = subprocess.run(
            [sys.executable, "-c", padding + script.format(spacing=spacing)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(Path(tu.__file__).parents[1]), "PYTHONHASHSEED": str(len(digests))},
        )
        digests.append(result.stdout.strip())
    assert digests[0] == digests[1] != digests[2]
    from tutorial_utils.dataset.identity import pipeline_hash

    def make(offset):
        def brighten(volume):
            return volume.replace(image=volume.image + offset)

        return brighten

    assert pipeline_hash(make(1.0)) == pipeline_hash(make(1.0)) != pipeline_hash(make(2.0))
    assert pipeline_hash(tu.IntensityModel((0.0, 1.0), (1.0, 1.0), (0.5, 0.5))) != pipeline_hash(
        tu.IntensityModel((0.0, 1.0), (1.0, 2.0), (0.5, 0.5))
    )


def test_an_object_that_cannot_be_identified_makes_resume_redo_every_case_with_a_warning(dataset, client, tmp_path):
    from tutorial_utils.dataset.identity import pipeline_hash

    class Opaque:
        __slots__ = ()

        def __call__(self, volume):
            return volume

    assert pipeline_hash(tu.Compose([Opaque()])).unidentified
    run(dataset, tu.Compose([Opaque()]), tmp_path, client)
    with pytest.warns(UserWarning, match="resume cannot tell whether .*Opaque object.* every case is done again"):
        again = tu.preprocess_dataset(dataset, tu.Compose([Opaque()]), tmp_path, client=client, progress=False)
    assert set(again["status"]) == {"done"}


# --- 10: an output is trusted on resume only when whole ------------------------------------------


def test_a_truncated_or_replaced_output_is_redone_on_resume(dataset, client, tmp_path):
    """On main a file cut in half was 'skipped', then EOFError on load."""
    pipeline = partial_pipeline(4.0)
    first = run(dataset, pipeline, tmp_path, client)
    truncated = Path(first["output_image"][0])
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    replaced = Path(first["output_history"][1])
    replaced.write_text(replaced.read_text().replace("4.0", "5.0"))  # same size, other bytes
    again = run(dataset, pipeline, tmp_path, client)
    assert list(again["status"]) == ["done", "done", "skipped"]
    rows = pd.read_csv(tmp_path / "manifest.csv", dtype=str, keep_default_na=False)
    rows.loc[2, "output_bytes"] = ""  # a row that vouches for no size: not trusted either
    rows.to_csv(tmp_path / "manifest.csv", index=False)
    assert list(run(dataset, pipeline, tmp_path, client)["status"]) == ["skipped", "skipped", "done"]
    assert list(again["output_sha256"]) == list(first["output_sha256"])
    assert list(again["output_hash"]) == list(first["output_hash"])
    assert tu.load_nifti(truncated).shape == nib.load(first["output_image"][0]).shape


# --- 7: a case that fails in a rerun leaves no stale outputs --------------------------------------


def test_a_case_that_fails_in_a_rerun_has_its_stale_outputs_removed_and_its_row_says_so(dataset, client, tmp_path):
    """On main case_001.nii.gz, _label and _history.json of the earlier pipeline stayed in out_dir."""
    run(dataset, partial_pipeline(4.0), tmp_path, client)
    total = image_total(Path(dataset, "imagesTr", "case_001_0000.nii.gz"))
    rerun = run(dataset, tu.Compose([partial(fail_on, total=total), partial(resample, spacing=3.0)]), tmp_path, client)
    assert list(rerun["status"]) == ["done", "failed", "done"]
    error = rerun.set_index("case")["error"]["case_001"]
    assert error.startswith("ValueError: this case fails on purpose")
    assert (
        "removed the outputs of an earlier run: case_001.nii.gz, case_001_label.nii.gz, case_001_history.json" in error
    )
    assert sorted(p.name for p in tmp_path.glob("case_001*")) == []
    assert len(list(tmp_path.glob("case_00[02]*"))) == 6
    assert tu.read_manifest(tmp_path / "manifest.csv").set_index("case")["error"]["case_001"] == error


def test_a_case_done_without_its_label_this_time_leaves_no_stale_label_output(dataset, client, tmp_path):
    pairs = [
        (image, Path(dataset, "labelsTr", image.name.replace("_0000", "")))
        for image in sorted(Path(dataset, "imagesTr").iterdir())
    ]
    run(pairs, partial_pipeline(4.0), tmp_path, client)
    assert (tmp_path / "case_000_label.nii.gz").exists()
    without = run([(pairs[0][0], None), *pairs[1:]], partial_pipeline(4.0), tmp_path, client)
    assert list(without["status"]) == ["done", "skipped", "skipped"]
    assert not (tmp_path / "case_000_label.nii.gz").exists()


# --- 11: a manifest that cannot be read -----------------------------------------------------------


def garble(path: Path, how: str) -> None:
    text = path.read_text()
    header, *rows = text.splitlines()
    columns = header.split(",")
    if how == "empty":
        path.write_text("")
    elif how == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe" * 50)
    elif how == "missing column":
        path.write_text(text.replace("pipeline_hash", "pipeline_digest", 1))
    elif how in ("nan index", "zero index", "bad status", "ragged"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if how == "nan index":
            frame.loc[1, "index"] = "nan"
        elif how == "zero index":
            frame.loc[0, "index"] = "zero"
        elif how == "bad status":
            frame.loc[2, "status"] = "finished"
        frame.to_csv(path, index=False)
        if how == "ragged":
            path.write_text("\n".join([header, *rows, ",".join(["x"] * (len(columns) + 4))]) + "\n")
    else:
        raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "what"),
    [
        ("empty", "the file is empty"),
        ("binary", "it is not (text|a CSV table)"),
        ("missing column", r"columns \['pipeline_hash'\] are missing"),
        ("nan index", r"column 'index' holds 'nan' in row 1 \(line 3\); expected an integer"),
        ("zero index", r"column 'index' holds 'zero' in row 0 \(line 2\); expected an integer"),
        ("bad status", r"column 'status' holds 'finished' in row 2"),
        ("ragged", "not a CSV table"),
    ],
)
def test_a_garbled_manifest_gives_one_value_error_naming_it_what_is_wrong_and_the_remedy(
    dataset, client, tmp_path, how, what
):
    """On main: EmptyDataError, 'Unable to parse string ...', raw from pandas, naming neither file nor remedy."""
    run(dataset, partial_pipeline(4.0), tmp_path, client)
    manifest = tmp_path / "manifest.csv"
    garble(manifest, how)
    pattern = (
        rf"manifest '{re.escape(str(manifest))}' cannot be read: .*{what}.*Rerun with resume=False.*move the file away"
    )
    for call in (
        lambda: tu.read_manifest(manifest),
        lambda: tu.preprocess_dataset(dataset, partial_pipeline(4.0), tmp_path, client=client, progress=False),
    ):
        with pytest.raises(ValueError, match=pattern) as raised:
            call()
        error = raised.value
        assert type(error) is ValueError and error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__  # no pandas traceback above ours
    assert set(run(dataset, partial_pipeline(4.0), tmp_path, client, resume=False)["status"]) == {"done"}


# --- 6: a killed worker while the user's own Client is open ---------------------------------------


def quick_or_killing(kind: str) -> str:
    """Return ``kind`` at once, or (``"kill"``) kill this worker half a second later."""
    if kind == "kill":
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)
    return kind


def test_run_tasks_keeps_a_finished_result_that_a_killed_worker_took_with_it(client):
    """Reduced: one worker finishes A and B, then dies on K while the caller is still busy with A.

    On main, run_tasks fetched B with future.result() only when the caller asked for it, after the worker
    (and B's result with it) was gone, and with the user's Client open that raised RuntimeError ('... bound to
    a different event loop'). Now as_completed gathers each result as soon as its task finishes.
    """
    assert client.status == "running"  # the user's own Client, open in this process
    got = {}
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), dask_client(None, n_workers=1) as own:
        results = run_tasks(own, quick_or_killing, ["A", "B", "kill"], progress=False, priorities=[3, 2, 1])
        for position, result, error in results:
            got[position] = (result, type(error).__name__ if error is not None else None)
            if position == 0:
                time.sleep(1.5)  # the caller is slow (writing the manifest, say): K kills the worker meanwhile
    assert got == {0: ("A", None), 1: ("B", None), 2: (None, "KilledWorker")}


def test_a_case_that_kills_its_worker_becomes_a_failed_row_while_a_users_client_is_open(client, tmp_path):
    """On main: RuntimeError '<asyncio.locks.Event ...> is bound to a different event loop', the whole run lost.

    Each death of a worker loses the results it held for cases it had finished; whether the client had fetched
    them already is a race, which the test above takes out.
    """
    assert client.status == "running"  # the user's own Client, open in this process
    dataset = tu.make_sample_dataset(tmp_path / "raw", n_cases=6, seed=1, scale=0.05)
    total = image_total(Path(dataset, "imagesTr", "case_003_0000.nii.gz"))
    pipeline = tu.Compose([partial(kill_worker_on, total=total), partial(resample, spacing=4.0)])
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):  # two deaths, not four: a shorter test
        manifest = run(dataset, pipeline, tmp_path / "out", None, n_workers=2)
    assert list(manifest["status"]) == ["done"] * 3 + ["failed"] + ["done"] * 2
    assert manifest["error"][3].startswith("KilledWorker")
    assert client.status == "running" and len(client.scheduler_info()["workers"]) == 2  # the user's client untouched
