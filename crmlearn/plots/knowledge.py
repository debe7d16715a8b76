"""Figures for customer knowledge: association rules and purchase timing.

Each function draws the *result* of a function in :mod:`crmlearn.knowledge`;
none computes a metric itself. All take ``ax=None`` (a new figure is made if
needed), pass ``**kwargs`` on to the main matplotlib call, return the Axes and
leave global settings alone. All words shown on a figure live in :data:`TEXT`.

==========================  ===============================================
function                    draws the result of
==========================  ===============================================
:func:`plot_rules`          :func:`crmlearn.knowledge.association_rules`
:func:`plot_timing`         :func:`crmlearn.knowledge.next_purchase_timing`
==========================  ===============================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from ..errors import CRMDataError
from ._theme import PALETTE, new_axes

__all__ = ["TEXT", "plot_rules", "plot_timing"]

#: Every word shown on a figure of this module.
TEXT = {
    "rules_title": "Association rules: which items are bought together",
    "rules_x": "Support (share of all baskets with both items)",
    "rules_y": "Confidence (share of baskets with A that also hold B)",
    "rules_colour": "Lift",
    "rule_label": "{antecedent} → {consequent}",
    "timing_title": "Days until the next purchase",
    "timing_x": "Days after the first purchase",
    "timing_y": "Customers",
    "timing_median": "Median: {value:.0f} days",
    "timing_never": "{count} of {total} customers ({share:.0%}) never bought it",
}


def _need_columns(table, columns, what, producer):
    if not isinstance(table, pd.DataFrame) or not set(columns) <= set(table.columns):
        got = list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__
        raise CRMDataError(
            f"{what} must be the DataFrame from {producer} with the columns {list(columns)}, "
            f"got {got}"
        )


def plot_rules(rules, ax=None, top=5, **kwargs):
    """Scatter the rules by support and confidence; point size and colour show lift.

    Parameters
    ----------
    rules : DataFrame
        Result of :func:`crmlearn.knowledge.association_rules`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    top : int
        Label the ``top`` rules with the highest lift (0 for no labels).
    **kwargs
        Passed to ``ax.scatter`` (e.g. ``cmap``, ``alpha``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> rules = pd.DataFrame({"antecedent": ["Kocher", "Zelte"], "consequent": ["Gas", "Isomatten"],
    ...                       "support": [0.035, 0.04], "confidence": [0.63, 0.51],
    ...                       "lift": [6.7, 5.9]})
    >>> ax = plot_rules(rules, top=1)
    >>> [t.get_text() for t in ax.texts]
    ['Kocher → Gas']
    >>> plt.close("all")

    """
    _need_columns(rules, ["antecedent", "consequent", "support", "confidence", "lift"], "rules",
                  "association_rules(...)")
    ax = new_axes(ax)
    lift = rules["lift"].to_numpy(float)
    size = 30 + 170 * (lift / lift.max()) if len(lift) and lift.max() > 0 else 30
    style = {"c": lift, "s": size, "cmap": "viridis", "alpha": 0.8, "edgecolors": "white"}
    points = ax.scatter(rules["support"].to_numpy(float), rules["confidence"].to_numpy(float),
                        **{**style, **kwargs})
    if len(rules):
        ax.figure.colorbar(points, ax=ax, label=TEXT["rules_colour"])
    best = rules.assign(_lift=lift).nlargest(max(int(top), 0), "_lift") if top else rules.iloc[:0]
    for _, r in best.iterrows():
        ax.annotate(TEXT["rule_label"].format(antecedent=r["antecedent"], consequent=r["consequent"]),
                    (r["support"], r["confidence"]), xytext=(6, 4), textcoords="offset points",
                    fontsize="small")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(TEXT["rules_x"])
    ax.set_ylabel(TEXT["rules_y"])
    ax.set_title(TEXT["rules_title"])
    return ax


def plot_timing(timing, ax=None, bins=30, **kwargs):
    """Histogram of the days until the next purchase, with the median marked.

    Customers who never made the next purchase (``days`` NaN) cannot appear
    in a histogram; their number is given in the legend instead.

    Parameters
    ----------
    timing : DataFrame
        Result of :func:`crmlearn.knowledge.next_purchase_timing`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    bins : int or sequence
        Bins of the histogram.
    **kwargs
        Passed to ``ax.hist``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> timing = pd.DataFrame({"days": [30.0, 60.0, 90.0, np.nan]})
    >>> ax = plot_timing(timing, bins=3)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Median: 60 days', '1 of 4 customers (25%) never bought it']
    >>> plt.close("all")

    """
    _need_columns(timing, ["days"], "timing", "next_purchase_timing(...)")
    ax = new_axes(ax)
    days = timing["days"].to_numpy(float)
    seen = days[~np.isnan(days)]
    if len(seen):
        ax.hist(seen, bins=bins, **{"color": PALETTE[0], "edgecolor": "white", **kwargs})
        ax.axvline(float(np.median(seen)), color=PALETTE[3], linestyle="--", linewidth=1.5,
                   label=TEXT["timing_median"].format(value=float(np.median(seen))))
    never = len(days) - len(seen)
    if never:
        ax.plot([], [], " ", label=TEXT["timing_never"].format(count=never, total=len(days),
                                                               share=never / len(days)))
    if len(seen) or never:
        ax.legend(loc="upper right")
    ax.set_xlabel(TEXT["timing_x"])
    ax.set_ylabel(TEXT["timing_y"])
    ax.set_title(TEXT["timing_title"])
    return ax
