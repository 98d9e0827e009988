"""Build the course website from the committed notebooks, offline: ``python tools/build_site.py``.

``make site`` runs it after installing the ``site`` extra (Sphinx, myst-nb, sphinx-book-theme,
sphinx-external-toc, and MathJax 3 from the ``sphinx-mathjax-offline`` wheel). Steps:

1. Copy the pages into a staging folder (``_build/site-src``): every
   ``notebooks/*.ipynb`` (globbed, so a new notebook joins without editing
   anything), ``README.md`` (the home page), ``GLOSSARY.md``,
   ``benchmarks/RESULTS.md`` and its chart, with the book's configuration from
   ``site/``. The relative layout is the repository's, so the links between
   pages (``../GLOSSARY.md#voxel``) work unchanged.
2. Run Sphinx with ``site/conf.py`` (myst-nb, sphinx-book-theme: Jupyter Book 1's stack) into
   ``_build/site`` (open ``_build/site/index.html``). Nothing is executed, and a Sphinx warning
   (a link to a missing page or anchor, a bad table of contents) fails the build.

Nothing here reaches the network.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGING = ROOT / "_build" / "site-src"
OUTPUT = ROOT / "_build" / "site"
#: Files and globs copied into the staging folder, relative to the repository root.
PAGES = ["README.md", "GLOSSARY.md", "benchmarks/RESULTS.md", "benchmarks/results.png", "notebooks/*.ipynb"]
CONFIG_DIR = ROOT / "site"
#: The Sphinx extensions of site/conf.py (import names).
EXTENSIONS = (
    "sphinx",
    "myst_nb",
    "sphinx_book_theme",
    "sphinx_external_toc",
    "sphinx_copybutton",
    "sphinx-mathjax-offline",
)


def stage(staging: Path) -> list[Path]:
    """Fill ``staging`` with the pages and the configuration; return the pages copied."""
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    copied = []
    for pattern in PAGES:
        for source in sorted(ROOT.glob(pattern)):
            target = staging / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied.append(target)
    shutil.copytree(CONFIG_DIR, staging, dirs_exist_ok=True)
    return copied


def build(staging: Path, output: Path) -> None:
    """Run Sphinx on ``staging``, writing the HTML to ``output`` (emptied first)."""
    for module in EXTENSIONS:
        if importlib.util.find_spec(module) is None:
            raise SystemExit(f'build_site: {module} is missing: pip install -e ".[site]" (or `make site`)')
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going"]
    subprocess.run([*command, "-d", str(staging / ".doctrees"), str(staging), str(output)], check=True, cwd=ROOT)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where the HTML goes (default {OUTPUT})")
    parser.add_argument("--staging", type=Path, default=STAGING, help=f"the sources' copy (default {STAGING})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pages = stage(args.staging)
    notebooks = sum(path.suffix == ".ipynb" for path in pages)
    build(args.staging, args.output.resolve())
    print(f"build_site: {notebooks} notebooks in {time.perf_counter() - start:.0f} s -> {args.output / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
