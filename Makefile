# Two commands for readers: `make lab` and `make test`. Both need only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt

.PHONY: lab test lint format unit notebooks browser site torch bench lock clean-notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock or the package metadata change.
$(STAMP): $(BIN)/python $(LOCK) pyproject.toml
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# JupyterLab refuses to run as root (e.g. in a container) unless told to.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_FLAGS)

# Every test: library (with doctests), notebooks under nbval, browser tests.
test: $(STAMP)
	$(BIN)/python -m pytest tests tutorial_utils notebooks \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=300

# Lint and format check (ruff; configured in pyproject.toml). `make format` rewrites.
lint: $(STAMP)
	$(BIN)/ruff check conftest.py tutorial_utils tests benchmarks tools
	$(BIN)/ruff format --check conftest.py tutorial_utils tests benchmarks tools

format: $(STAMP)
	$(BIN)/ruff check --fix conftest.py tutorial_utils tests benchmarks tools
	$(BIN)/ruff format conftest.py tutorial_utils tests benchmarks tools

unit: $(STAMP)
	$(BIN)/python -m pytest tests tutorial_utils --ignore=tests/browser

notebooks: $(STAMP)
	$(BIN)/python -m pytest notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=300

browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser

# The course website from the committed notebooks (nothing re-executed, nothing downloaded while building):
# open _build/site/index.html. Its tools are the `site` extra, kept out of the reader's `make lab` set-up.
SITE_STAMP := $(VENV)/.site-installed
$(SITE_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -c $(LOCK) --no-build-isolation -e ".[site]"
	touch $(SITE_STAMP)

site: $(SITE_STAMP)
	$(BIN)/python tools/build_site.py

# PyTorch (CPU build, about 870 MB) for notebook 12's training cells and tutorial_utils.nets; optional.
torch: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[torch]"

# Benchmarks against TorchIO and MONAI (optional extra, not part of `make test`).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run_all.py

# Re-execute every notebook in place and strip widget state (maintainers).
clean-notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

# Refresh the lock (maintainers; needs network to PyPI).
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test --universal \
		--python-version 3.10 --no-header -o $(LOCK)

clean:
	rm -rf $(VENV)
