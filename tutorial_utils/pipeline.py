"""Composing ``Volume`` transforms into one training-time augmentation.

A transform is any callable ``t(volume, *, rng=None) -> Volume``; deterministic
steps without an ``rng`` parameter (``partial(resample_to_spacing, spacing=2.0)``)
are called with the volume only. The classes here are transforms too, so
pipelines nest::

    pipeline = Compose([
        RandomApply(random_flip, p=0.5),
        OneOf([random_rotate, random_zoom], weights=[2, 1]),
    ])
    augmented = pipeline(volume, rng=42)

One generator is drawn from for the whole pipeline, so image and label always
see the same draw (the usual blog ``ComposeTransforms`` draws separately per
modality), and the same seed gives the same sample. What each step did (and,
for a random one, drew) is in ``augmented.history``.
"""

from __future__ import annotations

import functools
import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._checks import RngLike, as_rng, check_probability, describe
from .records import volume_transform
from .volume import Volume

Transform = Callable[..., Volume]


def _name(transform: Transform) -> str:
    if isinstance(transform, functools.partial):
        return _name(transform.func)
    return getattr(transform, "__name__", type(transform).__name__)


def _describe(transform: Transform) -> str:
    """How a step reads in a pipeline's repr: nested pipelines in full, a partial with its keywords."""
    if isinstance(transform, (Compose, RandomApply, OneOf)):
        return repr(transform)
    if isinstance(transform, functools.partial):
        fixed = [repr(a) for a in transform.args] + [f"{k}={v!r}" for k, v in transform.keywords.items()]
        return f"{_name(transform)}({', '.join(fixed)})"
    return _name(transform)


def _check_transform(transform: Any, name: str) -> Transform:
    if not callable(transform):
        raise TypeError(f"{name} must be a callable t(volume, *, rng=None) -> Volume; got {describe(transform)}")
    return transform


def _takes_rng(transform: Transform) -> bool:
    """Whether ``transform`` accepts an ``rng`` keyword.

    Deterministic steps such as ``resample_to_spacing`` do not; they are
    called with the volume only.
    """
    try:
        parameters = inspect.signature(transform).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(
        (p.name == "rng" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)) or p.kind is p.VAR_KEYWORD
        for p in parameters
    )


def _run(transform: Transform, volume: Volume, rng: np.random.Generator) -> Volume:
    result = transform(volume, rng=rng) if _takes_rng(transform) else transform(volume)
    if not isinstance(result, Volume):
        raise TypeError(
            f"transform {_name(transform)!r} must return a Volume; got {describe(result)}. "
            f"Wrap array functions so they take and return a Volume."
        )
    return result


@volume_transform("skipped")
def _skipped(volume: Volume, *, transform: str) -> Volume:
    """Record that a :class:`RandomApply` decided not to apply ``transform`` (named); the volume is unchanged."""
    if not isinstance(transform, str):
        raise TypeError(f"transform must be the skipped transform's name; got {describe(transform)}")
    return volume


class Compose:
    """Apply transforms in order, all drawing from one random generator.

    Parameters
    ----------
    transforms : sequence of callables
        Each ``t(volume, *, rng=None) -> Volume``; a deterministic step
        without an ``rng`` parameter (``resample_to_spacing``,
        ``crop_or_pad_volume``, ...) is called as ``t(volume)``. Fix the
        other parameters with :func:`functools.partial`, e.g.
        ``partial(resample_to_spacing, spacing=2.0)``: unlike a lambda, a
        partial of a module-level function can be sent to worker processes.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume
    >>> def brighten(volume, *, rng=None):
    ...     return volume.replace(image=volume.image + 1)
    >>> pipeline = Compose([brighten, brighten])
    >>> float(pipeline(Volume(np.zeros((2, 2, 2)), np.eye(4)), rng=0).image.max())
    2.0
    """

    def __init__(self, transforms: Sequence[Transform]) -> None:
        if isinstance(transforms, (str, bytes)) or not isinstance(transforms, Sequence):
            raise TypeError(f"transforms must be a list of callables; got {describe(transforms)}")
        self.transforms = [_check_transform(t, f"transforms[{i}]") for i, t in enumerate(transforms)]

    def __call__(self, volume: Volume, *, rng: RngLike = None) -> Volume:
        if not isinstance(volume, Volume):
            raise TypeError(f"volume must be a Volume; got {describe(volume)}")
        generator = as_rng(rng)
        for transform in self.transforms:
            volume = _run(transform, volume, generator)
        return volume

    def __repr__(self) -> str:
        inner = textwrap.indent(",\n".join(_describe(t) for t in self.transforms), "    ")
        return f"Compose([\n{inner},\n])"


class RandomApply:
    """Apply ``transform`` with probability ``p``; the decision is drawn from ``rng``.

    A skipped application is recorded as a ``"skipped"`` entry in the
    history, so the record shows every decision.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume
    >>> def negate(volume, *, rng=None):
    ...     return volume.replace(image=-volume.image)
    >>> never = RandomApply(negate, p=0.0)
    >>> never(Volume(np.ones((2, 2, 2)), np.eye(4)), rng=0).history[0].name
    'skipped'
    """

    def __init__(self, transform: Transform, p: float = 0.5) -> None:
        self.transform = _check_transform(transform, "transform")
        self.p = check_probability(p, "p")

    def __call__(self, volume: Volume, *, rng: RngLike = None) -> Volume:
        generator = as_rng(rng)
        if generator.random() < self.p:
            return _run(self.transform, volume, generator)
        return _skipped(volume, transform=_name(self.transform))

    def __repr__(self) -> str:
        return f"RandomApply({_describe(self.transform)}, p={self.p:g})"


class OneOf:
    """Apply exactly one of ``transforms``, chosen at random with ``weights``.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorial_utils import Volume
    >>> from tutorial_utils import random_flip, random_rotate
    >>> only_flips = OneOf([random_flip, random_rotate], weights=[1, 0])
    >>> only_flips(Volume(np.zeros((4, 4, 4)), np.eye(4)), rng=0).history[-1].name
    'flip'
    """

    def __init__(self, transforms: Sequence[Transform], weights: Sequence[float] | None = None) -> None:
        if isinstance(transforms, (str, bytes)) or not isinstance(transforms, Sequence) or not transforms:
            raise ValueError(f"transforms must be a non-empty list of callables; got {describe(transforms)}")
        self.transforms = [_check_transform(t, f"transforms[{i}]") for i, t in enumerate(transforms)]
        if weights is None:
            weights = [1.0] * len(self.transforms)
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (len(self.transforms),):
            raise ValueError(
                f"weights must have one entry per transform ({len(self.transforms)}); got {describe(weights)}"
            )
        if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"weights must be finite, >= 0 and not all 0; got {describe(weights)}")
        self.probabilities = w / w.sum()

    def __call__(self, volume: Volume, *, rng: RngLike = None) -> Volume:
        generator = as_rng(rng)
        choice = int(generator.choice(len(self.transforms), p=self.probabilities))
        return _run(self.transforms[choice], volume, generator)

    def __repr__(self) -> str:
        names = ", ".join(_describe(t) for t in self.transforms)
        weights = ", ".join(f"{p:.2f}" for p in self.probabilities)
        return f"OneOf([{names}], probabilities=[{weights}])"
