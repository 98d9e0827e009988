"""Running a user's ``annotate(axes, values)`` callback and taking its artists away again.

The live views call the callback after every update; whatever it added to
the axes (lines, text, patches) is found by comparing each Axes' children
before and after, and removed before the next call, so annotations never
pile up. A failing callback is reported, never raised: the widget keeps
working.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from matplotlib.axes import Axes


def run_annotate(
    annotate: Callable[[Mapping[str, Any], Mapping[str, Any]], Any],
    axes: Mapping[str, Any],
    all_axes: Iterable[Axes],
    values: Mapping[str, Any],
) -> tuple[list[Any], str | None]:
    """Call ``annotate(axes, values)``; return the artists it added and an HTML error or None.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> added, error = run_annotate(lambda axes, v: axes["ax"].axvline(v["x"]), {"ax": ax}, [ax], {"x": 1})
    >>> len(added), error
    (1, None)
    """
    all_axes = list(all_axes)
    existing = {id(ax): {id(child) for child in ax.get_children()} for ax in all_axes}
    error = None
    try:
        annotate(axes, values)
    except Exception as exc:  # noqa: BLE001 - shown in the widget, like a failing transform
        error = (
            f"<span style='color:#b00020'><b>annotate failed</b>: {html.escape(f'{type(exc).__name__}: {exc}')}</span>"
        )
    added = [a for ax in all_axes for a in ax.get_children() if id(a) not in existing[id(ax)]]
    return added, error
