"""``tu.view_3d`` in JupyterLab in Chromium: NiiVue draws the volume (WebGL2 on SwiftShader) and follows the label opacity.

A notebook written by the test (in a temporary folder, served by a private
JupyterLab) shows the CT phantom with its labels opaque. The test waits until
the canvas stops changing, checks it is not blank (pixels differ from the
black background) and that the red of label 1 (fat, the body's outer layer)
covers much of the body; then it sets ``view.label_opacity = 0`` in the
kernel and checks that the canvas changes and the red goes. Screenshots of
both states go to ``test-artifacts/view3d/``.
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest

from .conftest import OPEN_TIMEOUT_MS, VIEWPORT
from .lab_page import LabNotebook, LabPage
from .lab_server import REPO_ROOT, JupyterLabServer

ARTIFACTS = REPO_ROOT / "test-artifacts" / "view3d"
NOTEBOOK = "view_3d.ipynb"
CELLS = [
    "import tutorial_utils as tu\nvolume = tu.load_sample('ct')",
    "view = tu.view_3d(volume, label_opacity=1.0, height=400)\nview",
]
RUN_TIMEOUT_MS = 180_000
#: Seconds to wait for the canvas to draw, or to redraw after a change.
DRAW_TIMEOUT_S = 90.0
#: A pixel differs from the black background when a channel exceeds this.
BACKGROUND_LEVEL = 30


def canvas_pixels(notebook: LabNotebook, path: Path | None = None) -> np.ndarray:
    """The NiiVue canvas as it is on screen, ``(H, W, 3)`` uint8 (a screenshot: WebGL buffers may be cleared)."""
    from PIL import Image

    canvas = notebook.page.locator(".jp-OutputArea-output canvas").first
    png = canvas.screenshot(path=None if path is None else str(path))
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def settled_canvas(notebook: LabNotebook, differs_from: np.ndarray | None = None) -> np.ndarray:
    """Wait until the canvas is drawn (not blank, and unlike ``differs_from``) and unchanged for 1 s."""
    deadline = time.monotonic() + DRAW_TIMEOUT_S
    previous = None
    while time.monotonic() < deadline:
        pixels = canvas_pixels(notebook)
        drawn = foreground_fraction(pixels) > 0.01
        changed = differs_from is None or pixels.shape != differs_from.shape or not np.array_equal(pixels, differs_from)
        if drawn and changed and previous is not None and np.array_equal(pixels, previous):
            return pixels
        previous = pixels
        time.sleep(1.0)
    raise AssertionError(
        f"the 3D view did not settle within {DRAW_TIMEOUT_S:.0f} s (blank or still changing); console:\n"
        + "\n".join(notebook.console[-20:])
    )


def foreground_fraction(pixels: np.ndarray) -> float:
    """Share of pixels that differ from the black background."""
    return float((pixels.max(axis=-1) > BACKGROUND_LEVEL).mean())


def red_fraction(pixels: np.ndarray) -> float:
    """Share of pixels coloured like label 1 (pure red in the course's label colours)."""
    rgb = pixels.astype(int)
    return float(((rgb[..., 0] > 100) & (rgb[..., 0] > rgb[..., 1] + 60) & (rgb[..., 0] > rgb[..., 2] + 60)).mean())


def run_in_kernel(notebook: LabNotebook, code: str) -> None:
    """Execute ``code`` in the notebook's kernel (like a new cell) and wait for it to finish."""
    status = notebook.page.evaluate(
        """async (code) => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const reply = await kernel.requestExecute({ code }).done;
            return reply.content.status;
        }""",
        code,
    )
    assert status == "ok", f"{code!r} failed in the kernel: {status}"


@pytest.fixture(scope="module")
def view_notebook(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabNotebook]:
    """The test notebook run to the end in a private JupyterLab."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    root = tmp_path_factory.mktemp("view3d-root")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, root / NOTEBOOK)
    server = JupyterLabServer(root, tmp_path_factory.mktemp("view3d-state"), ARTIFACTS / "jupyterlab.log")
    server.start()
    context = browser.new_context(viewport=VIEWPORT)
    try:
        lab = LabPage(context.new_page())
        lab.goto(server.lab_url("view-3d"), OPEN_TIMEOUT_MS)
        lab.wait_loaded(OPEN_TIMEOUT_MS)
        notebook = lab.open_notebook(NOTEBOOK, OPEN_TIMEOUT_MS)
        notebook.start_run_all()
        run = notebook.wait_run_all(RUN_TIMEOUT_MS)
        assert not run["timedOut"] and not run["error"], run
        errors = [error for cell in notebook.cells() for error in cell["errors"]]
        assert not errors, errors
        yield notebook
        (ARTIFACTS / "console.log").write_text("\n".join(notebook.console) + "\n", encoding="utf-8")
        notebook.shutdown()
    finally:
        context.close()
        server.stop()


def test_the_3d_view_draws_and_follows_the_label_opacity(view_notebook: LabNotebook) -> None:
    opaque = settled_canvas(view_notebook)
    canvas_pixels(view_notebook, ARTIFACTS / "view3d-label-opaque.png")
    view_notebook.page.screenshot(path=str(ARTIFACTS / "view3d-page.png"))
    assert foreground_fraction(opaque) > 0.05, "the canvas is (almost) blank"
    assert red_fraction(opaque) > 0.02, "label 1 (red) is not drawn at opacity 1"

    run_in_kernel(view_notebook, "view.label_opacity = 0.0")
    hidden = settled_canvas(view_notebook, differs_from=opaque)
    canvas_pixels(view_notebook, ARTIFACTS / "view3d-label-hidden.png")
    assert foreground_fraction(hidden) > 0.05, "without the label the image itself must still be drawn"
    assert red_fraction(hidden) < 0.2 * red_fraction(opaque), "the red label is still there at opacity 0"
    changed = float((np.abs(hidden.astype(int) - opaque.astype(int)).max(axis=-1) > BACKGROUND_LEVEL).mean())
    assert changed > 0.02, f"only {changed:.1%} of the pixels changed with the label opacity"

    page_errors = [line for line in view_notebook.console if line.startswith(("error:", "pageerror:"))]
    assert not page_errors, "\n".join(page_errors)
