"""Check functions for the notebooks' exercises (one module per notebook: ``nb01`` ... ``nbNN``).

One format in every notebook (the cells are described in
:mod:`tutorial_utils.exercises.notebook_format`):

* The exercise is stated in markdown; the reader answers in a *your-turn*
  cell (``answer = ...`` and a ``check_exercise_N(...)`` call), committed
  without outputs; the solution sits in a collapsed
  ``<details><summary>Solution</summary>`` block right below, which GitHub
  shows only on a click and ``make test`` runs.
* A check prints notes, then either ``Correct: <why>`` or ``Not yet:`` and
  one ``- <problem>`` line per problem, through
  :func:`~tutorial_utils.exercises._feedback.verdict`, and returns ``None``
  (no stray ``Out[]``). An unfilled answer (``...``) raises
  ``NotImplementedError`` starting "Your turn:" with a hint that points to a
  function or an idea, never to the answer.
* A check never prints the expected value; it says what is wrong in the
  reader's terms (type, units, sign, which axis). An answer that could be
  typed in as a known constant is made to be computed: a randomised input
  from a seed shown in the cell, or the reader's function called on inputs
  the reader has not seen.
* ``tests/test_exercises_nbNN.py`` calls every check with the solution
  (accepted), with the typical wrong answers (rejected) and with ``...``.
"""
