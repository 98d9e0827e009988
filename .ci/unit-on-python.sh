#!/usr/bin/env bash
# The unit tests (library and doctests; not the notebooks, not the browser) on another Python X.Y, from the
# same lock as the default run: `bash .ci/unit-on-python.sh 3.10`. The venv is .venv-X.Y (kept between runs).
# The interpreter is pyenv's newest X.Y, or pythonX.Y on PATH; a missing one is an error.
# CI-only test dependencies (torch) are not in the lock and are not installed here: their tests skip, as on a
# reader's machine (`make unit`); the default run (`make test` with CI=true) requires and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:?usage: unit-on-python.sh X.Y}"
python=""
if command -v pyenv >/dev/null 2>&1 && latest="$(pyenv latest "$version" 2>/dev/null)"; then
    python="$(pyenv prefix "$latest")/bin/python$version"
elif "python$version" -c "pass" >/dev/null 2>&1; then
    python="$(command -v "python$version")"
fi
if [ -z "$python" ] || ! "$python" -c "pass" >/dev/null 2>&1; then
    echo "unit-on-python: no Python $version found (pyenv or python$version on PATH)" >&2
    exit 1
fi

venv=".venv-$version"
stamp="$venv/.installed"
if [ ! -f "$stamp" ] || [ requirements/lock.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet -r requirements/lock.txt
    "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
    touch "$stamp"
fi
echo "unit-on-python: $("$venv/bin/python" --version) in $venv"
CI=false "$venv/bin/python" -m pytest tests tutorial_utils --ignore=tests/browser -q
