"""The manifest of a preprocessing run: one CSV row per case, rewritten atomically as cases finish.

It is the run's memory. After a crash, ``preprocess_dataset(..., resume=True)``
reads it and skips every case that is already done with the same pipeline
(its hash: :mod:`.identity`), seed and inputs, and whose output files are
still whole (their total size and SHA-256 are in the row); a failed case
keeps its error message for whoever looks next. CSV because every tool reads
it (pandas, a spreadsheet, ``grep``).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
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
    "output_bytes",
    "output_sha256",
    "history",
    "pipeline",
    "pipeline_hash",
    "seed",
    "worker",
)
#: Number columns and their type: "int" (every row has one), "count" (empty where none), "float" (NaN where none).
_NUMBERS = {"index": "int", "seed": "int", "output_bytes": "count", "seconds": "float", "peak_memory_mib": "float"}
_OUTPUTS = ("output_image", "output_label", "output_history")
#: At most one manifest write per this many seconds while cases finish (and one at the end).
WRITE_INTERVAL_S = 1.0
_CHUNK = 1 << 20


def to_frame(rows: Mapping[str, Mapping[str, Any]] | list[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows (dicts with :data:`COLUMNS`) as a DataFrame sorted by case index."""
    import pandas as pd

    records = list(rows.values()) if isinstance(rows, Mapping) else list(rows)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame["output_bytes"] = pd.to_numeric(frame["output_bytes"]).astype("Int64")  # None where a case has no outputs
    return frame.sort_values("index", kind="stable").reset_index(drop=True)


def _unreadable(path: str | os.PathLike[str], what: str) -> ValueError:
    return ValueError(
        f"manifest {str(path)!r} cannot be read: {what}. Rerun with resume=False to start afresh (the manifest "
        f"is then rewritten), or move the file away"
    )


def _numbers(frame: pd.DataFrame, column: str, kind: str, path: str | os.PathLike[str]) -> pd.Series:
    """``frame[column]`` as numbers; a ValueError naming the manifest, the row and the text otherwise."""
    import pandas as pd

    text = frame[column].str.strip()
    values = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = values.isna() & (text != "")
    if kind == "float":
        bad &= text.str.lower() != "nan"
    if kind == "int":
        bad |= values.isna()
    if kind != "float":
        bad |= values.notna() & (values != values.round())
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        expected = {"int": "an integer", "count": "an integer or nothing", "float": "a number or nothing"}[kind]
        raise _unreadable(
            path,
            f"column {column!r} holds {frame[column].iloc[row]!r} in row {row} (line {row + 2}); expected {expected}",
        )
    if kind == "float":
        return values.astype(float)
    return values.astype("int64" if kind == "int" else "Int64")


def read_manifest(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a manifest written by :func:`~tutorial_utils.dataset.preprocess.preprocess_dataset`.

    Empty text cells stay empty strings (not NaN); numbers get their types
    (``output_bytes`` is empty for a case without outputs).

    Raises
    ------
    FileNotFoundError
        There is no file at ``path``.
    ValueError
        The file cannot be read as a manifest (empty, not CSV, columns
        missing, a number column holding text, an unknown status, a case
        twice): one message naming the file, what is wrong and the remedy
        (``resume=False``, or move the file away). Nothing from pandas
        reaches you raw.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp(), "manifest.csv")
    >>> _ = bad.write_text("")
    >>> read_manifest(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: manifest '...manifest.csv' cannot be read: the file is empty. Rerun with resume=False ...
    """
    import pandas as pd

    if not Path(path).exists():
        raise FileNotFoundError(f"no manifest at {str(path)!r}")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise _unreadable(path, "the file is empty") from None
    except pd.errors.ParserError as exc:
        raise _unreadable(path, f"it is not a CSV table ({str(exc).strip().splitlines()[-1]})") from None
    except UnicodeDecodeError:
        raise _unreadable(path, "it is not text") from None
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise _unreadable(
            path,
            f"columns {missing} are missing (not a manifest of preprocess_dataset, or one written by an older version)",
        )
    for column, kind in _NUMBERS.items():
        frame[column] = _numbers(frame, column, kind, path)
    unknown = ~frame["status"].isin(STATUSES)
    if unknown.any():
        row = int(unknown.to_numpy().nonzero()[0][0])
        raise _unreadable(
            path, f"column 'status' holds {frame['status'].iloc[row]!r} in row {row}; expected one of {STATUSES}"
        )
    repeated = frame["case"][frame["case"].duplicated()]
    if len(repeated):
        raise _unreadable(path, f"case {repeated.iloc[0]!r} has more than one row")
    return frame[list(COLUMNS)]


def file_digest(paths: Sequence[str | os.PathLike[str]]) -> tuple[int, str]:
    """Total size in bytes and SHA-256 (32 hex digits) of the files' bytes, in order: what makes an output whole.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp(), "a.txt")
    >>> _ = p.write_bytes(b"abc")
    >>> file_digest([p])
    (3, 'ba7816bf8f01cfea414140de5dae2223')
    """
    digest, size = hashlib.sha256(), 0
    for path in paths:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    return size, digest.hexdigest()[:32]


def outputs_whole(row: Mapping[str, Any]) -> bool:
    """Whether the output files a manifest row names exist with the size and SHA-256 it recorded.

    The size is compared first (a ``stat``: catches a truncated file at no
    cost); only then are the files read and hashed, which also catches a file
    of the right size that another run or a hand replaced.
    """
    paths = [Path(row[c]) for c in _OUTPUTS if row[c]]
    try:
        expected = int(row.get("output_bytes"))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # None, NA or NaN: no size on record
        return False
    if not paths or not row.get("output_sha256"):
        return False
    try:
        if sum(p.stat().st_size for p in paths) != expected:
            return False
        return file_digest(paths) == (expected, row["output_sha256"])
    except OSError:
        return False


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


def completed_row(
    previous: pd.DataFrame | None, task: Mapping[str, Any], outputs: Mapping[str, Path]
) -> dict[str, Any] | None:
    """The previous row of ``task``'s case if it can be trusted, else None.

    Trusted: done (or skipped) with the same pipeline hash, seed, index and
    inputs, writing the files ``outputs`` names (this ``out_dir``), and those
    files whole (:func:`outputs_whole`).
    """
    if previous is None:
        return None
    match = previous[previous["case"] == task["case"]]
    if match.empty:
        return None
    row = match.iloc[-1].to_dict()
    same = (
        row["status"] in ("done", "skipped")
        and row["pipeline_hash"] == task["pipeline_hash"]
        and int(row["seed"]) == task["seed"]
        and int(row["index"]) == task["index"]
        and row["image"] == task["image"]
        and row["label"] == task["label"]
        and row["output_image"] == str(outputs["image"])
        and row["output_history"] == str(outputs["history"])
        and row["output_label"] in ("", str(outputs["label"]))
    )
    return row if same and outputs_whole(row) else None
