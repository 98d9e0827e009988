"""NAIVE: augmentation with the global ``np.random`` state in forked workers.

Reproduces the usual blog set-up for demonstration only: each "worker" is a
forked process that inherits a copy of the parent's global random state, so
every worker draws the same "random" augmentation parameters. Do not use;
see :mod:`tutorial_utils.seeding` for the fix.
"""

from __future__ import annotations

import multiprocessing


def naive_draw_angles(n: int) -> list[float]:
    """NAIVE: draw ``n`` rotation angles from the global ``np.random`` state."""
    import numpy as np

    return [float(np.random.uniform(-15, 15)) for _ in range(n)]


def naive_worker_draws(n_workers: int = 2, draws_per_worker: int = 3) -> list[list[float]]:
    """NAIVE: what each forked DataLoader-style worker draws with the global state.

    Returns one list of angles per worker. On POSIX systems (fork) they are
    all identical: the bug.
    """
    context = multiprocessing.get_context("fork")
    pipes = []
    for _ in range(n_workers):
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(target=_send_draws, args=(sender, draws_per_worker))
        worker.start()
        pipes.append((receiver, worker))
    results = []
    for receiver, worker in pipes:
        results.append(receiver.recv())
        worker.join()
    return results


def _send_draws(sender, n: int) -> None:
    sender.send(naive_draw_angles(n))
    sender.close()
