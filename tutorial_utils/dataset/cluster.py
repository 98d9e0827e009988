"""Where the work runs: a Dask client on a laptop or a cluster, and one loop over finished cases.

Dask distributed is the engine; nothing here is a pool of our own:

* ``client=None`` starts a :class:`distributed.LocalCluster` on this machine,
  one single-threaded worker process per CPU, and closes it afterwards;
* a scheduler address such as ``"tcp://10.0.0.5:8786"`` connects to a running
  cluster (``dask scheduler`` / ``dask worker`` on several machines,
  ``dask-jobqueue`` on SLURM or PBS, a Kubernetes operator) and runs the same
  code there;
* a :class:`distributed.Client` is used as it is (and left open).

Every worker runs one case at a time on one core, so the package's own
threads (:func:`tutorial_utils.set_num_threads`) are set to one in each
worker by a worker plugin, also in workers that join or restart later.
This module imports ``distributed``; the rest of the package imports it
only when a dataset function runs.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import dask
from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin
from tqdm import tqdm

from .._checks import check_non_negative_int, describe
from .._threads import _cpus, set_num_threads


class OneThreadPerWorker(WorkerPlugin):
    """Worker plugin: ``set_num_threads(1)`` in every worker, so workers do not compete for cores."""

    name = "tutorial-utils-one-thread"

    def setup(self, worker: Any) -> None:
        set_num_threads(1)


def has_dashboard() -> bool:
    """Whether Dask can serve its dashboard here (it needs bokeh)."""
    return importlib.util.find_spec("bokeh") is not None


def start_local_cluster(n_workers: int | None = None) -> LocalCluster:
    """A :class:`distributed.LocalCluster` of ``n_workers`` single-threaded worker processes (default: one per CPU).

    The dashboard gets a free port (Dask's default, 8787, clashes between
    clusters on one machine; it needs bokeh to show anything); Dask's log
    messages below ERROR are silenced, so notebooks stay readable.

    Dask starts workers with ``MALLOC_TRIM_THRESHOLD_=65536`` so that freed
    memory goes back to the system at once; for a worker that allocates and
    frees arrays of tens to hundreds of MB case after case this costs 5-25 %
    more CPU (fresh pages fault in every time; measured on this course's
    pipeline), so the workers started here keep glibc's adaptive default (an
    explicit ``MALLOC_TRIM_THRESHOLD_`` in the environment still wins).

    The scheduler sends a worker one case per thread at a time
    (``distributed.scheduler.worker-saturation`` 1.0 instead of Dask's 1.1,
    which sends two to a single-threaded worker): a case takes seconds, so
    the extra round trip costs nothing, and the largest remaining case
    always goes to the first worker that is free (with two per worker, the
    run ended with one worker busy and the other idle for up to 3 s of a
    35 s run; measured on this machine with Dask's task stream).
    """
    if n_workers is None:
        n_workers = _cpus()
    n_workers = check_non_negative_int(n_workers, "n_workers")
    if n_workers < 1:
        raise ValueError(f"n_workers must be >= 1; got {n_workers}")
    settings = {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with dask.config.set(settings):
        return LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )


def close_quietly(cluster: LocalCluster) -> None:
    """Close a local cluster without Dask's INFO messages.

    ``LocalCluster(silence_logs=...)`` restores the log level before its
    scheduler and workers have finished closing, so they would still report
    every step of the shutdown.
    """
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        cluster.close()
    finally:
        logger.setLevel(level)


def dashboard_link(client: Client) -> str | None:
    """The dashboard's address if the scheduler serves a working one (bokeh installed there), else None."""
    if "dashboard" not in client.scheduler_info().get("services", {}):
        return None
    try:
        working = client.run_on_scheduler(has_dashboard)
    except Exception:  # a scheduler that refuses run_on_scheduler: no link, not a wrong one
        return None
    return client.dashboard_link if working else None


@contextmanager
def dask_client(client: Any = None, *, n_workers: int | None = None) -> Iterator[Client]:
    """A connected :class:`distributed.Client` for ``client`` (None, an address or a Client), with the worker plugin.

    What this context opened (a local cluster, a connection) it closes; a
    Client passed in stays open. A Client of yours that is open in the
    process but not passed in is neither used nor closed (``client=None``
    starts a cluster of its own even then).
    """
    if n_workers is not None and client is not None:
        raise ValueError(
            f"n_workers is for the local cluster started when client is None; got client={describe(client)}"
        )
    if client is not None and not isinstance(client, (str, Client)):
        raise TypeError(
            "client must be None (a local cluster), a scheduler address such as 'tcp://127.0.0.1:8786' "
            f"or a distributed.Client; got {describe(client)}"
        )
    cluster = start_local_cluster(n_workers) if client is None else None
    own = Client(cluster if cluster is not None else client) if not isinstance(client, Client) else None
    active = own if own is not None else client
    try:
        active.register_plugin(OneThreadPerWorker())
        link = dashboard_link(active)
        if link:
            print(f"Dask dashboard: {link}")
        yield active
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            close_quietly(cluster)


def run_tasks(
    client: Client,
    function: Callable[[Any], Any],
    tasks: Sequence[Any],
    *,
    progress: bool = True,
    desc: str = "cases",
    priorities: Sequence[int] | None = None,
) -> Iterator[tuple[int, Any, BaseException | None]]:
    """Submit ``function(task)`` for every task and yield ``(position, result, error)`` as each one finishes.

    ``priorities`` (higher first) let the largest cases start first, so that
    the run does not end with one worker busy on a big case while the others
    wait (the longest-processing-time-first rule).

    A task whose worker died is resubmitted by Dask on another worker
    (``distributed.scheduler.allowed-failures`` times); if it keeps killing
    workers, or raises, ``error`` holds the exception and ``result`` is None,
    so one bad case never stops the others.

    Results are gathered by ``as_completed(..., with_results=True,
    raise_errors=False)`` on ``client``'s own event loop, not fetched
    afterwards with ``future.result()``: a worker killed by one case takes
    the results it held for other cases with it, Dask computes those again,
    and ``future.result()`` on such a future raised "... is bound to a
    different event loop" (and stopped the whole run) whenever another
    Client was open in the process, such as one of your own.
    """
    priorities = [0] * len(tasks) if priorities is None else list(priorities)
    # submitted highest priority first too: the first tasks reach the workers before the scheduler sees the rest
    order = sorted(range(len(tasks)), key=lambda i: -priorities[i])
    futures = [client.submit(function, tasks[i], pure=False, priority=priorities[i]) for i in order]
    position = {future.key: i for i, future in zip(order, futures)}
    completed = as_completed(futures, loop=client.loop, with_results=True, raise_errors=False)
    with tqdm(total=len(futures), desc=desc, unit="case", disable=not progress) as bar:
        for future, outcome in completed:
            bar.update()
            i = position[future.key]
            if future.status == "error":
                yield i, None, outcome[1]
            elif future.cancelled():
                yield i, None, outcome
            else:
                yield i, outcome, None
            future.release()


def input_size(path: str) -> int:
    """Size in bytes of a case's image file as the client sees it (0 if it cannot: the file may live on the cluster only)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def worker_peak_memory(client: Client) -> dict[str, float]:
    """Largest resident memory (MiB) each worker process of ``client``'s cluster has reached so far."""
    from .preprocess import peak_rss_mib

    return client.run(peak_rss_mib)
