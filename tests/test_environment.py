"""environment.yml (conda) and pyproject.toml (pip) must describe the same packages."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
#: conda-only entries that have no pyproject counterpart.
CONDA_ONLY = {"python", "pip"}
#: pyproject name -> conda-forge name where they differ.
CONDA_NAMES: dict[str, str] = {}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_requirements() -> dict[str, SpecifierSet]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    result = {}
    for line in lines:
        req = Requirement(line)
        result[_normalise(CONDA_NAMES.get(req.name, req.name))] = req.specifier
    return result


def _conda_requirements() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    result = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            for pip_line in entry["pip"]:
                if pip_line.startswith("-e"):
                    continue
                req = Requirement(pip_line)
                result[_normalise(req.name)] = req.specifier
            continue
        name, _, spec = entry.partition(" ")
        if name in CONDA_ONLY:
            continue
        result[_normalise(name)] = SpecifierSet(spec.replace(" ", ""))
    return result


def test_conda_environment_lists_the_same_packages_as_pyproject():
    pip_side, conda_side = _pyproject_requirements(), _conda_requirements()
    assert sorted(conda_side) == sorted(pip_side)


def test_conda_environment_uses_the_same_version_bounds_as_pyproject():
    pip_side, conda_side = _pyproject_requirements(), _conda_requirements()
    differing = {n: (str(pip_side[n]), str(conda_side[n])) for n in pip_side if pip_side[n] != conda_side.get(n)}
    assert differing == {}


def test_conda_environment_installs_the_package_itself_and_pins_the_python_floor():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_entries = next(e["pip"] for e in env["dependencies"] if isinstance(e, dict))
    assert "-e ." in pip_entries
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"python {project['requires-python']}" in env["dependencies"]


def test_lock_pins_every_runtime_and_test_dependency():
    lock = (ROOT / "requirements" / "lock.txt").read_text()
    pinned = {_normalise(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==", lock, re.MULTILINE)}
    missing = sorted(set(_pyproject_requirements()) - pinned)
    assert missing == []
