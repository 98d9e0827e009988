"""Every timing, speed-up or memory figure in a notebook's prose is one that an output or RESULTS.md shows.

A number that the machine decides (a time, a speed-up, a size in memory)
belongs in an output; words may repeat it, or cite ``benchmarks/RESULTS.md``,
but a figure found in neither is a claim nobody measured, or one that went
stale when the notebook was re-executed. Speed words without any figure
("twice as fast") are refused too: say the measured ratio or the range the
benchmark supports.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RESULTS = (ROOT / "benchmarks" / "RESULTS.md").read_text()

_NUMBER = r"(\d+(?:[.,]\d+)?)"
#: The units of a machine-decided figure, by kind: a time, a size in memory, a factor ("1.76x", not "512 x 512").
_UNITS = {
    "time": r"\s?(?:ms|s|sec|seconds?|min|minutes?)\b",
    "memory": r"\s?(?:GB|GiB|MB|MiB)\b",
    "factor": r"\s?[x×](?!\w)(?!\s*\d)",
}
_FIGURES = {kind: re.compile(_NUMBER + unit) for kind, unit in _UNITS.items()}
_SPEED_WORDS = re.compile(
    r"\b(twice as (fast|slow|quick)|twice the (speed|throughput)|half the time|\d+ times (faster|slower))\b"
)
#: The reader's time estimate is not a measurement.
_EXEMPT_LINE = re.compile(r"time to complete|reading time|^\*\*time:\*\*", re.IGNORECASE)


def _prose(source: str) -> str:
    """Markdown without fenced code, inline code, links' targets and exempt lines."""
    text = re.sub(r"```.*?```", " ", source, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return "\n".join(line for line in text.splitlines() if not _EXEMPT_LINE.search(line))


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            parts.append(output.get("data", {}).get("text/plain", ""))
            parts.append(output.get("data", {}).get("text/markdown", ""))
            parts.append(output.get("data", {}).get("text/html", ""))
    return "\n".join(parts)


def _shown(number: str, kind: str, outputs: str, results: str) -> bool:
    """``number`` with a unit of the same kind in an output, or in RESULTS.md with its unit or as a table cell."""
    value = r"(?<![\d.,])" + re.escape(number) + r"(?![\d])"
    with_unit = re.compile(value + _UNITS[kind])
    table_cell = re.compile(r"\|\s*\**" + value + r"\**\s*\|")
    return bool(with_unit.search(outputs) or with_unit.search(results) or table_cell.search(results))


def unbound_figures(nb: nbformat.NotebookNode, results: str = RESULTS) -> list[str]:
    """The figures in ``nb``'s markdown that neither its outputs nor ``results`` show, with their context."""
    outputs = _outputs_text(nb)
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        prose = _prose(cell.source)
        for kind, pattern in _FIGURES.items():
            for match in pattern.finditer(prose):
                if not _shown(match.group(1), kind, outputs, results):
                    missing.append(
                        f"cell {index}: {match.group(0)!r} in ...{prose[max(0, match.start() - 60) : match.end() + 20]!r}"
                    )
        for match in _SPEED_WORDS.finditer(prose):
            missing.append(f"cell {index}: {match.group(0)!r} states a speed without the measured figure")
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_in_the_prose_is_in_an_output_or_results_md(path):
    missing = unbound_figures(nbformat.read(path, as_version=4))
    assert not missing, "figures no output or RESULTS.md shows:\n" + "\n".join(missing)


def _notebook(markdown: str, output: str = "") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print()")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), code]
    return nb


@pytest.mark.parametrize(
    "markdown",
    [
        "It takes 0.46 s against TorchIO's 10.8 s.",
        "The blog code needs 11 s and 1.9 GB.",
        "Two workers reach about 1.1x one worker.",
        "Our resize is twice as fast as MONAI's.",
        "Each update costs 12 ms.",
    ],
)
def test_a_figure_no_output_shows_is_caught(markdown):
    assert unbound_figures(_notebook(markdown, "speed-up: 0.78x\ntook 0.90 s"), results="") != []


@pytest.mark.parametrize(
    "markdown",
    [
        "Above, two workers gave 0.78x one worker and the call took 0.90 s.",
        "A 512 x 512 x 300 CT, 3×3 kernels, 5 mm slices.",
        "Time to complete: about 40 minutes.",
        "The figure prints `12 ms` in code, and [a link](https://x.org/1.5s).",
        "Flip twice and you are back.",
    ],
)
def test_figures_shown_in_an_output_grids_and_reading_time_pass(markdown):
    assert unbound_figures(_notebook(markdown, "speed-up: 0.78x\ntook 0.90 s"), results="") == []
