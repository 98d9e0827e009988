"""NAIVE three-plane display, as commonly found in blog posts: for demonstration only.

Reproduces, in our own short code, the usual blog ``show_mid_slice``: it
takes a bare numpy array and draws ``imshow(slice.T, cmap="gray",
origin="lower")`` for the middle slice of each plane. What goes wrong for
medical data:

1. every voxel is drawn square (matplotlib's default aspect), whatever the
   spacing: a 2 x 2 x 2.2 mm EPI looks 10 % flatter than it is, a CT with
   2.5 mm slices and 1.25 mm pixels half as tall;
2. there are no orientation letters (an array has no affine), so nobody can
   tell whether the patient's left is on the left or on the right of the
   axial panel; for an LAS volume it is on the right;
3. the panels have no plane names or slice indices, and the "middle" slice
   is ``int((n - 1) / 2)``, one below the centre ``n // 2`` for even ``n``.

Use :func:`tutorial_utils.show_mid_slice` / :func:`tutorial_utils.show_slices`
instead.
"""

from __future__ import annotations

from matplotlib.figure import Figure


def show_mid_slice(img_numpy, title="img"):
    """NAIVE: the blog's middle slices in three planes, square pixels, no orientation (see module).

    Returns the Figure (not registered with pyplot) so a notebook shows it once.
    """
    n_i, n_j, n_k = img_numpy.shape
    center_i1 = int((n_i - 1) / 2)
    center_j1 = int((n_j - 1) / 2)
    center_k1 = int((n_k - 1) / 2)
    slices = [img_numpy[center_i1, :, :], img_numpy[:, center_j1, :], img_numpy[:, :, center_k1]]
    fig = Figure(figsize=(9.5, 3.4))  # the course's figure width (950 px at 100 dpi); the bugs are the blog's
    axes = fig.subplots(1, len(slices))
    for ax, slice_2d in zip(axes, slices):
        ax.imshow(slice_2d.T, cmap="gray", origin="lower")
    fig.suptitle(title)
    return fig
