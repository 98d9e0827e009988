"""Fixtures of the real-browser tests: Debian's Chromium, a private JupyterLab, notebooks run two at a time.

Without ``chromium`` on PATH (or without Playwright) the tests skip with a
message; with ``CI=true`` that is a failure instead, so CI cannot pass by
silently skipping them. Playwright drives the system Chromium: never run
``playwright install`` (it downloads a browser and fails offline).

Artifacts (screenshots, the server log, per-notebook reports, latency
figures) go to ``test-artifacts/browser/``, emptied at the start of a run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .lab_page import LabNotebook, LabPage, NotebookRunner, artifact_name
from .lab_server import ARTIFACTS_DIR, NOTEBOOKS_DIR, JupyterLabServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Two pages work at once: keep the one not in front from being throttled.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    # WebGL2 (the 3D view, tu.view_3d) on the CPU: recent Chromium no longer falls back to SwiftShader silently.
    "--enable-unsafe-swiftshader",
]
VIEWPORT = {"width": 1400, "height": 1000}
#: JupyterLab pages, hence notebooks running at once (the CI machine has two cores).
PAGES = 2
#: Page load and kernel start (ms).
OPEN_TIMEOUT_MS = 120_000

#: Lines printed in pytest's terminal summary (latency figures and similar).
SUMMARY_LINES: list[str] = []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip the browser tests, or fail them when running in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(f"{reason}; browser tests skipped")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SUMMARY_LINES:
        terminalreporter.section("browser tests")
        for line in SUMMARY_LINES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def chromium_executable() -> str:
    path = shutil.which("chromium")
    if path is None:
        unavailable(
            "`chromium` is not on PATH: install Debian's chromium package "
            "(`.ci/install-chromium.sh`, or `apt-get install chromium`)"
        )
    return str(path)


@pytest.fixture(scope="module")
def artifacts_dir() -> Path:
    shutil.rmtree(ARTIFACTS_DIR, ignore_errors=True)
    ARTIFACTS_DIR.mkdir(parents=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package `playwright` is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab_server(
    browser: Any, tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path
) -> Iterator[JupyterLabServer]:
    """JupyterLab serving a temporary copy of ``notebooks/`` (nothing is written to the repository).

    It asks for ``browser`` first, so a missing Chromium skips before a server starts.
    """
    root = tmp_path_factory.mktemp("lab-root")
    if NOTEBOOKS_DIR.is_dir():
        shutil.copytree(NOTEBOOKS_DIR, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = JupyterLabServer(root, tmp_path_factory.mktemp("lab-state"), artifacts_dir / "jupyterlab.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notebook_runner(browser: Any, lab_server: JupyterLabServer) -> Iterator[NotebookRunner]:
    """JupyterLab loaded in PAGES pages (one workspace each), shared by the tests of the module."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(PAGES)]
    pages = [LabPage(context.new_page()) for context in contexts]
    for number, page in enumerate(pages):
        page.goto(lab_server.lab_url(f"browser-test-{number}"), OPEN_TIMEOUT_MS)
    for page in pages:
        page.wait_loaded(OPEN_TIMEOUT_MS)
    runner = NotebookRunner(pages, OPEN_TIMEOUT_MS)
    yield runner
    runner.close()
    for context in contexts:
        context.close()


def upcoming_notebooks(item: pytest.Item) -> list[str]:
    """``notebook_name`` parameters of the tests that run after ``item``, in order."""
    items = item.session.items
    later = items[items.index(item) + 1 :] if item in items else []
    return [
        later_item.callspec.params["notebook_name"]
        for later_item in later
        if "notebook_name" in getattr(getattr(later_item, "callspec", None), "params", {})
    ]


@pytest.fixture
def run_notebook(
    notebook_runner: NotebookRunner, artifacts_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], LabNotebook]]:
    """Open a notebook of the server's root in JupyterLab and start running all its cells.

    The test waits for the run with ``notebook.wait_run_all``. Meanwhile the
    notebooks of the next tests parametrized by ``notebook_name`` start in
    the spare page, so two kernels work at once. At teardown the page is
    screenshot (so a failure leaves a picture), the notebook's browser console
    is saved, and the notebook is closed with its kernel shut down.
    """
    taken: list[LabNotebook] = []

    def _run(path: str) -> LabNotebook:
        notebook = notebook_runner.take(path, upcoming_notebooks(request.node))
        taken.append(notebook)
        return notebook

    yield _run
    outcome = "failed" if getattr(request.node, "rep_call_failed", False) else "final"
    for notebook in taken:
        stem = artifact_name(Path(notebook.path).stem)
        try:
            notebook.screenshot(artifacts_dir / f"{stem}-{outcome}.png")
        except Exception as error:  # a crashed page must not hide the test's own failure
            notebook.lab.console.append(f"screenshot failed: {error}")
        console = notebook.console
        try:
            notebook_runner.release(notebook)
        except Exception as error:
            console.append(f"closing the notebook failed: {error}")
        (artifacts_dir / f"{stem}-console.log").write_text("\n".join(console) + "\n", encoding="utf-8")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.when == "call" and report.failed:
        item.rep_call_failed = True  # type: ignore[attr-defined]
    return report


@pytest.fixture
def summary_lines() -> list[str]:
    """Append lines here to have them printed in pytest's terminal summary."""
    return SUMMARY_LINES
