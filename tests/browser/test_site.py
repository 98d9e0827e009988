"""The course website (``make site``) in Chromium: pages, figures, solution toggles, glossary links, search.

The test builds the site itself with ``tools/build_site.py`` into a temporary
folder (about 10 s), so it always checks the notebooks as committed now, and
serves it on 127.0.0.1. Every request to another host is blocked and counted
as a failure: the pages must work offline. Without the ``site`` extra
(``pip install -e ".[site]"``) the tests skip; under ``CI=true`` they fail.

Screenshots of a page with a solution closed and opened go to
``test-artifacts/site/``.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
import pytest

from .conftest import VIEWPORT, unavailable
from .lab_server import NOTEBOOKS_DIR, REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts" / "site"
NOTEBOOKS = sorted(path.name for path in NOTEBOOKS_DIR.glob("*.ipynb"))
PAGE_TIMEOUT_MS = 60_000
#: A ``<script src>`` or ``<link href>`` (stylesheet, preload, icon...) that points off the site.
REMOTE_ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)
REMOTE_CSS = re.compile(r"@import\s+(?:url\()?[\"']?(?:https?:)?//|url\([\"']?(?:https?:)?//", re.IGNORECASE)
INTERNAL_LINK = re.compile(r"<a\b[^>]*\bhref=\"(?![a-z]+:|//|#)([^\"#?]*)(?:#([^\"]*))?\"", re.IGNORECASE)
ELEMENT_ID = re.compile(r"\bid=\"([^\"]+)\"")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website built from the notebooks as they are now."""
    for module in ("sphinx", "myst_nb", "sphinx_book_theme", "sphinx-mathjax-offline"):
        if importlib.util.find_spec(module) is None:
            unavailable(f'`{module}` is not installed: the site needs the `site` extra (pip install -e ".[site]")')
    work = tmp_path_factory.mktemp("site")
    output = work / "html"
    command = [sys.executable, str(REPO_ROOT / "tools" / "build_site.py"), "--staging", str(work / "src")]
    result = subprocess.run([*command, "--output", str(output)], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, f"tools/build_site.py failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return output


@pytest.fixture(scope="module")
def site_url(site_dir: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 (a free port) while the module's tests run."""
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class SitePage:
    """A browser page that records console errors and failed or off-site requests."""

    def __init__(self, page: Any, origin: str) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.problems.append(f"request failed: {request.url}"))
        page.on("response", self._response)
        page.route("**/*", functools.partial(self._route, origin=origin))

    def _console(self, message: Any) -> None:
        if message.type in {"error", "warning"}:
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _route(self, route: Any, request: Any, origin: str) -> None:
        if request.url.startswith(origin) or urlsplit(request.url).scheme in {"data", "blob", "about"}:
            route.continue_()
        else:
            self.problems.append(f"off-site request: {request.url}")
            route.abort()

    def goto(self, url: str) -> None:
        self.page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)


@pytest.fixture
def site_page(browser: Any, site_url: str) -> Iterator[SitePage]:
    context = browser.new_context(viewport=VIEWPORT)
    yield SitePage(context.new_page(), site_url)
    context.close()


def notebook_page(name: str) -> str:
    return f"notebooks/{Path(name).stem}.html"


def html_files(site_dir: Path) -> list[Path]:
    return sorted(path for path in site_dir.rglob("*.html") if "_static" not in path.parts)


def test_no_page_loads_a_remote_script_or_stylesheet(site_dir: Path) -> None:
    pages = html_files(site_dir)
    assert len(pages) >= len(NOTEBOOKS) + 2
    remote = [
        f"{path.relative_to(site_dir)}: {match.group(0)}"
        for path in pages
        for match in REMOTE_ASSET.finditer(path.read_text(encoding="utf-8"))
    ]
    remote += [
        f"{path.relative_to(site_dir)}: {match.group(0)}"
        for path in (site_dir / "_static").rglob("*.css")
        for match in REMOTE_CSS.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not remote, "the site loads scripts or stylesheets from the network:\n" + "\n".join(remote[:20])


def test_table_of_contents_lists_the_notebooks_in_course_order(site_dir: Path) -> None:
    home = (site_dir / "README.html").read_text(encoding="utf-8")
    start = home.index("bd-docs-nav")
    navigation = home[start : home.index("</nav>", start)]
    listed = re.findall(r'href="notebooks/([^"#]+)\.html"', navigation)
    assert list(dict.fromkeys(listed)) == [Path(name).stem for name in NOTEBOOKS]
    assert 'href="GLOSSARY.html"' in navigation


def test_every_internal_link_and_anchor_resolves(site_dir: Path) -> None:
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in html_files(site_dir):
        for target, fragment in INTERNAL_LINK.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve() if target else page
            if not path.is_file():
                broken.append(f"{page.relative_to(site_dir)} -> {target}")
                continue
            if fragment and path.suffix == ".html":
                if path not in ids:
                    ids[path] = set(ELEMENT_ID.findall(path.read_text(encoding="utf-8")))
                if fragment not in ids[path]:
                    broken.append(f"{page.relative_to(site_dir)} -> {target}#{fragment}")
    assert not broken, "links to pages or anchors that do not exist:\n" + "\n".join(broken[:30])


def expected_cells(name: str) -> tuple[int, int, int, bool]:
    """Code cells, your-turn cells, image outputs (PNG or JPEG) and whether the markdown has math, from the notebook."""
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    your_turn = sum("your-turn" in cell.metadata.get("tags", []) for cell in code)
    pngs = sum(
        bool({"image/png", "image/jpeg"} & set(output.get("data", {}))) for cell in code for output in cell.outputs
    )
    math = any(re.search(r"\$[^$\n]+\$", cell.source) for cell in nb.cells if cell.cell_type == "markdown")
    return len(code), your_turn, pngs, math


PAGE_REPORT_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const images = [...main.querySelectorAll('.cell_output img')].map((img) => {
    const box = img.getBoundingClientRect();
    return { src: img.getAttribute('src'), complete: img.complete, natural: img.naturalWidth, width: box.width };
  });
  const details = [...main.querySelectorAll('details')].map((d) => ({ open: d.open, summary: d.querySelector('summary')?.textContent }));
  const yourTurn = [...main.querySelectorAll('.cell.tag_your-turn')].filter((cell) => cell.getBoundingClientRect().height > 0).length;
  return { images, details, cells: main.querySelectorAll('div.cell').length, yourTurn,
           mathjax: main.querySelectorAll('mjx-container').length,
           mathErrors: main.querySelectorAll('mjx-merror').length };
}"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_loads_cleanly_with_its_figures(name: str, site_page: SitePage, site_url: str) -> None:
    code_cells, your_turn, pngs, math = expected_cells(name)
    site_page.goto(f"{site_url}/{notebook_page(name)}")
    if math:
        site_page.page.wait_for_function(
            "() => document.querySelectorAll('mjx-container').length > 0", timeout=PAGE_TIMEOUT_MS
        )
    site_page.page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
    report = site_page.page.evaluate(PAGE_REPORT_JS)
    assert not site_page.problems, "\n".join(site_page.problems)
    assert report["cells"] == code_cells, "every code cell (your-turn cells included) is on the page"
    assert report["yourTurn"] == your_turn, "your-turn cells are shown"
    assert len(report["images"]) == pngs, "every image output (widget snapshots included) is an image on the page"
    bad = [
        image for image in report["images"] if not (image["complete"] and image["natural"] > 0 and image["width"] > 0)
    ]
    assert not bad, f"figures that did not load or have no size: {bad}"
    assert not any(details["open"] for details in report["details"]), "every <details> starts closed"
    if math:
        assert report["mathjax"] > 0 and report["mathErrors"] == 0, "MathJax typesets the page's math"


def first_page_with_solution(site_dir: Path) -> str:
    for name in NOTEBOOKS:
        if "<summary>Solution</summary>" in (site_dir / notebook_page(name)).read_text(encoding="utf-8"):
            return notebook_page(name)
    pytest.fail("no notebook page has a <details><summary>Solution</summary> block (the exercise format)")


def test_a_solution_is_closed_until_clicked(
    site_page: SitePage, site_dir: Path, site_url: str, artifacts: Path
) -> None:
    site_page.goto(f"{site_url}/{first_page_with_solution(site_dir)}")
    page = site_page.page
    details = page.locator("details", has=page.locator("summary", has_text=re.compile(r"^Solution$"))).first
    code = details.locator("div.highlight pre").first
    details.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    assert details.evaluate("(d) => d.open") is False
    assert not code.is_visible(), "the solution's code is hidden while the toggle is closed"
    page.screenshot(path=str(artifacts / "solution-closed.png"))
    details.locator("summary").click()
    assert details.evaluate("(d) => d.open") is True
    assert code.is_visible() and "check_exercise_" in code.inner_text()
    details.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "solution-open.png"))
    assert not site_page.problems, "\n".join(site_page.problems)


def test_a_glossary_link_opens_the_definition(site_page: SitePage, site_url: str) -> None:
    site_page.goto(f"{site_url}/{notebook_page(NOTEBOOKS[0])}")
    page = site_page.page
    link = page.locator('main a[href*="GLOSSARY.html#"]').first
    fragment = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_url(re.compile(rf"/GLOSSARY\.html#{re.escape(fragment)}$"), timeout=PAGE_TIMEOUT_MS)
    target = page.locator(f"[id='{fragment}']")
    assert target.count() == 1 and target.is_visible()
    assert target.evaluate("(el) => el.getBoundingClientRect().top < window.innerHeight")
    assert not site_page.problems, "\n".join(site_page.problems)


def test_search_finds_hounsfield_offline(site_page: SitePage, site_url: str, artifacts: Path) -> None:
    site_page.goto(f"{site_url}/search.html?q=Hounsfield")
    results = site_page.page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=PAGE_TIMEOUT_MS)
    links = [results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())]
    site_page.page.screenshot(path=str(artifacts / "search-hounsfield.png"))
    assert any("GLOSSARY" in link for link in links), links
    assert any(link.startswith("notebooks/") for link in links), links
    assert not site_page.problems, "\n".join(site_page.problems)
