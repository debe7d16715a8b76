"""Figures for segmentation results.

Each function draws the *result* of a function in :mod:`crmlearn.segment`; none
computes a metric itself. All take ``ax=None`` (a new figure is made if needed),
pass ``**kwargs`` on to the main matplotlib or seaborn call, return the Axes and
leave global settings alone. All words shown live in :data:`TEXT`.

================================  ===================================================
function                          draws
================================  ===================================================
:func:`plot_tiers`                customers per tier (``membership_tiers(...).value_counts()``)
:func:`plot_lifecycle`            customers per lifecycle stage
:func:`plot_segment_profiles`     :func:`crmlearn.segment.segment_profiles` as a heatmap
================================  ===================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter

from ..errors import CRMDataError
from ._theme import PALETTE, new_axes

__all__ = ["TEXT", "plot_tiers", "plot_lifecycle", "plot_segment_profiles"]

#: Every word shown on a figure of this module.
TEXT = {
    "tiers_title": "Customers per loyalty tier",
    "tiers_x": "Tier (by yearly spend)",
    "tiers_y": "Customers",
    "lifecycle_title": "Customers per lifecycle stage",
    "lifecycle_x": "Stage",
    "lifecycle_y": "Customers",
    "profiles_title": "What each segment buys (mean share of order lines)",
    "profiles_x": "Category",
    "profiles_y": "Segment",
    "profiles_segment": "{segment} ({customers} customers)",
    "share_label": "{share:.0%}",
}


def _counts(counts, name: str) -> pd.Series:
    if isinstance(counts, pd.DataFrame) and counts.shape[1] == 1:
        counts = counts.iloc[:, 0]
    if not isinstance(counts, pd.Series):
        raise CRMDataError(
            f"{name}: expected a Series of customer counts per label, e.g. "
            f"membership_tiers(spend).value_counts(sort=False); got {type(counts).__name__}"
        )
    values = pd.to_numeric(counts, errors="coerce")
    if values.isna().any() or (values < 0).any():
        raise CRMDataError(f"{name}: counts must be non-negative numbers; got {counts.tolist()!r}")
    if isinstance(counts.index, pd.CategoricalIndex):
        values = values.reindex(counts.index.categories, fill_value=0)
    return values


def _bars(values: pd.Series, ax, colours, title, xlabel, ylabel, **kwargs):
    x = np.arange(len(values))
    kw = {"color": colours, "edgecolor": "white"} | kwargs
    bars = ax.bar(x, values.to_numpy(dtype=float), **kw)
    total = float(values.sum())
    ax.set_xticks(x, [str(i) for i in values.index])
    if total > 0:
        ax.bar_label(bars, labels=[f"{v:,.0f}\n{v / total:.0%}" for v in values], fontsize="small")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.margins(y=0.15)
    return ax


def plot_tiers(tier_counts, ax=None, **kwargs):
    """Bar chart of customers per loyalty tier, lowest tier left.

    Parameters
    ----------
    tier_counts : pandas.Series
        Customers per tier, e.g. ``membership_tiers(spend).value_counts(sort=False)``
        (a categorical index keeps the tier order and shows empty tiers).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_tiers(pd.Series({"Basis": 50, "Silber": 30, "Gold": 15, "Platin": 5}))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Basis', 'Silber', 'Gold', 'Platin']

    """
    values = _counts(tier_counts, "tier_counts")
    ax = new_axes(ax)
    colours = [PALETTE[i % len(PALETTE)] for i in (7, 0, 1, 4)][: len(values)]
    colours += [PALETTE[(i + 2) % len(PALETTE)] for i in range(len(values) - len(colours))]
    return _bars(values, ax, colours, TEXT["tiers_title"], TEXT["tiers_x"], TEXT["tiers_y"],
                 **kwargs)


def plot_lifecycle(stage_counts, ax=None, **kwargs):
    """Bar chart of customers per lifecycle stage, in the order of the cycle.

    Parameters
    ----------
    stage_counts : pandas.Series
        Customers per stage, e.g. ``lifecycle_stages(summary).value_counts(sort=False)``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_lifecycle(pd.Series({"new": 10, "active": 40, "at risk": 20, "lapsed": 30}))
    >>> ax.get_title()
    'Customers per lifecycle stage'

    """
    values = _counts(stage_counts, "stage_counts")
    ax = new_axes(ax)
    colours = {"new": PALETTE[0], "active": PALETTE[2], "at risk": PALETTE[1], "lapsed": PALETTE[3]}
    cols = [colours.get(str(s), PALETTE[7]) for s in values.index]
    return _bars(values, ax, cols, TEXT["lifecycle_title"], TEXT["lifecycle_x"],
                 TEXT["lifecycle_y"], **kwargs)


def plot_segment_profiles(profiles: pd.DataFrame, ax=None, **kwargs):
    """Heatmap of the mean category shares per segment, to name the segments.

    Parameters
    ----------
    profiles : pandas.DataFrame
        The result of :func:`crmlearn.segment.segment_profiles`: one row per
        segment, one column per category (shares 0-1) and optionally
        ``customers`` (shown in the row labels, not as a colour).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure (wide enough for the categories) if None.
    **kwargs
        Passed to :func:`seaborn.heatmap` (e.g. ``cmap``, ``annot=False``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> prof = pd.DataFrame({"Socken": [0.75, 0.0], "Zelte": [0.25, 1.0], "customers": [2, 1]},
    ...                     index=pd.Index([0, 1], name="segment"))
    >>> ax = plot_segment_profiles(prof)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['0 (2 customers)', '1 (1 customers)']

    """
    if not isinstance(profiles, pd.DataFrame) or profiles.empty:
        raise CRMDataError(
            "profiles: expected the non-empty DataFrame of crmlearn.segment.segment_profiles"
        )
    shares = profiles.drop(columns=["customers"], errors="ignore")
    try:
        data = shares.astype(float)
    except (TypeError, ValueError):
        raise CRMDataError("profiles: every category column must hold shares (numbers 0-1)") from None
    if "customers" in profiles.columns:
        labels = [TEXT["profiles_segment"].format(segment=s, customers=int(c))
                  for s, c in zip(profiles.index, profiles["customers"], strict=True)]
    else:
        labels = [str(s) for s in profiles.index]
    ax = new_axes(ax, figsize=(max(6.0, 0.45 * data.shape[1] + 2.5), 0.5 * len(data) + 2.5))
    kw = {"cmap": "Blues", "annot": True, "fmt": ".0%", "annot_kws": {"fontsize": "x-small"},
          "cbar_kws": {"format": PercentFormatter(1.0)}, "vmin": 0.0, "linewidths": 0.5,
          "linecolor": "white"} | kwargs
    sns.heatmap(data, ax=ax, xticklabels=[str(c) for c in data.columns], yticklabels=labels, **kw)
    ax.set_title(TEXT["profiles_title"])
    ax.set_xlabel(TEXT["profiles_x"])
    ax.set_ylabel(TEXT["profiles_y"])
    ax.tick_params(axis="y", rotation=0)
    return ax
