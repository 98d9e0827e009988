"""NAIVE k-space and MRI-noise code, as commonly found in blog posts: for demonstration only.

Two shortcuts, reproduced in our own short numpy code:

1. ``truncate_kspace`` takes ``np.fft.fftn`` of the image and keeps the
   central box of the array, believing it keeps the low frequencies. Without
   ``fftshift`` the zero frequency sits at index 0, in the corners: the
   central box holds the *highest* frequencies, so the "blurred" image is an
   edge map. A k-space shown without the shift has its bright centre split
   into the four corners.
2. ``gaussian_noise_clipped`` adds Gaussian noise and clips at 0 so that the
   image stays non-negative. Real magnitude-MRI noise is Rician: on the
   background its mean is ``std * sqrt(pi / 2)`` (about 1.25 std), while
   clipped Gaussian noise has mean ``std / sqrt(2 pi)`` (about 0.4 std) and
   leaves half of the background exactly 0.

Use :func:`tutorial_utils.to_kspace` / :func:`tutorial_utils.gibbs` and
:func:`tutorial_utils.rician_noise` instead.
"""

from __future__ import annotations

import numpy as np


def truncate_kspace(image, fraction=0.5):
    """NAIVE: keep the central ``fraction`` of the UNSHIFTED FFT along every axis (see module, shortcut 1)."""
    kspace = np.fft.fftn(image)
    keep = np.zeros(kspace.shape, bool)
    box = tuple(slice(int(n * (1 - fraction) / 2), int(n * (1 + fraction) / 2)) for n in kspace.shape)
    keep[box] = True
    return np.abs(np.fft.ifftn(np.where(keep, kspace, 0))).astype(np.float32)


def gaussian_noise_clipped(image, std, seed=0):
    """NAIVE: Gaussian noise, then ``np.clip(..., 0, None)`` (see module, shortcut 2)."""
    noise = np.random.default_rng(seed).normal(0, std, image.shape)
    return np.clip(image + noise, 0, None).astype(np.float32)
