"""Figures for record linkage (the "Identify" step of IDIC).

Each function draws the *result* of a function in :mod:`crmlearn.identify`;
none computes a metric itself. All take ``ax=None`` (a new figure is made if
needed), pass ``**kwargs`` on to the main matplotlib call, return the Axes and
leave global settings alone. All words shown on a figure live in :data:`TEXT`.

==========================  ===============================================
function                    draws the result of
==========================  ===============================================
:func:`plot_tradeoff`       :func:`crmlearn.identify.threshold_tradeoff`
:func:`plot_recognition`    :func:`crmlearn.identify.evaluate`
==========================  ===============================================
"""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import PercentFormatter

from ..errors import CRMDataError
from ._theme import PALETTE, new_axes

__all__ = ["TEXT", "plot_tradeoff", "plot_recognition"]

#: Every word shown on a figure of this module.
TEXT = {
    "tradeoff_title": "Precision and recall of record linkage",
    "tradeoff_x": "Threshold (smallest score that counts as a match)",
    "tradeoff_y": "Share",
    "precision": "Precision (assigned records that are right)",
    "recall": "Recall (all records assigned rightly)",
    "f1": "F1",
    "threshold": "Chosen threshold {value:g}",
    "recognition_title": "Recognition rate per touchpoint",
    "recognition_x": "Touchpoint",
    "recognition_y": "Records recognised (recall)",
    "recognition_label": "{value:.1%}",
    "sources": {"webshop": "Webshop", "loyalty_card": "Loyalty card", "call_centre": "Call centre",
                "all": "All touchpoints"},
}


def _need_columns(table, columns, what, producer):
    if not isinstance(table, pd.DataFrame) or not set(columns) <= set(table.columns):
        got = list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__
        raise CRMDataError(
            f"{what} must be the DataFrame from {producer} with the columns {list(columns)}, "
            f"got {got}"
        )


def plot_tradeoff(tradeoff, threshold=None, ax=None, **kwargs):
    """Draw precision, recall and F1 against the linkage threshold.

    Parameters
    ----------
    tradeoff : DataFrame
        Result of :func:`crmlearn.identify.threshold_tradeoff`.
    threshold : float, optional
        Mark this threshold with a vertical line (e.g. the one used by ``link``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    **kwargs
        Passed to each ``ax.plot`` call (e.g. ``linewidth``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> t = pd.DataFrame({"threshold": [0.2, 0.5, 0.8], "precision": [0.7, 0.9, 1.0],
    ...                   "recall": [0.9, 0.8, 0.5], "f1": [0.79, 0.85, 0.67]})
    >>> ax = plot_tradeoff(t, threshold=0.5)
    >>> [line.get_label() for line in ax.get_lines()][:3]
    ['Precision (assigned records that are right)', 'Recall (all records assigned rightly)', 'F1']
    >>> plt.close("all")

    """
    _need_columns(tradeoff, ["threshold", "precision", "recall", "f1"], "tradeoff",
                  "threshold_tradeoff(...)")
    ax = new_axes(ax)
    x = tradeoff["threshold"].to_numpy(float)
    for col, colour in (("precision", PALETTE[0]), ("recall", PALETTE[1]), ("f1", PALETTE[2])):
        style = {"color": colour, "label": TEXT[col], "linestyle": "--" if col == "f1" else "-"}
        ax.plot(x, tradeoff[col].to_numpy(float), **{**style, **kwargs})
    if threshold is not None:
        ax.axvline(float(threshold), color="0.3", linestyle=":", linewidth=1.2,
                   label=TEXT["threshold"].format(value=float(threshold)))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(TEXT["tradeoff_x"])
    ax.set_ylabel(TEXT["tradeoff_y"])
    ax.set_title(TEXT["tradeoff_title"])
    ax.legend(loc="lower left")
    return ax


def plot_recognition(evaluation, ax=None, **kwargs):
    """Draw the recognition rate (recall) of each touchpoint as bars.

    The row ``"all"`` of the evaluation is drawn as a horizontal reference line.

    Parameters
    ----------
    evaluation : DataFrame
        Result of :func:`crmlearn.identify.evaluate`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    **kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> e = pd.DataFrame({"source": ["call_centre", "webshop", "all"],
    ...                   "recall": [0.95, 0.99, 0.97]})
    >>> ax = plot_recognition(e)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Call centre', 'Webshop']
    >>> plt.close("all")

    """
    _need_columns(evaluation, ["source", "recall"], "evaluation", "evaluate(...)")
    ax = new_axes(ax)
    names = TEXT["sources"]
    per_source = evaluation[evaluation["source"] != "all"]
    labels = [names.get(s, str(s)) for s in per_source["source"]]
    values = per_source["recall"].to_numpy(float)
    bars = ax.bar(labels, values, **{"color": PALETTE[0], **kwargs})
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(TEXT["recognition_label"].format(value=value),
                    (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom",
                    xytext=(0, 2), textcoords="offset points")
    overall = evaluation.loc[evaluation["source"] == "all", "recall"]
    if len(overall):
        ax.axhline(float(overall.iloc[0]), color="0.3", linestyle=":", linewidth=1.2,
                   label=f"{names['all']}: {TEXT['recognition_label'].format(value=float(overall.iloc[0]))}")
        ax.legend(loc="lower right")
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(TEXT["recognition_x"])
    ax.set_ylabel(TEXT["recognition_y"])
    ax.set_title(TEXT["recognition_title"])
    return ax
