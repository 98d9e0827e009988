"""Execute notebooks in place and make them fit to commit.

Usage: ``python tools/execute_notebooks.py notebooks/02_resize_vs_rescale.ipynb [...]``

Each notebook runs top to bottom in a fresh kernel from its own folder (as a
reader's JupyterLab would), then:

* each exercise's solution (a collapsed ``<details>`` block, see
  ``tutorial_utils.exercises.notebook_format``) runs as a cell at its place,
  as in ``make test``, and must be accepted by its check; that cell is
  removed again before writing;
* your-turn cells keep their execution count but lose their outputs (the
  traceback of an unfilled answer is noise, and a hint could leak the answer);
* widget state is stripped from the metadata (it is large and stale);
* the kernelspec is the generic ``python3``;
* per-cell execution timings are dropped so re-runs give small diffs.

A cell that raises stops the run unless it is tagged ``raises-exception`` or
starts with ``# NBVAL_RAISES_EXCEPTION``; such cells keep the tag, because
JupyterLab's "Run All" also stops at an untagged error (nbval then warns that
comment and tag overlap, which is harmless).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tutorial_utils.exercises.notebook_format import exercises, is_your_turn, solution_cell_source

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def clean(nb: nbformat.NotebookNode) -> None:
    """Strip widget state, timings and machine-specific metadata in place."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)


def _expects_error(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and cell.source.lstrip().startswith("# NBVAL_RAISES_EXCEPTION")


def mark_expected_errors(nb: nbformat.NotebookNode) -> None:
    """Tag cells that raise on purpose so nbclient and JupyterLab's Run All carry on past them."""
    for cell in nb.cells:
        if _expects_error(cell):
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")


def insert_solutions(nb: nbformat.NotebookNode, name: str) -> None:
    """Insert each exercise's solution as a code cell right after its solution block (in place)."""
    for exercise in reversed(exercises(nb.cells)):
        cell = nbformat.v4.new_code_cell(solution_cell_source(exercise, name))
        cell.metadata["injected_solution"] = True
        nb.cells.insert(exercise.solution_index + 1, cell)


def remove_solutions_and_your_turn_outputs(nb: nbformat.NotebookNode) -> None:
    """Drop the inserted solution cells and clear the outputs of your-turn cells (in place)."""
    nb.cells = [cell for cell in nb.cells if not cell.metadata.get("injected_solution")]
    for cell in nb.cells:
        if is_your_turn(cell):
            cell.outputs = []


def execute(path: Path, timeout: int = 600) -> None:
    nb = nbformat.read(path, as_version=4)
    mark_expected_errors(nb)
    insert_solutions(nb, path.name)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    remove_solutions_and_your_turn_outputs(nb)
    clean(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for name in argv:
        path = Path(name)
        print(f"executing {path} ...", flush=True)
        execute(path)
        print(f"  wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
