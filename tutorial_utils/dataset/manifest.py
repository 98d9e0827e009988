"""The manifest of a preprocessing run: one CSV row per case, rewritten atomically as cases finish.

It is the run's memory. After a crash, ``preprocess_dataset(..., resume=True)``
reads it and skips every case that is already done with the same pipeline,
seed and inputs; a failed case keeps its error message for whoever looks
next. CSV because every tool reads it (pandas, a spreadsheet, ``grep``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MANIFEST_NAME = "manifest.csv"
STATUSES = ("done", "failed", "skipped")
#: Columns of a manifest, in order.
COLUMNS = (
    "case",
    "index",
    "status",
    "error",
    "seconds",
    "peak_memory_mib",
    "image",
    "label",
    "output_image",
    "output_label",
    "output_history",
    "output_hash",
    "history",
    "pipeline",
    "seed",
    "worker",
)
_NUMBERS = {"index": int, "seed": int, "seconds": float, "peak_memory_mib": float}
#: At most one manifest write per this many seconds while cases finish (and one at the end).
WRITE_INTERVAL_S = 1.0


def to_frame(rows: Mapping[str, Mapping[str, Any]] | list[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows (dicts with :data:`COLUMNS`) as a DataFrame sorted by case index."""
    import pandas as pd

    records = list(rows.values()) if isinstance(rows, Mapping) else list(rows)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    return frame.sort_values("index", kind="stable").reset_index(drop=True)


def read_manifest(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a manifest written by :func:`~tutorial_utils.dataset.preprocess.preprocess_dataset`.

    Empty text cells stay empty strings (not NaN); numbers get their types.
    """
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = sorted(set(COLUMNS) - set(frame.columns))
    if missing:
        raise ValueError(f"{str(path)!r} is not a manifest of preprocess_dataset: columns {missing} are missing")
    for column, kind in _NUMBERS.items():
        frame[column] = pd.to_numeric(frame[column].replace("", "nan")).astype(float if kind is float else "int64")
    return frame[list(COLUMNS)]


def write_manifest(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``frame`` as CSV to a temporary name next to ``path``, then rename it over ``path`` (never half-written)."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        frame.to_csv(temporary, index=False)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()


class ManifestWriter:
    """Keeps the rows of a run and writes them at most every :data:`WRITE_INTERVAL_S` seconds, and on :meth:`flush`."""

    def __init__(self, path: Path, rows: dict[str, dict[str, Any]]) -> None:
        self.path, self.rows, self._last = path, rows, 0.0

    def add(self, row: dict[str, Any]) -> None:
        self.rows[row["case"]] = row
        if time.monotonic() - self._last >= WRITE_INTERVAL_S:
            self.flush()

    def flush(self) -> None:
        write_manifest(to_frame(self.rows), self.path)
        self._last = time.monotonic()


def completed_row(previous: pd.DataFrame | None, task: Mapping[str, Any]) -> dict[str, Any] | None:
    """The previous row of ``task``'s case if it is done with the same pipeline, seed, index and inputs, and its files exist."""
    if previous is None:
        return None
    match = previous[previous["case"] == task["case"]]
    if match.empty:
        return None
    row = match.iloc[-1].to_dict()
    same = (
        row["status"] in ("done", "skipped")
        and row["pipeline"] == task["pipeline"]
        and int(row["seed"]) == task["seed"]
        and int(row["index"]) == task["index"]
        and row["image"] == task["image"]
        and row["label"] == task["label"]
    )
    outputs = [row[c] for c in ("output_image", "output_label", "output_history") if row[c]]
    if not same or not all(Path(p).exists() for p in outputs):
        return None
    return row
