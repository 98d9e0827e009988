"""The size of every figure, in one place: 100 dpi and 950 px wide.

A notebook shows a matplotlib figure at the figure's own dpi (IPython's
inline display saves it with ``dpi=fig.dpi`` and a tight bounding box), and
a JupyterLab or GitHub column is about 950 px wide. So every figure of
:mod:`tutorial_utils.display` is made at :data:`DPI` with a width of
:data:`FIGURE_WIDTH` inches, whatever ``rcParams["figure.dpi"]`` says, and
the live views draw a 960 px picture.

A notebook's own ``plt`` figures follow ``rcParams``: one call to
:func:`use_notebook_style` at the top of a notebook gives them the same
dpi and width.
"""

from __future__ import annotations

import matplotlib

#: Resolution of every static figure (pixels per inch).
DPI = 100
#: Width in inches of a static figure: 950 px at :data:`DPI`, so a figure fills a notebook
#: column without scaling.
FIGURE_WIDTH = 9.5
#: Default height (inches) of a notebook's own ``plt`` figures after :func:`use_notebook_style`.
FIGURE_HEIGHT = 3.5


def use_notebook_style() -> None:
    """Make a notebook's own matplotlib figures 100 dpi and 950 px wide, like the package's.

    Sets ``rcParams["figure.dpi"]`` to :data:`DPI`, ``"savefig.dpi"`` to
    ``"figure"`` (a saved figure keeps its dpi), ``"figure.figsize"`` to
    ``(FIGURE_WIDTH, FIGURE_HEIGHT)`` and constrained layout on (so the axes
    fill the width that a notebook's tight crop keeps). Call it once after the imports (it
    replaces ``plt.rcParams["figure.dpi"] = ...`` in a notebook). The
    package's own figures do not need it: they set their size themselves.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context():
    ...     use_notebook_style()
    ...     matplotlib.rcParams["figure.dpi"], matplotlib.rcParams["figure.figsize"]
    (100.0, [9.5, 3.5])
    """
    matplotlib.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": "figure",
            "figure.figsize": (FIGURE_WIDTH, FIGURE_HEIGHT),
            "figure.constrained_layout.use": True,
        }
    )
