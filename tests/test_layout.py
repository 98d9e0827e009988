"""The architecture, kept by tests: layers, the one-way import rule, a headless import, small modules."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tutorial_utils as tu

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tutorial_utils"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
MAX_LINES = 400

#: Array-layer modules besides those named ops.py / *_ops.py.
ARRAY_MODULES = {"elastic/field.py", "elastic/stats.py"}
FORBIDDEN_IN_ARRAY_LAYER = {"volume", "records", "pipeline", "display"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the tutorial_utils modules ``path`` imports."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("tutorial_utils")}


def is_array_module(path: Path) -> bool:
    relative = path.relative_to(PACKAGE).as_posix()
    return path.stem == "ops" or path.stem.endswith("_ops") or relative in ARRAY_MODULES


def test_the_package_has_array_modules_to_check():
    assert sum(is_array_module(p) for p in MODULES) >= 6


@pytest.mark.parametrize("path", [p for p in MODULES if is_array_module(p)], ids=module_name)
def test_array_modules_import_no_volume_records_pipeline_or_display(path):
    bad = {
        name
        for name in imported_modules(path)
        if name.split(".")[1:2] and name.split(".")[1] in FORBIDDEN_IN_ARRAY_LAYER
    }
    assert not bad, f"{module_name(path)} is an array module but imports {sorted(bad)}"


@pytest.mark.parametrize("path", [p for p in MODULES if "display" not in p.parts], ids=module_name)
def test_nothing_outside_display_imports_display(path):
    bad = {name for name in imported_modules(path) if name.startswith("tutorial_utils.display")}
    assert not bad, f"{module_name(path)} imports {sorted(bad)}; only notebooks use display"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_modules_are_small(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{module_name(path)} has {lines} lines (at most {MAX_LINES}): split it by purpose"


def test_import_is_headless():
    code = (
        "import sys, tutorial_utils; "
        "heavy = [m for m in ('matplotlib.pyplot', 'ipywidgets', 'torch', 'pandas') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"import tutorial_utils loaded {result.stdout.strip()} {result.stderr}"


def test_display_names_are_served_on_first_use():
    assert tu.SliceViewer is tu.display.SliceViewer
    assert "show_slices" in dir(tu)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        tu.no_such_name  # noqa: B018


def test_every_public_name_is_reachable():
    missing = [name for name in tu.__all__ if not hasattr(tu, name)]
    assert not missing


def test_every_tu_name_used_by_the_notebooks_and_readme_is_reachable():
    sources = [ROOT / "README.md", *sorted((ROOT / "notebooks").glob("*.ipynb"))]
    used = {name for path in sources for name in re.findall(r"\btu\.([A-Za-z_]\w*)", path.read_text())}
    assert used, "expected the notebooks to use tu.<name>"
    missing = sorted(name for name in used if not hasattr(tu, name))
    assert not missing, f"notebooks or README use tu.{missing}, which tutorial_utils does not provide"


def test_all_holds_the_user_api_not_the_plumbing():
    plumbing = {"apply_recorded", "replayable", "registered_names", "volume_transform", "random_transform"}
    assert not plumbing & set(tu.__all__)
    assert not [name for name in tu.__all__ if name.endswith("_annotator")]
