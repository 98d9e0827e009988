"""The capstone experiment: what do preprocessing and augmentation buy on scans from another hospital?

Usage::

    python tools/capstone.py            # run, print the table (results in a temporary folder)
    python tools/capstone.py --write    # run and write benchmarks/capstone/ (CSV, figure, checkpoints)
    python tools/capstone.py --quick    # a smoke run in a minute: 1 seed, 4 iterations, 2 test scans

Needs PyTorch (``pip install -e ".[torch]"``); nothing is downloaded. What it does:

1. **data**: ``tu.make_sample_dataset`` (14 cases, scale 0.25) plays the training hospital;
   cases 0-9 train, cases 10-13 test on the same site. The cases stored without the
   -1024 HU intercept are left out (notebook 09 finds them in the fingerprint).
   ``tu.make_heldout_scan`` plays another hospital: 6 scans in orientations the
   training data never shows, thick slices, HU offsets and more noise.
2. **settings** (``tutorial_utils.nets.capstone``): (a) raw arrays resized to one shape,
   z-scored per scan; (b) the dataset plan (reorient, resample, CT normalization),
   preprocessed on Dask with ``tu.preprocess_dataset``; (c) (b) plus augmentation.
3. **training**: the same ``UNet3d`` (8-16-32 feature maps, deep supervision) for
   ``--iterations`` batches of 2 patches of 48 x 48 x 32 voxels, one run per seed, the
   samples prepared by ``--workers`` DataLoader workers; checkpoints saved atomically.
4. **evaluation**: every test scan is predicted patch by patch, brought back to its own
   grid with ``tu.invert`` and scored with ``tu.segmentation_metrics`` (Dice, HD95 in mm,
   volume error in mL), per class (lung, liver).
5. **report** (``--report`` redoes it from the committed CSV files): per setting, the mean over test scans for each seed, then mean +- sd over
   the seeds; a difference between two settings counts as larger than the seed-to-seed
   spread when it exceeds the sum of their two standard deviations.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import tutorial_utils as tu
from tutorial_utils import capstone, nets

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "capstone"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
sys.path.insert(0, str(ROOT / "benchmarks"))  # the benchmark scripts' one RESULTS.md section writer
from timing import write_section  # noqa: E402

N_CASES, N_TRAIN, N_HELDOUT, SCALE = 14, 10, 6, 0.25
FEATURES = (8, 16, 32)
METRICS, SITES = capstone.METRICS, capstone.SITES


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write results, figure and checkpoints to {OUT}")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--iterations", type=int, default=250)
    parser.add_argument("--workers", type=int, default=1, help="DataLoader worker processes (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch threads for the network (default 1)")
    parser.add_argument("--settings", nargs="+", default=list(capstone.SETTINGS), choices=list(capstone.SETTINGS))
    parser.add_argument("--quick", action="store_true", help="smoke run: seed 0, 4 iterations, 2 test scans per site")
    parser.add_argument(
        "--report", action="store_true", help=f"no training: redo the summary, figure and RESULTS.md section from {OUT}"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.iterations = [0], 4
    return args


def prepare_data(work: Path, quick: bool) -> dict:
    """Training volumes per setting, test scans per site, and the plan."""
    raw = tu.make_sample_dataset(work / "raw", n_cases=N_CASES, seed=0, scale=SCALE)
    pairs = [
        (raw / "imagesTr" / f"case_{i:03d}_0000.nii.gz", raw / "labelsTr" / f"case_{i:03d}.nii.gz")
        for i in range(N_CASES)
    ]
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        fingerprint = tu.fingerprint_dataset(pairs, client=client, progress=False)
        cases = fingerprint.cases
        offset = cases["fg_median"] > cases["fg_median"].median() + 500  # stored without the -1024 intercept
        kept = [i for i in range(N_CASES) if not offset.iloc[i]]
        train_ids = [i for i in kept if i < N_TRAIN]
        test_ids = [i for i in kept if i >= N_TRAIN]
        plan = tu.fingerprint_dataset([pairs[i] for i in train_ids], client=client, progress=False).plan()
        tu.preprocess_dataset(
            [pairs[i] for i in train_ids], plan.pipeline(), work / "preprocessed", client=client, progress=False
        )
    preprocessed = [
        tu.load_nifti(
            work / "preprocessed" / f"case_{i:03d}.nii.gz", work / "preprocessed" / f"case_{i:03d}_label.nii.gz"
        )
        for i in train_ids
    ]
    naive = capstone.naive_preprocessing(plan.shape)
    raw_train = [tu.load_nifti(*pairs[i]) for i in train_ids]
    n_test = 2 if quick else None
    tests = {
        "same": {f"case_{i:03d}": capstone.to_classes(tu.load_nifti(*pairs[i])) for i in test_ids[:n_test]},
        "other": {
            f"heldout_{i}": capstone.to_classes(tu.make_heldout_scan(i, seed=0, scale=SCALE))
            for i in range(N_HELDOUT)[:n_test]
        },
    }
    return {
        "plan": plan,
        "train": {
            "a": [capstone.to_classes(naive(v)) for v in raw_train],
            "b": [capstone.to_classes(v) for v in preprocessed],
            "c": [capstone.to_classes(v) for v in preprocessed],
        },
        "preprocess": {
            "a": naive,
            "b": capstone.inference_preprocessing(plan),
            "c": capstone.inference_preprocessing(plan),
        },
        "transform": {"a": capstone.patch_sampler(), "b": capstone.patch_sampler(), "c": capstone.augmentation()},
        "tests": tests,
        "train_ids": train_ids,
        "left_out": [i for i in range(N_CASES) if offset.iloc[i]],
    }


def run(args: argparse.Namespace, data: dict, checkpoints: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train and evaluate every setting and seed; returns the per-scan metrics and the training runs."""
    rows, runs = [], []
    for setting in args.settings:
        for seed in args.seeds:
            nets.seed_everything(seed)
            net = nets.UNet3d(1, len(capstone.CLASSES) + 1, features=FEATURES, deep_supervision=True)
            loader = nets.make_loader(
                data["train"][setting], data["transform"][setting], iterations=args.iterations, batch_size=2,
                num_workers=args.workers, seed=seed,
            )  # fmt: skip
            print(f"setting {setting} ({capstone.SETTINGS[setting]}), seed {seed}", flush=True)
            result = nets.train(
                net, loader, checkpoint=checkpoints / f"{setting}_seed{seed}.pt", progress=True,
                info={"setting": setting, "seed": seed, "patch": list(capstone.PATCH)},
            )  # fmt: skip
            runs.append({"setting": setting, "seed": seed, "seconds": result.seconds,
                         "final_loss": float(np.mean(result.losses[-20:]))})  # fmt: skip
            for site, scans in data["tests"].items():
                for name, scan in scans.items():
                    table = nets.evaluate(net, scan, data["preprocess"][setting])
                    table.insert(0, "scan", name)
                    table.insert(0, "site", site)
                    table.insert(0, "seed", seed)
                    table.insert(0, "setting", setting)
                    rows.append(table)
            print(f"  {result.seconds:.0f} s, final loss {runs[-1]['final_loss']:.3f}", flush=True)
    results = pd.concat(rows, ignore_index=True)
    results["abs_volume_error_ml"] = results["volume_error_ml"].abs()
    return results, pd.DataFrame(runs)


def figure(results: pd.DataFrame, path: Path) -> None:
    """Per site (rows) and metric (columns): the mean over test scans of every seed (dots) and their mean (bars)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_seed = results.groupby(["setting", "site", "name", "seed"])[list(METRICS)].mean().reset_index()
    settings = sorted(per_seed["setting"].unique())
    colors = {"a": "#bbbbbb", "b": "#4c72b0", "c": "#dd8452"}
    fig, axes = plt.subplots(2, len(METRICS), figsize=(9.5, 5.6), dpi=100, sharex=True)
    for r, site in enumerate(SITES):
        for c, (metric, label) in enumerate(METRICS.items()):
            ax = axes[r, c]
            for k, name in enumerate(capstone.CLASSES.values()):
                for s, setting in enumerate(settings):
                    chosen = (per_seed["site"] == site) & (per_seed["name"] == name) & (per_seed["setting"] == setting)
                    values = per_seed.loc[chosen, metric]
                    x = k + (s - (len(settings) - 1) / 2) * 0.26
                    ax.bar(
                        x,
                        values.mean(),
                        width=0.24,
                        color=colors[setting],
                        label=f"({setting}) {capstone.SETTINGS[setting]}" if (k, r, c) == (0, 0, 0) else None,
                    )
                    ax.plot(np.full(len(values), x), values, "k.", ms=4)
            ax.set_xticks(range(len(capstone.CLASSES)), list(capstone.CLASSES.values()))
            ax.set_title(f"{label}\n{SITES[site]}" if c == 1 else label, fontsize=9)
            if metric == "dice":
                ax.set_ylim(0, 1)
    fig.legend(loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle("Held-out test scans: bars = mean over seeds, dots = one seed (mean over the scans)", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    fig.savefig(path)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.report:
        report(OUT)
        write_section(RESULTS, "capstone", section(OUT))
        return
    # One thread for the network, the loader's worker on the other core: PyTorch's OpenMP threads wait by
    # spinning, and more busy threads than cores (2 network threads + a worker on 2 cores) slow every step
    # several times over; on a shared machine far more (measured: 17 s against 2.8 s per step at load 10).
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tu_capstone_") as tmp:
        work = Path(tmp)
        out = OUT if args.write else work / "out"
        checkpoints = out / "checkpoints"
        checkpoints.mkdir(parents=True, exist_ok=True)
        data = prepare_data(work, args.quick)
        print(f"training cases {data['train_ids']} (left out, stored without the HU intercept: {data['left_out']}); "
              f"plan: {data['plan'].target_spacing} mm, {data['plan'].shape}", flush=True)  # fmt: skip
        results, runs = run(args, data, checkpoints)
        minutes = (time.perf_counter() - started) / 60
        results.to_csv(out / "results.csv", index=False, float_format="%.5g")
        runs.to_csv(out / "runs.csv", index=False, float_format="%.4g")
        report(out)
        sizes = {p.name: p.stat().st_size for p in sorted(checkpoints.glob("*.pt"))}
        run_info = {
            "command": "python tools/capstone.py " + " ".join(sys.argv[1:] if argv is None else argv),
            "minutes": round(minutes, 1),
            "load_average": {"start": round(load_start, 1), "end": round(os.getloadavg()[0], 1)},
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "iterations": args.iterations,
            "seeds": args.seeds,
            "workers": args.workers,
            "threads": args.threads,
            "checkpoint_bytes": sizes,
        }
        (out / "run.json").write_text(json.dumps(run_info, indent=2) + "\n")
        print(f"{minutes:.1f} min; checkpoints {sum(sizes.values()) / 1e6:.2f} MB in {len(sizes)} files")
        if args.write:
            write_section(RESULTS, "capstone", section(out))
        else:
            shutil.rmtree(out)


def report(out: Path) -> None:
    """From ``results.csv`` and ``runs.csv`` in ``out``: ``summary.csv``, the figure, the table printed."""
    results, runs = pd.read_csv(out / "results.csv"), pd.read_csv(out / "runs.csv")
    summary = capstone.summarize(results, runs)
    summary.to_csv(out / "summary.csv", index=False, float_format="%.5g")
    figure(results, out / "capstone.png")
    print(capstone.markdown(summary))
    print("\n".join(capstone.comparisons(summary)))


def section(out: Path) -> str:
    """The RESULTS.md section of the committed experiment."""
    run_info = json.loads((out / "run.json").read_text())
    summary = pd.read_csv(out / "summary.csv")
    megabytes = sum(run_info["checkpoint_bytes"].values()) / 1e6
    return "\n".join(
        [
            "## Capstone experiment: what preprocessing and augmentation buy (`tools/capstone.py`)",
            "",
            f"Generated by `{run_info['command'].strip()}` in {run_info['minutes']} min on {run_info['cpus']} CPUs "
            f"(1-minute load average {run_info['load_average']['start']} at the start, {run_info['load_average']['end']} "
            f"at the end: a shared machine), torch {run_info['torch']}, {run_info['threads']} network thread and "
            f"{run_info['workers']} loader worker; {run_info['iterations']} iterations per run, seeds {run_info['seeds']}; "
            f"{len(run_info['checkpoint_bytes'])} checkpoints, {megabytes:.1f} MB in all. Mean ± sd over the seeds of "
            "the mean over the test scans; files in `benchmarks/capstone/` (notebook 12 explains them).",
            "",
            capstone.markdown(summary),
            "",
            *[f"- {line}" for line in capstone.comparisons(summary)],
        ]
    )


if __name__ == "__main__":
    main()
