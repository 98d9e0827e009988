"""What a pipeline *is*, as a hash: resume trusts an output only when the same code with the same parameters made it.

``repr(pipeline)`` is not enough: a nested step shows only its ``__name__``
(``step``, ``<lambda>``), so editing it from 4 mm to 3 mm changes nothing in
the text, and an object's default repr holds a memory address that changes
every session. :func:`pipeline_hash` instead walks the pipeline and hashes
everything that decides what it computes:

* ``Compose``, ``RandomApply``, ``OneOf``, ``functools.partial`` and any
  callable object: their type and their attributes (the steps, ``p``, the
  weights, bound arguments), recursively;
* a function of *your* code (a module without a version: a script, a
  notebook, a test; lambdas and local functions included): its compiled code
  (bytecode, constants, names, nested functions), its defaults, the values
  its closure holds, and the globals it reads that are plain values, arrays
  or callables (recursively). Line numbers and the file name are left out, so
  the same code typed in a new session, or moved within its file, gives the
  same hash; a changed number, name or statement gives another;
* a function, class or object of an installed library (a module with a
  ``__version__``: this package, numpy, scipy, ...) or of the standard
  library: its qualified name and the library's version, since its code is
  the library's; an object of such a class also by its pickled state
  (a torch module, say), or for this package's own classes by their
  attributes;
* numbers, strings, tuples, lists, dicts and numpy arrays by value (an
  array by its dtype, shape and a SHA-256 of its bytes).

Anything else (an object that can be neither walked nor pickled) cannot be
identified: :func:`pipeline_hash` names it in ``unidentified``, and
:func:`~tutorial_utils.dataset.preprocess.preprocess_dataset` then redoes
every case and says why, instead of trusting an output it cannot vouch for.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import pickle
import sys
import types
from typing import Any, NamedTuple

import numpy as np

__all__ = ["PipelineHash", "pipeline_hash"]

_PLAIN = (type(None), bool, int, float, complex, str, bytes)


class PipelineHash(NamedTuple):
    """The pipeline's hash and what in it could not be identified (empty when everything could)."""

    digest: str
    unidentified: tuple[str, ...]


def _library_version(module_name: str) -> str | None:
    """``"name version"`` when ``module_name`` belongs to an installed library or the standard library, else None."""
    top = module_name.partition(".")[0]
    if top in sys.stdlib_module_names:
        return f"{top} (Python {sys.version_info[0]}.{sys.version_info[1]})"
    module = sys.modules.get(top)
    if module is None:
        try:
            module = importlib.import_module(top)
        except Exception:  # not importable here: treat as user code
            return None
    version = getattr(module, "__version__", None)
    return None if version is None else f"{top} {version}"


def _global_names(code: types.CodeType) -> set[str]:
    """Names a code object (and the functions nested in it) may read from its globals."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


class _Walker:
    """Feeds a canonical description of an object graph into a SHA-256."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.unidentified: list[str] = []
        self._path: set[int] = set()

    def put(self, tag: str, text: str | bytes = b"") -> None:
        data = text.encode() if isinstance(text, str) else text
        self.digest.update(f"{tag}:{len(data)}:".encode() + data + b";")

    def feed(self, obj: Any) -> None:
        if isinstance(obj, _PLAIN):
            self.put(type(obj).__name__, repr(obj))
            return
        if isinstance(obj, np.generic):
            self.put("numpy", f"{obj.dtype.str}:{obj.item()!r}")
            return
        if isinstance(obj, types.ModuleType):
            self.put("module", obj.__name__)
            return
        if id(obj) in self._path:  # a cycle: its start is being described already
            self.put("cycle", type(obj).__qualname__)
            return
        self._path.add(id(obj))
        try:
            self._feed_container_or_callable(obj)
        finally:
            self._path.discard(id(obj))

    def _feed_container_or_callable(self, obj: Any) -> None:
        if isinstance(obj, np.ndarray):
            self.put("ndarray", f"{obj.dtype.str}{obj.shape}")
            if obj.dtype.hasobject:
                self.feed(obj.tolist())
            else:
                self.put("bytes", hashlib.sha256(np.ascontiguousarray(obj).tobytes()).digest())
        elif isinstance(obj, (tuple, list)):
            self.put(type(obj).__name__, str(len(obj)))
            for item in obj:
                self.feed(item)
        elif isinstance(obj, dict):
            self.put("dict", str(len(obj)))
            for key in sorted(obj, key=repr):
                self.feed(key)
                self.feed(obj[key])
        elif isinstance(obj, (set, frozenset)):
            self.put(type(obj).__name__, str(len(obj)))
            for item in sorted(obj, key=repr):
                self.feed(item)
        elif isinstance(obj, functools.partial):
            self.put("partial")
            self.feed(obj.func)
            self.feed(obj.args)
            self.feed(obj.keywords)
        elif isinstance(obj, types.MethodType):
            self.put("method")
            self.feed(obj.__func__)
            self.feed(obj.__self__)
        elif isinstance(obj, types.FunctionType):
            self._function(obj)
        elif isinstance(obj, (types.BuiltinFunctionType, np.ufunc)):
            module = getattr(obj, "__module__", None) or "builtins"
            self.put("builtin", f"{module}.{getattr(obj, '__qualname__', obj.__name__)}")
        elif isinstance(obj, (staticmethod, classmethod, property)):
            self.put(type(obj).__name__)
            for part in (getattr(obj, "__func__", None), getattr(obj, "fget", None), getattr(obj, "fset", None)):
                if part is not None:
                    self.feed(part)
        elif isinstance(obj, type):
            self._class(obj)
        elif isinstance(obj, types.CodeType):
            self._code(obj)
        else:
            self._object(obj)

    def _function(self, fn: types.FunctionType) -> None:
        module = getattr(fn, "__module__", None) or "__main__"
        self.put("function", f"{module}.{fn.__qualname__}")
        library = _library_version(module)
        if library is not None:
            self.put("library", library)
            return
        self._code(fn.__code__)
        self.feed(fn.__defaults__)
        self.feed(fn.__kwdefaults__)
        for cell in fn.__closure__ or ():
            try:
                self.feed(cell.cell_contents)
            except ValueError:  # an empty cell (a name assigned after the function was made)
                self.put("empty cell")
        for name in sorted(_global_names(fn.__code__)):
            if name in fn.__globals__ and _counts(fn.__globals__[name]):
                self.put("global", name)
                self.feed(fn.__globals__[name])

    def _code(self, code: types.CodeType) -> None:
        self.put("code", code.co_code)
        for field in ("co_names", "co_varnames", "co_freevars", "co_cellvars"):
            self.put(field, ",".join(getattr(code, field)))
        self.put("signature", f"{code.co_argcount},{code.co_posonlyargcount},{code.co_kwonlyargcount},{code.co_flags}")
        self.put("python", f"{sys.version_info[0]}.{sys.version_info[1]}")  # bytecode differs between versions
        for const in code.co_consts:
            self.feed(const)

    def _class(self, cls: type) -> None:
        module = getattr(cls, "__module__", None) or "__main__"
        self.put("class", f"{module}.{cls.__qualname__}")
        library = _library_version(module)
        if library is not None:
            self.put("library", library)
            return
        for base in cls.__bases__:
            if base is not object:
                self.feed(base)
        for name in sorted(vars(cls)):
            if not (name.startswith("__") and name.endswith("__")) or name in ("__call__", "__init__"):
                value = vars(cls)[name]
                if _counts(value) or isinstance(value, (staticmethod, classmethod, property)):
                    self.put("attribute", name)
                    self.feed(value)

    def _object(self, obj: Any) -> None:
        cls = type(obj)
        self.feed(cls)
        module = getattr(cls, "__module__", "") or ""
        if _library_version(module) is not None and not module.startswith("tutorial_utils"):
            try:
                self.put("pickled", hashlib.sha256(pickle.dumps(obj, protocol=4)).digest())
            except Exception:
                self.unidentified.append(f"a {module}.{cls.__qualname__} object (it cannot be pickled)")
            return
        state = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
        for klass in cls.__mro__:
            for slot in getattr(klass, "__slots__", ()):
                if slot not in ("__dict__", "__weakref__") and hasattr(obj, slot):
                    state[slot] = getattr(obj, slot)
        if not state and not hasattr(obj, "__dict__"):
            self.unidentified.append(f"a {module}.{cls.__qualname__} object (no attributes to read)")
            return
        self.feed(state)


def _counts(value: Any) -> bool:
    """Whether a global that a function reads is part of its identity: plain values, arrays, callables, modules."""
    if isinstance(value, (*_PLAIN, np.generic, np.ndarray, types.ModuleType, tuple, list, dict, set, frozenset)):
        return True
    return callable(value)


def pipeline_hash(pipeline: Any) -> PipelineHash:
    """A SHA-256 (32 hex digits) of everything that decides what ``pipeline`` computes (see the module docstring).

    Parameters
    ----------
    pipeline : callable
        A :class:`~tutorial_utils.pipeline.Compose`, a partial, a function, a
        lambda, a callable object; nested to any depth.

    Returns
    -------
    PipelineHash
        ``digest``, and ``unidentified``: what could not be identified
        (empty when everything could; then the digest vouches for nothing).

    Examples
    --------
    >>> from functools import partial
    >>> import tutorial_utils as tu
    >>> four = tu.Compose([tu.RandomApply(partial(tu.resample_to_spacing, spacing=4.0), p=0.5)])
    >>> three = tu.Compose([tu.RandomApply(partial(tu.resample_to_spacing, spacing=3.0), p=0.5)])
    >>> pipeline_hash(four) == pipeline_hash(four), pipeline_hash(four) == pipeline_hash(three)
    (True, False)
    >>> pipeline_hash(lambda volume: volume).unidentified
    ()
    """
    walker = _Walker()
    walker.feed(pipeline)
    return PipelineHash(walker.digest.hexdigest()[:32], tuple(dict.fromkeys(walker.unidentified)))
