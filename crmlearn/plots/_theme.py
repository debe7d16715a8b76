"""One consistent look for every crmlearn figure, switched on explicitly.

Importing crmlearn changes no global setting. A notebook calls
:func:`use_theme` once (or :func:`presentation_mode` on a projector); plot
functions only read the palette below.
"""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

__all__ = ["PALETTE", "CLASS_COLOURS", "use_theme", "presentation_mode", "new_axes"]

# Colour-blind safe (seaborn "colorblind"), in a fixed order so colours mean the
# same thing across lessons.
PALETTE = sns.color_palette("colorblind", 10).as_hex()
CLASS_COLOURS = {"A": PALETTE[2], "B": PALETTE[1], "C": PALETTE[3]}

_BASE_RC = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
}


def use_theme(scale: float = 1.0) -> None:
    """Switch on the crmlearn look for all following figures.

    Parameters
    ----------
    scale : float
        Font scale; 1.0 for a laptop screen, about 1.6 for a projector.

    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=PALETTE,
        font_scale=scale,
        rc=dict(_BASE_RC),
    )


def presentation_mode(on: bool = True) -> None:
    """Large fonts and thick lines for a projector in a lecture hall (or back).

    ``presentation_mode()`` makes every following figure readable from the back
    row: fonts 1.6 times larger, thicker lines and a larger figure.
    ``presentation_mode(False)`` returns to the normal workbook theme.
    """
    if on:
        use_theme(scale=1.6)
        mpl.rcParams.update(
            {"figure.figsize": (11.0, 6.0), "lines.linewidth": 3.0, "lines.markersize": 9}
        )
    else:
        use_theme(scale=1.0)


def new_axes(ax=None, **subplot_kw):
    """Return ``ax`` or, if it is None, the Axes of a new figure."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(**subplot_kw)
    return ax
