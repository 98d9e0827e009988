"""Notebooks open in JupyterLab in Playwright pages, driven through ``lab_helpers.js``.

* :class:`LabPage`: a browser page with JupyterLab loaded; notebooks open and
  close in it one after the other (loading JupyterLab takes seconds).
* :class:`LabNotebook`: one open notebook: run all cells with JupyterLab's own
  ``notebook:run-all-cells`` command, report cells and widgets, press an arrow
  key on a slider and wait until the view has settled.
* :class:`NotebookRunner`: runs the next notebooks in spare pages while a
  test checks the current one, so two kernels use the two cores.

Playwright is only needed at run time (pytest imports this module to collect
its doctests).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

HELPERS_JS = Path(__file__).with_name("lab_helpers.js")

#: Milliseconds the kernel must stay idle before a run-all counts as finished.
RUN_ALL_QUIET_MS = 1000
#: Milliseconds the images must stay unchanged after the kernel went idle.
QUIET_MS = 250
#: Milliseconds to wait after idle for a first change before calling the view unchanged.
GRACE_MS = 1500


def artifact_name(text: str) -> str:
    """A file-name-safe version of ``text``.

    Examples
    --------
    >>> artifact_name("01 intro [mni].ipynb")
    '01_intro_mni_.ipynb'
    """
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


def readout_matches(readout: str | None, value: float) -> bool:
    """Whether a slider's readout text shows ``value`` to the precision it prints.

    Examples
    --------
    >>> readout_matches("0.35", 0.35000000000000003), readout_matches("12", 12)
    (True, True)
    >>> readout_matches("1.2e+03", 1234.0), readout_matches("0.40", 0.35)
    (True, False)
    """
    if readout is None:
        return True
    text = readout.strip().replace("\u2212", "-")
    match = re.fullmatch(r"[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", text)
    if match is None or not (match.group(1) or match.group(2)):
        return False
    decimals = len(match.group(2) or "")
    exponent = int(match.group(3) or 0)
    tolerance = 0.5 * 10.0 ** (exponent - decimals)
    return math.isclose(float(text), value, abs_tol=tolerance * (1 + 1e-9))


@dataclass
class SliderMove:
    """What one key press on a slider did."""

    widget: int
    slider: int
    key: str
    before: dict[str, Any]
    after: dict[str, Any]
    images_before: list[dict[str, Any]]
    images_after: list[dict[str, Any]]
    settle: dict[str, Any]

    @property
    def expected_value(self) -> float:
        sign = 1 if self.key == "ArrowRight" else -1
        return float(self.before["value"]) + sign * float(self.before["step"])

    @property
    def value_moved(self) -> bool:
        """The slider moved exactly one step in the direction of the key."""
        step = float(self.before["step"])
        return math.isclose(float(self.after["value"]), self.expected_value, abs_tol=1e-6 * max(step, 1e-12))

    @property
    def readout_ok(self) -> bool:
        return readout_matches(self.after["readout"], float(self.after["value"]))

    @property
    def image_changed(self) -> bool:
        before = [image["digest"] for image in self.images_before]
        after = [image["digest"] for image in self.images_after]
        return before != after and all(image["width"] > 0 for image in self.images_after)

    def describe(self) -> str:
        return (
            f"widget {self.widget} slider {self.slider} {self.before['description']!r}: {self.key} "
            f"{self.before['value']} -> {self.after['value']} (readout {self.after['readout']!r}), "
            f"image changed: {self.image_changed}, settle: {self.settle}"
        )


class LabPage:
    """A browser page with JupyterLab loaded; notebooks open and close inside it.

    ``console`` collects the page's console messages and uncaught errors.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        page.add_init_script(path=str(HELPERS_JS))

    def goto(self, url: str, timeout_ms: int) -> None:
        """Start loading JupyterLab (:meth:`wait_loaded` waits for it)."""
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)

    def wait_loaded(self, timeout_ms: int) -> None:
        try:
            self.page.wait_for_function("() => window.jupyterapp && window.labTests", timeout=timeout_ms)
        except Exception as error:
            console = "\n".join(self.console[-20:])
            raise RuntimeError(f"JupyterLab did not load in {self.page.url}: {error}\nconsole:\n{console}") from None

    def open_notebook(self, path: str, timeout_ms: int) -> LabNotebook:
        """Open ``path`` (relative to the server root) and wait for its kernel to be idle."""
        notebook = LabNotebook(self, path, console_start=len(self.console))
        notebook.js("openNotebook", path, timeout_ms)
        return notebook


@dataclass
class LabNotebook:
    """A notebook open in a :class:`LabPage` with a started kernel."""

    lab: LabPage
    path: str
    console_start: int = 0

    @property
    def page(self) -> Page:
        return self.lab.page

    @property
    def console(self) -> list[str]:
        """The page's console messages since this notebook was opened."""
        return self.lab.console[self.console_start :]

    def js(self, name: str, *args: Any) -> Any:
        """Await ``labTests.<name>(*args)`` in the page and return its JSON result."""
        return self.page.evaluate(f"(args) => window.labTests.{name}(...args)", list(args))

    def start_run_all(self) -> None:
        """Start running all cells; returns at once."""
        self.js("startRunAll")

    def wait_run_all(self, timeout_ms: int) -> dict[str, Any]:
        """Wait until the run-all ended and the kernel has been idle for :data:`RUN_ALL_QUIET_MS`.

        ``timeout_ms`` counts from the start of the run.
        """
        return self.js("waitRunAll", timeout_ms, RUN_ALL_QUIET_MS)

    def cells(self) -> list[dict[str, Any]]:
        return self.js("cellReport")

    def widget_problems(self) -> list[str]:
        return self.js("widgetProblems")

    def wait_widgets_rendered(self, timeout_ms: int) -> bool:
        return self.js("waitWidgetsRendered", timeout_ms)

    def widgets(self) -> list[dict[str, Any]]:
        return self.js("findWidgets")

    def widget_alerts(self, widget: int) -> list[str]:
        """Error texts (``...Error``, ``failed``, ``Traceback``) shown inside widget ``widget``."""
        return self.js("widgetAlerts", widget)

    def callback_output(self) -> str:
        """What widget callbacks wrote to stderr or raised since the notebook opened."""
        return self.js("callbackOutput")

    def images(self, widget: int) -> list[dict[str, Any]]:
        return self.js("images", widget)

    def handle(self, widget: int, slider: int) -> Locator:
        return self.page.locator(f'[data-lab-test-slider="{widget}-{slider}"] .noUi-handle')

    def move_slider(self, widget: int, slider: int, timeout_ms: int, key: str | None = None) -> SliderMove:
        """Press an arrow key on a slider handle and wait until the view settles.

        The key is ``ArrowRight`` unless the slider is at its maximum.
        """
        before = self.js("slider", widget, slider)
        if key is None:
            key = "ArrowLeft" if before["value"] + before["step"] > before["max"] + 1e-9 else "ArrowRight"
        images_before = self.images(widget)
        self.js("watch", widget)
        self.handle(widget, slider).press(key)
        settle = self.js("settle", QUIET_MS, GRACE_MS, timeout_ms)
        return SliderMove(
            widget=widget,
            slider=slider,
            key=key,
            before=before,
            after=self.js("slider", widget, slider),
            images_before=images_before,
            images_after=self.images(widget),
            settle=settle,
        )

    def screenshot_widget(self, widget: int, path: Path) -> None:
        self.page.locator(f'[data-lab-test-widget="{widget}"]').screenshot(path=str(path))

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path))

    def shutdown(self) -> None:
        """Shut the kernel down and close the notebook without saving."""
        self.js("shutdown")


class NotebookRunner:
    """Open notebooks and start their run-all, in as many pages as it has.

    :meth:`take` returns the notebook a test asked for (started if it was not
    yet) and starts the next ones in spare pages, so they run while the test
    waits and checks; :meth:`release` closes a notebook and frees its page.
    """

    def __init__(self, pages: Iterable[LabPage], open_timeout_ms: int) -> None:
        self.free = list(pages)
        self.open_timeout_ms = open_timeout_ms
        self.started: dict[str, LabNotebook] = {}

    def start(self, path: str) -> None:
        page = self.free.pop(0)
        try:
            notebook = page.open_notebook(path, self.open_timeout_ms)
            notebook.start_run_all()
        except Exception:
            self.free.append(page)
            raise
        self.started[path] = notebook

    def take(self, path: str, upcoming: Iterable[str] = ()) -> LabNotebook:
        """The notebook ``path`` with its run-all started; start ``upcoming`` ones in spare pages.

        An upcoming notebook that fails to start is left for its own test,
        which starts it again and reports the failure.
        """
        if path not in self.started:
            self.start(path)
        notebook = self.started.pop(path)
        for name in upcoming:
            if not self.free:
                break
            if name not in self.started:
                try:
                    self.start(name)
                except Exception as error:  # reported by the notebook's own test
                    notebook.lab.console.append(f"starting {name} ahead failed: {error}")
        return notebook

    def release(self, notebook: LabNotebook) -> None:
        """Close ``notebook`` (kernel shut down, nothing saved) and free its page."""
        try:
            notebook.shutdown()
        finally:
            self.free.append(notebook.lab)

    def close(self) -> None:
        """Release notebooks that were started but never taken."""
        while self.started:
            _, notebook = self.started.popitem()
            self.release(notebook)
