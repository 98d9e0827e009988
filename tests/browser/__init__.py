"""Real-browser tests: JupyterLab in Debian's Chromium runs the notebooks and moves their sliders.

A package so that its ``conftest`` does not clash with ``tests/conftest.py``
when pytest imports both (``--doctest-modules`` collects every module).
"""
