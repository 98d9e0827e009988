"""Timing and peak-memory measurement, one forked process per measurement.

How one measurement runs (``measure``):

1. The parent process has imported every library and loaded the volumes once
   (importing MONAI alone takes seconds); it never runs an operation itself.
2. It forks a child for each (library, operation, volume). The child builds
   the library's input object (a TorchIO ``Subject``, a MONAI ``MetaTensor``,
   our ``Volume``), runs the operation once on a small 48^3 crop so that code
   pages, thread pools and lazy imports are loaded (the warm-up), then returns
   its free heap to the system (``malloc_trim``) and resets the kernel's
   peak-RSS counter (``/proc/self/clear_refs``; Linux only, else no memory
   figure).
3. Full-size calls are timed (how many: ``Policy``); the median is reported,
   of the wall time and of the process's CPU time (all its threads), each
   measured around every call.
4. Peak memory is the kernel's peak resident set size (``VmHWM``) over the
   full-size calls, minus the resident size just before the first. It
   counts every allocation (numpy, torch's allocator, SimpleITK, threads'
   stacks), which tracemalloc would not; each output is dropped before the
   next call.

A child that raises reports the error; one that runs past ``Policy.timeout_s``
is killed and reported as a timeout.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import statistics
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import ndimage

#: An operation's set-up: builds the library's input from a volume (not timed)
#: and returns the call to time, which returns the output image (or None).
Setup = Callable[["BenchVolume"], Callable[[], Any]]

MIB = 1024 * 1024
#: Edge of the cube used to load code before the first full-size call.
_PRIMER_EDGE = 48


class Unavailable(Exception):
    """The library has no equivalent of this operation, or ours is not written yet."""


@dataclass(frozen=True, eq=False)
class BenchVolume:
    """An image, its label map and its affine, as every library receives them."""

    name: str
    image: np.ndarray
    label: np.ndarray
    affine: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.image.shape)  # type: ignore[return-value]

    @property
    def spacing(self) -> tuple[float, float, float]:
        return tuple(float(s) for s in np.sqrt((self.affine[:3, :3] ** 2).sum(axis=0)))  # type: ignore[return-value]

    @property
    def nbytes(self) -> int:
        return self.image.nbytes

    def centre_cube(self, edge: int) -> BenchVolume:
        """The centred ``edge``^3 box (or less where the volume is smaller), affine shifted."""
        start = [max(0, (n - edge) // 2) for n in self.shape]
        box = tuple(slice(a, a + edge) for a in start)
        affine = self.affine.copy()
        affine[:3, 3] = self.affine[:3, :3] @ np.asarray(start, dtype=np.float64) + self.affine[:3, 3]
        return BenchVolume(
            f"{self.name}-primer", np.ascontiguousarray(self.image[box]), np.ascontiguousarray(self.label[box]), affine
        )


#: The clinical CT: shape (voxels) and spacing (mm).
CT512_SHAPE = (512, 512, 300)
CT512_SPACING = (0.7, 0.7, 1.0)


def load_volumes(names: list[str]) -> dict[str, BenchVolume]:
    """``"mni"``: the 1 mm MNI template (197x233x189) with its tissue labels.
    ``"256"``: the same template resized (linear; labels nearest) to 256^3 and
    given 1 mm voxels, so the head fills a 256^3 grid as in a real head scan.
    ``"ct512"``: a clinical-size CT, the course's CT phantom generated at
    512x512x300 voxels of 0.7x0.7x1.0 mm (float32 HU, 300 MiB, with its
    tissue labels). All are deterministic.
    """
    import tutorial_utils as tu

    volumes = {}
    if "mni" in names or "256" in names:
        mni = tu.load_sample("mni")
        base = BenchVolume(
            "mni",
            np.ascontiguousarray(mni.image, dtype=np.float32),
            np.ascontiguousarray(mni.label, dtype=np.uint8),
            np.asarray(mni.affine, dtype=np.float64),
        )
        if "mni" in names:
            volumes["mni"] = base
        if "256" in names:
            factors = [256 / n for n in base.shape]
            image = ndimage.zoom(base.image, factors, order=1, output=np.float32, grid_mode=True, mode="nearest")
            label = ndimage.zoom(base.label, factors, order=0, grid_mode=True, mode="nearest")
            affine = np.eye(4)
            affine[:3, 3] = -(np.asarray(image.shape) - 1) / 2.0
            volumes["256"] = BenchVolume("256", image, label, affine)
    if "ct512" in names:
        ct = tu.make_ct_phantom(shape=CT512_SHAPE, spacing=CT512_SPACING, rng=0)
        volumes["ct512"] = BenchVolume(
            "ct512",
            np.ascontiguousarray(ct.image, dtype=np.float32),
            np.ascontiguousarray(ct.label, dtype=np.uint8),
            np.asarray(ct.affine, dtype=np.float64),
        )
    return volumes


@dataclass(frozen=True)
class Policy:
    """How many full-size calls are timed.

    The first full-size call (after the 48^3 warm-up) is timed too; more calls
    follow until about ``target_s`` is spent, at least ``min_calls`` for calls
    under ``slow_s`` and at most ``max_calls``. A call slower than ``slow_s``
    runs once: on 2 cores the whole benchmark must fit in 10 minutes, and the
    noise of one multi-second call is small next to its length.
    """

    target_s: float = 1.5
    slow_s: float = 2.0
    min_calls: int = 3
    max_calls: int = 9
    timeout_s: float = 300.0

    def extra_calls(self, first_call_s: float) -> int:
        """Calls to time after the first one."""
        if first_call_s >= self.slow_s:
            return 0
        wanted = int(self.target_s / max(first_call_s, 1e-6))
        return max(self.min_calls, min(self.max_calls, wanted)) - 1


@dataclass
class Measurement:
    """What one child measured (times in seconds, memory in bytes)."""

    library: str
    op: str
    volume: str
    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    peak_bytes: int | None = None
    out_shape: tuple[int, ...] | None = None
    error: str | None = None

    @property
    def median_s(self) -> float | None:
        """Median wall time of the timed calls."""
        return statistics.median(self.times) if self.times else None

    @property
    def median_cpu_s(self) -> float | None:
        """Median CPU time of the process (every thread) over the timed calls."""
        return statistics.median(self.cpu_times) if self.cpu_times else None

    def seconds(self, clock: str) -> float | None:
        """The median of ``clock``: ``"wall"`` or ``"cpu"``."""
        return self.median_cpu_s if clock == "cpu" else self.median_s


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


def _trim_heap() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: nothing to trim
        pass


#: Share of the memory available when a measurement starts that its process may map.
MEMORY_SHARE = 0.8
OUT_OF_MEMORY = "out of memory"


def _limit_memory() -> None:
    """Cap this process's address space at what it maps now plus ``MEMORY_SHARE`` of the available memory.

    An operation that needs more then fails with an allocation error in this
    process (reported as out of memory) instead of waking the kernel's OOM
    killer, which could kill another process of the machine.
    """
    try:
        import resource

        with open("/proc/meminfo") as meminfo:
            available = next(int(line.split()[1]) for line in meminfo if line.startswith("MemAvailable:"))
        limit = _status_kib("VmSize") * 1024 + int(MEMORY_SHARE * available * 1024)
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError, StopIteration, ImportError):  # not Linux, or a hard limit already lower
        pass


def _is_out_of_memory(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}".lower()
    return isinstance(exc, MemoryError) or any(
        word in text for word in ("can't allocate memory", "not enough memory", "bad_alloc", "failed to allocate")
    )


def _reset_peak_rss() -> int | None:
    """Reset the peak-RSS counter to the current RSS; return that RSS in bytes (None if unsupported)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return _status_kib("VmRSS") * 1024
    except OSError:
        return None


def output_shape(out: Any) -> tuple[int, ...] | None:
    """Spatial shape of an operation's output (the last three axes), or None."""
    shape = getattr(out, "shape", None)
    return None if shape is None else tuple(int(n) for n in shape)[-3:]


def _child(conn: Any, setup: Setup, volume: BenchVolume, policy: Policy, result: Measurement) -> None:
    _limit_memory()
    try:
        try:
            with warnings.catch_warnings():  # e.g. TorchIO's folding warning, meant for the tiny cube
                warnings.simplefilter("ignore")
                setup(volume.centre_cube(_PRIMER_EDGE))()
        except Exception:  # an op may need a bigger input (a fixed crop size): the full call loads the code then
            pass
        call = setup(volume)
        gc.collect()
        _trim_heap()
        baseline = _reset_peak_rss()
        start, cpu = time.perf_counter(), time.process_time()
        out = call()
        result.times.append(time.perf_counter() - start)
        result.cpu_times.append(time.process_time() - cpu)
        result.out_shape = output_shape(out)
        del out
        for _ in range(policy.extra_calls(result.times[0])):
            start, cpu = time.perf_counter(), time.process_time()
            out = call()
            result.times.append(time.perf_counter() - start)
            result.cpu_times.append(time.process_time() - cpu)
            del out
        if baseline is not None:
            result.peak_bytes = _status_kib("VmHWM") * 1024 - baseline
    except Unavailable as exc:
        result.error = f"n/a: {exc}"
    except Exception as exc:
        if _is_out_of_memory(exc):
            result.error = f"{OUT_OF_MEMORY} ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
        else:
            result.error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
    conn.send(result)
    conn.close()


def measure(library: str, op: str, setup: Setup, volume: BenchVolume, policy: Policy) -> Measurement:
    """Run ``setup(volume)`` and time its call in a forked child (see the module docstring)."""
    result = Measurement(library, op, volume.name)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, setup, volume, policy, result))
    child.start()
    sender.close()
    try:
        if receiver.poll(policy.timeout_s):
            result = receiver.recv()
        else:
            child.kill()
            result.error = f"timeout after {policy.timeout_s:.0f} s"
    except EOFError:
        result.error = "the child process died (out of memory?)"
    child.join()
    if child.exitcode == -9 and result.error is not None and "died" in result.error:
        result.error = f"{OUT_OF_MEMORY} (killed by the kernel)"
    if child.exitcode not in (0, None) and result.error is None and not result.times:
        result.error = f"the child process exited with code {child.exitcode}"
    return result


def _call_child(conn: Any, fn: Callable[[], Any]) -> None:
    try:
        conn.send(("ok", fn()))
    except Exception as exc:
        traceback.print_exc()
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    conn.close()


def call_in_child(fn: Callable[[], Any], timeout_s: float = 600.0) -> Any:
    """Run ``fn()`` in a forked child and return its (picklable) result; raise RuntimeError on failure."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_call_child, args=(sender, fn))
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            child.kill()
            raise RuntimeError(f"timeout after {timeout_s:.0f} s")
        status, value = receiver.recv()
    except EOFError:
        raise RuntimeError("the child process died (out of memory?)") from None
    finally:
        child.join()
    if status != "ok":
        raise RuntimeError(value)
    return value


def memcpy_setup(volume: BenchVolume) -> Callable[[], Any]:
    """The floor: copy the image into an existing buffer (``np.copyto``), its pages already mapped."""
    buffer = np.empty_like(volume.image)
    np.copyto(buffer, volume.image)  # map the pages now: one timed call (ct512) must not pay for them

    def call() -> np.ndarray:
        np.copyto(buffer, volume.image)
        return buffer

    return call


def fft_setup(volume: BenchVolume) -> Callable[[], Any]:
    """The floor of a k-space artifact done the plain way: one forward and one inverse FFT of the image.

    ``scipy.fft.rfftn`` then ``irfftn`` (float32 in, complex64 between: the cheapest exact round trip
    of a real volume), on as many threads as the package uses.
    """
    import scipy.fft

    import tutorial_utils as tu

    workers = tu.num_threads()

    def call() -> np.ndarray:
        spectrum = scipy.fft.rfftn(volume.image, workers=workers)
        return scipy.fft.irfftn(spectrum, s=volume.shape, workers=workers, overwrite_x=True)

    return call


def environment() -> dict[str, str]:
    """Versions and machine facts for the report."""
    import platform

    import scipy

    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "cpus": str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else str(os.cpu_count()),
        "machine": f"{platform.system()} {platform.machine()}",
    }
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for module in ("tutorial_utils", "torch", "torchio", "monai", "SimpleITK", "matplotlib"):
        try:
            info[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            pass
    try:
        import torch

        info["torch threads"] = str(torch.get_num_threads())
    except ImportError:
        pass
    return info
