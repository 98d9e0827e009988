"""Naive versions of common blog code, reproducing its mistakes for demonstration only.

The notebooks run these next to the tested functions of :mod:`tutorial_utils`
to show and measure what goes wrong. Never use them in a pipeline.
"""
