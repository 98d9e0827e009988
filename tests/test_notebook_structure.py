"""The teaching skeleton of every notebook, and the figure sizes readers see on GitHub.

Each defect here was found by a reader once: a section without its heading
(so numbers skip), a notebook that called itself the last of the course while
more followed, figures drawn at dpi 72 (500-700 px wide, letters barely
legible).
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
#: Figures fill the notebook's width: 950 px (dpi 100, 9.5 in; the inline backend crops white margins, so a
#: little less), widget snapshots 960 px; dpi 72 gives at most 684 px.
MIN_WIDTH, MAX_WIDTH = 800, 1000


def _markdown(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]


def _png_width(data: str) -> int:
    header = base64.b64decode(data[:64])
    return struct.unpack(">I", header[16:20])[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_numbered_sections_follow_each_other_and_say_core_or_deep_dive(path):
    headings = [h for source in _markdown(path) for h in re.findall(r"^## (\d+)\. (.*)$", source, re.M)]
    assert [int(n) for n, _ in headings] == list(range(1, len(headings) + 1)), headings
    for number, title in headings:
        assert title.rstrip().endswith(("*(core)*", "*(deep dive)*")), f"section {number} has no difficulty mark"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_overview_gives_a_time_and_sections_end_with_questions(path):
    text = "\n".join(_markdown(path))
    assert re.search(r"^\*\*Time:\*\* about \d+ minutes", text, re.M), "no '**Time:** about N minutes' line"
    assert "check your understanding" in text.lower()
    assert "<details><summary>Answer</summary>" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_whats_next_points_to_the_next_notebook(path):
    text = "\n".join(_markdown(path))
    following = [p.name for p in NOTEBOOKS if p.name > path.name]
    if following:
        nxt = text[text.lower().index("## what's next") :]
        assert f"]({following[0]})" in nxt, f"What's next does not link {following[0]}"
        assert not re.search(r"last notebook", text, re.IGNORECASE), "calls itself the last notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_are_drawn_at_the_notebook_width(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert not re.search(r"dpi\s*=\s*72\b|rcParams\[.figure\.dpi.\]", cell.source), (
            f"cell {index}: set the figure size with tu.use_notebook_style(), not by hand"
        )
        for output in cell.outputs:
            png = output.get("data", {}).get("image/png")
            if png:
                width = _png_width(png)
                assert MIN_WIDTH <= width <= MAX_WIDTH, f"cell {index}: a figure {width} px wide"
