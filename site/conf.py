"""Sphinx configuration of the course website; ``make site`` (tools/build_site.py) builds it offline.

The stack is Jupyter Book 1's (Sphinx, myst-nb, sphinx-book-theme, sphinx-external-toc), configured
here directly rather than through the ``jupyter-book`` command, which always adds sphinx-thebe (a CDN
URL in every page, and with Sphinx 7.4 its inline scripts twice: a page error). Every script and
stylesheet the pages load is served by the site itself.
"""

project = "3D medical image preprocessing and augmentation"
author = "the course authors"
copyright = "2026, the course authors"  # noqa: A001 (Sphinx's name)

# sphinx-mathjax-offline: MathJax 3.2.2 copied into the site (_static/mathjax) instead of loaded from a CDN.
extensions = ["myst_nb", "sphinx_external_toc", "sphinx_copybutton", "sphinx_book_theme", "sphinx-mathjax-offline"]

# The table of contents (_toc.yml) globs the notebooks: a new numbered notebook joins in course order.
external_toc_path = "_toc.yml"
external_toc_exclude_missing = False
exclude_patterns = ["_build", ".doctrees", "**.ipynb_checkpoints"]

# The committed, executed notebooks are the source: nothing runs at build time.
nb_execution_mode = "off"
# A widget output has no saved state and no kernel on a static page: show the PNG snapshot stored beside it.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js: dict[str, dict[str, str]] = {}

myst_enable_extensions = ["colon_fence", "dollarmath"]
# GitHub-style heading anchors, so the notebooks' links such as ../GLOSSARY.md#hu-hounsfield-unit resolve.
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
# Without a default mode the theme's script logs "Got invalid theme mode" (a console error) on every page.
html_context = {"default_mode": "light"}
html_theme_options = {
    "home_page_in_toc": True,
    "search_bar_text": "Search the course...",
    "show_toc_level": 2,
}
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_show_sourcelink = False
html_sourcelink_suffix = ""
