"""JupyterLab in Chromium runs every notebook and moves the sliders of its viewers and explorers.

nbval only checks the kernel side. These tests check what a reader sees: all
cells run through JupyterLab's own ``notebook:run-all-cells`` command without
an error, every widget renders (no "Error displaying widget"), and in every
widget output that has sliders and images (a ``SliceViewer``, a
``TransformExplorer``) arrow keys move its sliders one step at a time, the
readouts show the new values, and in each row of sliders (plane sliders,
transform parameters) a move changes the picture. No widget callback may
raise. Notebooks are found by globbing ``notebooks/*.ipynb``, widgets by their
DOM (``.widget-slider`` with one ``.noUi-handle``, ``<img>`` of an
``ipywidgets.Image``), so new ones are covered without editing this file.

Screenshots (each tested widget, the page after the moves or at a failure),
console logs and per-notebook reports go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from .lab_page import LabNotebook, SliderMove, artifact_name
from .lab_server import NOTEBOOKS_DIR, JupyterLabServer

NOTEBOOKS = sorted(path.name for path in NOTEBOOKS_DIR.glob("*.ipynb"))

#: Running all cells of one notebook; a slider move until the view settles (ms).
RUN_ALL_TIMEOUT_MS = 300_000
SETTLE_TIMEOUT_MS = 60_000
#: Steps tried per slider before the next slider of its row gets a turn.
PRESSES_PER_SLIDER = 3
WIDGETS_RENDER_TIMEOUT_MS = 60_000

#: Key presses timed for the latency figure (after WARMUP_PRESSES untimed ones).
LATENCY_PRESSES = 15
WARMUP_PRESSES = 2
LATENCY_NOTEBOOK_CELLS = [
    "import tutorial_utils as tu",
    'viewer = tu.SliceViewer(tu.load_sample("mni"))\nviewer',
]


def expects_error(cell: dict[str, Any]) -> bool:
    """A cell that shows an error on purpose (the conventions nbval and JupyterLab use)."""
    return "raises-exception" in cell["tags"] or cell["source"].lstrip().startswith("# NBVAL_RAISES_EXCEPTION")


def ran_cleanly(notebook: LabNotebook) -> dict[str, Any]:
    """Wait for the run-all; fail on a cell error, a cell left unrun or a widget that did not render."""
    run = notebook.wait_run_all(RUN_ALL_TIMEOUT_MS)
    assert not run["timedOut"], f"running all cells took longer than {RUN_ALL_TIMEOUT_MS / 1000:.0f} s"
    assert not run["error"], run["error"]
    cells = notebook.cells()
    errors = [
        f"cell {cell['index']}: {error}\n    {cell['source'][:200]!r}"
        for cell in cells
        if not expects_error(cell)
        for error in cell["errors"]
    ]
    assert not errors, "cells raised in JupyterLab:\n" + "\n".join(errors)
    not_run = [cell["index"] for cell in cells if cell["source"].strip() and cell["executionCount"] is None]
    assert not not_run, (
        f"code cells {not_run} never ran: run-all stopped at an error (a cell that raises on purpose "
        "needs the `raises-exception` tag, which tools/execute_notebooks.py adds, or JupyterLab stops there)"
    )
    start = time.perf_counter()
    rendered = notebook.wait_widgets_rendered(WIDGETS_RENDER_TIMEOUT_MS)
    problems = notebook.widget_problems()
    assert not problems, "widgets failed to display:\n" + "\n".join(problems)
    assert rendered, "widgets or images were still loading after all cells ran"
    return {
        "seconds": round(run["seconds"], 1),
        "render_wait_seconds": round(time.perf_counter() - start, 1),
        "code_cells": len(cells),
    }


def check_move(move: SliderMove) -> None:
    """A key press must reach the slider, settle, go one step and show the value in the readout."""
    assert move.settle["keySeen"], f"the key press never reached the slider: {move.describe()}"
    assert not move.settle["timedOut"], (
        f"the view did not settle within {SETTLE_TIMEOUT_MS / 1000:.0f} s "
        f"(kernel busy seen: {move.settle['kernelBusy']}): {move.describe()}"
    )
    assert move.value_moved, f"the slider did not move one step: {move.describe()}"
    assert move.readout_ok, f"the readout does not show the slider's value: {move.describe()}"


def check_rows_redraw(notebook: LabNotebook, widget: dict[str, Any]) -> list[SliderMove]:
    """In every row of sliders of the widget, moving a slider must change the picture.

    A row is an ipywidgets Box of controls: the plane sliders of a viewer, the
    parameters of an explorer. Checking each row catches a broken callback
    even when another row still redraws. Within a row, sliders are tried in
    order, each up to PRESSES_PER_SLIDER steps, until the picture differs from
    what it was before the row's first press: a step may legitimately draw the
    same picture (a seed that draws the same flip), a broken callback never
    draws a new one.
    """
    moves: list[SliderMove] = []
    rows: dict[int, list[dict[str, Any]]] = {}
    for slider in widget["sliders"]:
        if not slider["disabled"]:
            rows.setdefault(slider["row"], []).append(slider)
    for row, sliders in rows.items():
        start = digests(notebook.images(widget["widget"]))
        row_moves = press_until_changed(notebook, widget["widget"], sliders, start)
        moves += row_moves
        callback_output = notebook.callback_output()
        assert digests(row_moves[-1].images_after) != start, (
            f"no slider in row {row} of the widget in cell {widget['cell']} changed its picture:\n"
            + "\n".join(move.describe() for move in row_moves)
            + (f"\nwidget callbacks wrote to stderr:\n{callback_output[-3000:]}" if callback_output else "")
        )
    return moves


def press_until_changed(
    notebook: LabNotebook, widget: int, sliders: list[dict[str, Any]], start: list[str | None]
) -> list[SliderMove]:
    """Press arrow keys on ``sliders`` in turn until the images differ from ``start``."""
    moves = []
    for slider in sliders:
        for _ in range(PRESSES_PER_SLIDER):
            move = notebook.move_slider(widget, slider["slider"], SETTLE_TIMEOUT_MS)
            check_move(move)
            moves.append(move)
            if digests(move.images_after) != start:
                return moves
    return moves


def check_callbacks_quiet(notebook: LabNotebook) -> None:
    """No widget callback raised (its traceback or error message reaches no cell)."""
    output = notebook.callback_output()
    assert not re.search(r"Traceback|Exception in", output), (
        f"a widget callback raised in the kernel:\n{output[-3000:]}"
    )


def digests(images: list[dict[str, Any]]) -> list[str | None]:
    return [image["digest"] for image in images]


def interactive_widgets(notebook: LabNotebook, expected: int = 0) -> list[dict[str, Any]]:
    """Widget outputs with at least one image and one enabled single-handle slider.

    ``expected``: widget outputs the saved notebook holds; the page must show
    at least as many (a widget that silently rendered nothing fails here).
    """
    widgets = notebook.widgets()
    assert len(widgets) >= expected, (
        f"the saved notebook has {expected} widget output(s), JupyterLab rendered {len(widgets)}"
    )
    return [
        widget for widget in widgets if widget["images"] and any(not slider["disabled"] for slider in widget["sliders"])
    ]


def saved_widget_outputs(path: Path) -> int:
    """Number of widget-view outputs stored in a notebook file."""
    nb = nbformat.read(path, as_version=4)
    return sum(
        "application/vnd.jupyter.widget-view+json" in output.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


def save_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "notebook_name",
    NOTEBOOKS or [pytest.param("", marks=pytest.mark.skip(reason=f"no notebooks in {NOTEBOOKS_DIR}"))],
)
def test_notebook_runs_and_its_sliders_redraw(
    notebook_name: str,
    run_notebook: Callable[[str], LabNotebook],
    artifacts_dir: Path,
    summary_lines: list[str],
) -> None:
    stem = artifact_name(Path(notebook_name).stem)
    notebook = run_notebook(notebook_name)
    report: dict[str, Any] = {"notebook": notebook_name, "widgets": []}
    try:
        report["run"] = ran_cleanly(notebook)
        for widget in interactive_widgets(notebook, saved_widget_outputs(NOTEBOOKS_DIR / notebook_name)):
            widget_start = time.perf_counter()
            try:
                moves = check_rows_redraw(notebook, widget)
            finally:
                notebook.screenshot_widget(widget["widget"], artifacts_dir / f"{stem}-widget{widget['widget']}.png")
            report["widgets"].append(
                {
                    "cell": widget["cell"],
                    "seconds": round(time.perf_counter() - widget_start, 1),
                    "moves": [move.describe() for move in moves],
                }
            )
            alerts = notebook.widget_alerts(widget["widget"])
            assert not alerts, f"widget in cell {widget['cell']} shows an error:\n" + "\n".join(alerts)
        check_callbacks_quiet(notebook)
    finally:
        save_json(artifacts_dir / f"{stem}.json", report)
    summary_lines.append(
        f"{notebook_name}: ran in {report['run']['seconds']} s, "
        f"{len(report['widgets'])} viewer/explorer widget(s) redrew after a key press"
    )


def test_slice_viewer_key_to_image_latency_on_mni(
    lab_server: JupyterLabServer,
    run_notebook: Callable[[str], LabNotebook],
    artifacts_dir: Path,
    summary_lines: list[str],
) -> None:
    """Time from an arrow key on a SliceViewer slider to the new picture loaded in the page.

    A figure for the notes (goal, issue 18: median <= 100 ms), not an assertion: the
    machine's load decides it. The test still fails if a press does not redraw.
    """
    name = "_browser_test_slice_viewer_latency.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in LATENCY_NOTEBOOK_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, lab_server.root_dir / name)

    notebook = run_notebook(name)
    ran_cleanly(notebook)
    widgets = interactive_widgets(notebook)
    assert len(widgets) == 1, f"expected one SliceViewer, found {widgets}"
    widget = widgets[0]
    slider = next(s for s in widget["sliders"] if not s["disabled"])

    moves = [
        notebook.move_slider(widget["widget"], slider["slider"], SETTLE_TIMEOUT_MS)
        for _ in range(WARMUP_PRESSES + LATENCY_PRESSES)
    ]
    notebook.screenshot_widget(widget["widget"], artifacts_dir / "slice_viewer_latency-widget.png")
    not_redrawn = [move.describe() for move in moves if not (move.image_changed and move.value_moved)]
    assert not not_redrawn, "key presses that did not redraw the SliceViewer:\n" + "\n".join(not_redrawn)
    check_callbacks_quiet(notebook)

    latencies = [move.settle["latencyMs"] for move in moves[WARMUP_PRESSES:]]
    median = statistics.median(latencies)
    values = ", ".join(f"{value:.0f}" for value in latencies)
    line = (
        f"SliceViewer on mni, key press to new image ({slider['description']!r} slider, "
        f"{len(latencies)} presses): median {median:.0f} ms (goal <= 100 ms); values ms: {values}"
    )
    print(line)
    summary_lines.append(line)
    save_json(
        artifacts_dir / "slice_viewer_latency.json",
        {"slider": slider["description"], "median_ms": median, "latencies_ms": latencies},
    )
