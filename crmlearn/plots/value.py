"""Figures for customer value and loyalty metrics.

Each function draws the *result* of a function in :mod:`crmlearn.value` or
:mod:`crmlearn.loyalty`; none computes a metric itself. All take ``ax=None``
(a new figure is made if needed), pass ``**kwargs`` on to the main matplotlib
or seaborn call, return the Axes, and leave global settings alone. All words
shown on a figure live in :data:`TEXT`, so a German edition only swaps that dict.

==============================  =============================================
function                        draws the result of
==============================  =============================================
:func:`plot_clv_curve`          :func:`crmlearn.value.cumulative_clv`
:func:`plot_lorenz`             :func:`crmlearn.value.lorenz_curve`
:func:`plot_abc`                :func:`crmlearn.value.abc_table`
:func:`plot_rfm_heatmap`        :func:`crmlearn.value.rfm_scores`
:func:`plot_margin_waterfall`   :func:`crmlearn.value.contribution_margins`
:func:`plot_value_categories`   :func:`crmlearn.value.value_categories`
:func:`plot_nps`                :func:`crmlearn.loyalty.nps_shares`
:func:`plot_cohort_retention`   :func:`crmlearn.loyalty.cohort_retention`
==============================  =============================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..errors import CRMDataError
from ._theme import CLASS_COLOURS, PALETTE, new_axes

__all__ = [
    "TEXT",
    "plot_clv_curve",
    "plot_lorenz",
    "plot_abc",
    "plot_rfm_heatmap",
    "plot_margin_waterfall",
    "plot_value_categories",
    "plot_nps",
    "plot_cohort_retention",
]

#: Every word shown on a figure of this module (titles, axis labels, legend
#: entries, names of stages, groups and categories).
TEXT = {
    # CLV curve
    "clv_title": "Customer lifetime value, year by year",
    "clv_x": "Year of the relationship",
    "clv_y": "EUR (discounted to today)",
    "clv_cumulative": "Cumulative CLV",
    "clv_discounted": "Discounted expected margin of the year",
    # Lorenz / Pareto
    "lorenz_title": "Concentration of customer value",
    "lorenz_x": "Share of customers (best first)",
    "lorenz_y": "Cumulative share of value",
    "lorenz_curve": "Customers",
    "lorenz_equal": "All customers equal",
    "lorenz_top": "Top {share:.0%} of customers bring {value:.0%} of the value",
    # ABC
    "abc_title": "ABC analysis",
    "abc_x": "Class",
    "abc_y": "Share",
    "abc_customers": "Share of customers",
    "abc_value": "Share of value",
    "abc_class": "Class {label}",
    # RFM
    "rfm_title_count": "Customers by recency and frequency points",
    "rfm_title_value": "Mean {value} by recency and frequency points",
    "rfm_x": "Frequency points (f)",
    "rfm_y": "Recency points (r, high = recent)",
    "rfm_count": "Customers",
    # contribution margin waterfall
    "waterfall_title": "Contribution margin accounting",
    "waterfall_y": "EUR",
    "revenue": "Revenue",
    "deductions": "Deductions",
    "net_revenue": "Net revenue",
    "product_cost": "Product cost",
    "cm1": "CM I",
    "service_cost": "Service cost",
    "delivery_cost": "Delivery cost",
    "cm2": "CM II",
    "marketing_cost": "Marketing cost",
    "acquisition_cost": "Acquisition cost",
    "cm3": "CM III",
    # value categories
    "categories_title": "Value categories: actual and potential value",
    "categories_x": "Actual value (EUR)",
    "categories_y": "Unrealized potential value (EUR)",
    "categories_legend": "Category",
    "MVC": "Most valuable (MVC)",
    "MGC": "Most growable (MGC)",
    "Migrator": "Migrators",
    "BZC": "Below zero (BZC)",
    # NPS
    "nps_title": "Net Promoter Score: {score:+.0f}",
    "nps_x": "Share of answers",
    "detractors": "Detractors (0-6)",
    "passives": "Passives (7-8)",
    "promoters": "Promoters (9-10)",
    # cohorts
    "cohort_title": "Share of each cohort still active",
    "cohort_x": "Periods since the first one",
    "cohort_y": "Cohort (first period)",
}

_CATEGORY_COLOURS = {
    "MVC": PALETTE[2],
    "MGC": PALETTE[0],
    "Migrator": PALETTE[7],
    "BZC": PALETTE[3],
}
_NPS_COLOURS = {"detractors": PALETTE[3], "passives": PALETTE[7], "promoters": PALETTE[2]}
_STAGES = [
    ("revenue", "start"),
    ("deductions", "minus"),
    ("net_revenue", "total"),
    ("product_cost", "minus"),
    ("cm1", "total"),
    ("service_cost", "minus"),
    ("delivery_cost", "minus"),
    ("cm2", "total"),
    ("marketing_cost", "minus"),
    ("acquisition_cost", "minus"),
    ("cm3", "total"),
]


def _need_columns(table, columns, what, producer):
    if not isinstance(table, pd.DataFrame) or not set(columns) <= set(table.columns):
        got = list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__
        raise CRMDataError(
            f"{what} must be the DataFrame from {producer} with the columns {list(columns)}, "
            f"got {got}"
        )


def plot_clv_curve(curve, ax=None, **kwargs):
    """Draw the CLV curve: cumulative CLV as a line over the yearly discounted margins.

    Parameters
    ----------
    curve : DataFrame
        Result of :func:`crmlearn.value.cumulative_clv`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    **kwargs
        Passed to ``ax.plot`` for the cumulative line.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlearn.value import cumulative_clv
    >>> ax = plot_clv_curve(cumulative_clv(100, 0.8, 0.1, years=10))
    >>> ax.get_title()
    'Customer lifetime value, year by year'

    """
    _need_columns(curve, ["year", "discounted", "cumulative"], "curve", "cumulative_clv(...)")
    ax = new_axes(ax)
    ax.bar(curve["year"], curve["discounted"], color=PALETTE[0], alpha=0.35,
           label=TEXT["clv_discounted"])
    line_kw = {"color": PALETTE[0], "marker": "o", "label": TEXT["clv_cumulative"]} | kwargs
    ax.plot(curve["year"], curve["cumulative"], **line_kw)
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_title(TEXT["clv_title"])
    ax.set_xlabel(TEXT["clv_x"])
    ax.set_ylabel(TEXT["clv_y"])
    ax.legend(loc="upper left")
    return ax


def plot_lorenz(lorenz, classes=None, ax=None, top=0.2, **kwargs):
    """Draw the Lorenz (Pareto) curve of customer value, optionally with A/B/C bands.

    Parameters
    ----------
    lorenz : DataFrame
        Result of :func:`crmlearn.value.lorenz_curve`.
    classes : Series or DataFrame, optional
        Either the result of :func:`crmlearn.value.abc_classes` or of
        :func:`crmlearn.value.abc_table`; the shares of customers per class
        become shaded bands, A from the left. Only meaningful for classes
        computed from the same values.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    top : float or None
        Mark and label the point "top x % of customers bring y % of value"
        read off the curve; None for no mark.
    **kwargs
        Passed to ``ax.plot`` for the curve.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlearn.value import abc_classes, lorenz_curve
    >>> revenue = [900, 50, 400, 30, 120, 80, 60, 40, 20, 300]
    >>> ax = plot_lorenz(lorenz_curve(revenue), classes=abc_classes(revenue))
    >>> ax.get_legend().get_texts()[-1].get_text()
    'Top 20% of customers bring 65% of the value'

    """
    _need_columns(lorenz, ["customer_share", "value_share"], "lorenz", "lorenz_curve(...)")
    ax = new_axes(ax)
    x = lorenz["customer_share"].to_numpy()
    y = lorenz["value_share"].to_numpy()
    if classes is not None:
        if isinstance(classes, pd.DataFrame):
            _need_columns(classes, ["customer_share"], "classes", "abc_table(...)")
            shares = classes["customer_share"].reindex(["A", "B", "C"]).fillna(0.0)
        elif isinstance(classes, pd.Series):
            shares = classes.value_counts(normalize=True).reindex(["A", "B", "C"]).fillna(0.0)
        else:
            raise CRMDataError(
                "classes must be the Series from abc_classes(...) or the table from "
                f"abc_table(...), got {type(classes).__name__}"
            )
        left = 0.0
        for label, share in shares.items():
            if share > 0:
                ax.axvspan(left, left + share, color=CLASS_COLOURS[label], alpha=0.15,
                           linewidth=0)
                ax.text(left + share / 2, 0.02, label, ha="center", va="bottom",
                        fontsize="large", fontweight="bold", color=CLASS_COLOURS[label],
                        transform=ax.get_xaxis_transform())
            left += share
    ax.plot([0, 1], [0, 1], color="0.5", linestyle="--", linewidth=1,
            label=TEXT["lorenz_equal"])
    curve_kw = {"color": PALETTE[0], "linewidth": 2.5, "label": TEXT["lorenz_curve"]} | kwargs
    ax.plot(x, y, **curve_kw)
    if top is not None:
        value = float(np.interp(top, x, y))
        ax.plot([top, top, 0], [0, value, value], color=PALETTE[1], linewidth=1, linestyle=":")
        ax.plot([top], [value], "o", color=PALETTE[1],
                label=TEXT["lorenz_top"].format(share=top, value=value))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, max(1.0, float(np.nanmax(y))) * 1.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(TEXT["lorenz_title"])
    ax.set_xlabel(TEXT["lorenz_x"])
    ax.set_ylabel(TEXT["lorenz_y"])
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.1))
    return ax


def plot_abc(abc_table, ax=None, **kwargs):
    """Draw share of customers next to share of value for each ABC class.

    Parameters
    ----------
    abc_table : DataFrame
        Result of :func:`crmlearn.value.abc_table`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    **kwargs
        Passed to both ``ax.bar`` calls.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlearn.value import abc_classes, abc_table
    >>> revenue = pd.Series([900, 50, 400, 30, 120, 80, 60, 40, 20, 300])
    >>> ax = plot_abc(abc_table(revenue, abc_classes(revenue)))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Class A', 'Class B', 'Class C']

    """
    _need_columns(abc_table, ["customer_share", "value_share"], "abc_table", "abc_table(...)")
    ax = new_axes(ax)
    labels = [str(c) for c in abc_table.index]
    colours = [CLASS_COLOURS.get(c, PALETTE[7]) for c in labels]
    pos = np.arange(len(labels))
    width = 0.38
    customers = ax.bar(pos - width / 2, abc_table["customer_share"], width,
                       **({"color": colours, "alpha": 0.4} | kwargs))
    value = ax.bar(pos + width / 2, abc_table["value_share"], width,
                   **({"color": colours} | kwargs))
    ax.bar_label(customers, labels=[f"{v:.0%}" for v in abc_table["customer_share"]],
                 padding=2)
    ax.bar_label(value, labels=[f"{v:.0%}" for v in abc_table["value_share"]], padding=2)
    ax.margins(y=0.18)
    ax.set_xticks(pos, [TEXT["abc_class"].format(label=c) for c in labels])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_title(TEXT["abc_title"])
    ax.set_xlabel(TEXT["abc_x"])
    ax.set_ylabel(TEXT["abc_y"])
    ax.legend(handles=[Patch(facecolor="0.5", alpha=0.4, label=TEXT["abc_customers"]),
                       Patch(facecolor="0.5", label=TEXT["abc_value"])])
    return ax


def plot_rfm_heatmap(scores, value=None, ax=None, bins=None, **kwargs):
    """Draw a heatmap of recency x frequency points, coloured by count or mean value.

    Parameters
    ----------
    scores : DataFrame
        Result of :func:`crmlearn.value.rfm_scores` (columns ``r`` and ``f``).
    value : Series, optional
        A value per customer with the same index (e.g. revenue); the colour is
        then its mean per cell instead of the number of customers.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    bins : int, optional
        Number of point classes (the ``bins`` of ``rfm_scores``); the grid
        shows 1..bins on both axes, empty cells included. Default: the
        largest point in ``scores``.
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> scores = pd.DataFrame({"r": [5, 5, 1, 3], "f": [5, 1, 5, 3]})
    >>> ax = plot_rfm_heatmap(scores)
    >>> ax.get_ylabel()
    'Recency points (r, high = recent)'
    >>> three = pd.DataFrame({"r": [3, 1], "f": [2, 3]})  # rfm_scores(..., bins=3)
    >>> [t.get_text() for t in plot_rfm_heatmap(three, bins=3).get_xticklabels()]
    ['1', '2', '3']

    """
    _need_columns(scores, ["r", "f"], "scores", "rfm_scores(...)")
    ax = new_axes(ax)
    largest = int(max(scores["r"].max(), scores["f"].max()))
    if bins is None:
        bins = largest
    elif int(bins) < largest:
        raise CRMDataError(f"bins={bins} is smaller than the largest point in scores ({largest}); "
                           "pass the bins used in rfm_scores(...)")
    points = range(1, int(bins) + 1)
    if value is None:
        grid = pd.crosstab(scores["r"], scores["f"])
        title = TEXT["rfm_title_count"]
        fmt = "d"
        bar_label = TEXT["rfm_count"]
    else:
        if not isinstance(value, pd.Series) or not value.index.equals(scores.index):
            raise CRMDataError(
                "value must be a Series with the same index as scores (one value per customer)"
            )
        grid = value.groupby([scores["r"], scores["f"]]).mean().unstack()
        name = value.name if value.name is not None else "value"
        title = TEXT["rfm_title_value"].format(value=name)
        fmt = ".0f"
        bar_label = str(name)
    grid = grid.reindex(index=list(points)[::-1], columns=list(points))
    if value is None:
        grid = grid.fillna(0).astype(int)
    heat_kw = {"annot": True, "fmt": fmt, "cmap": "Blues", "linewidths": 0.5,
               "cbar_kws": {"label": bar_label}} | kwargs
    sns.heatmap(grid, ax=ax, **heat_kw)
    ax.set_title(title)
    ax.set_xlabel(TEXT["rfm_x"])
    ax.set_ylabel(TEXT["rfm_y"])
    return ax


def _short_eur(value: float) -> str:
    """Compact amount for labels: 950, 12.3k, 5.41M."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if size >= 1e4:
        return f"{value / 1e3:,.1f}k"
    return f"{value:,.0f}"


def plot_margin_waterfall(margins, ax=None, **kwargs):
    """Draw a waterfall from revenue down to contribution margin III.

    Parameters
    ----------
    margins : Series or DataFrame
        One row of :func:`crmlearn.value.contribution_margins` (one customer),
        or the whole table, which is summed over customers (a segment or all).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    **kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlearn.value import contribution_margins
    >>> cm = contribution_margins([1000.0], product_cost=600, service_cost=50)
    >>> ax = plot_margin_waterfall(cm.iloc[0])
    >>> len(ax.patches)
    11

    """
    names = [name for name, _ in _STAGES]
    if isinstance(margins, pd.DataFrame):
        _need_columns(margins, names, "margins", "contribution_margins(...)")
        totals = margins[names].sum()
    elif isinstance(margins, pd.Series) and set(names) <= set(margins.index):
        totals = margins[names].astype(float)
    else:
        raise CRMDataError(
            "margins must be a row or the table from contribution_margins(...) with the "
            f"entries {names}"
        )
    ax = new_axes(ax)
    bottoms, heights, colours = [], [], []
    level = 0.0
    for name, kind in _STAGES:
        amount = float(totals[name])
        if kind == "minus":
            bottoms.append(level - amount)
            heights.append(amount)
            colours.append(PALETTE[3])
            level -= amount
        else:
            level = amount
            bottoms.append(0.0)
            heights.append(amount)
            colours.append(PALETTE[0] if amount >= 0 else PALETTE[3])
    pos = np.arange(len(_STAGES))
    bar_kw = {"color": colours, "edgecolor": "white"} | kwargs
    bars = ax.bar(pos, heights, bottom=bottoms, **bar_kw)
    labels = [_short_eur(float(totals[n])) for n in names]
    ax.bar_label(bars, labels=labels, padding=2, fontsize="small", color="0.2")
    for i in range(len(_STAGES) - 1):
        top = bottoms[i] + heights[i] if _STAGES[i + 1][1] == "minus" else None
        if top is not None:
            ax.plot([i + 0.4, i + 0.6], [top, top], color="0.4", linewidth=0.8)
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.margins(y=0.1)
    ax.set_xticks(pos, [TEXT[n] for n in names], rotation=35, ha="right")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _short_eur(v)))
    ax.set_title(TEXT["waterfall_title"])
    ax.set_ylabel(TEXT["waterfall_y"])
    return ax


def plot_value_categories(actual, potential, categories, ax=None, **kwargs):
    """Draw customers by actual and potential value, coloured by value category.

    Parameters
    ----------
    actual, potential : Series
        Actual value and unrealized potential per customer (EUR).
    categories : Series
        Result of :func:`crmlearn.value.value_categories` for the same customers.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    **kwargs
        Passed to :func:`seaborn.scatterplot`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlearn.value import value_categories
    >>> actual, potential = pd.Series([500.0, 80, -40]), pd.Series([100.0, 900, 600])
    >>> cats = value_categories(actual, potential, mvc_threshold=400, mgc_threshold=500)
    >>> ax = plot_value_categories(actual, potential, cats)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Most valuable (MVC)', 'Most growable (MGC)', 'Below zero (BZC)']

    """
    lengths = {len(actual), len(potential), len(categories)}
    if len(lengths) != 1:
        raise CRMDataError(
            "actual, potential and categories must have one entry per customer each, got "
            f"lengths {len(actual)}, {len(potential)}, {len(categories)}"
        )
    ax = new_axes(ax)
    frame = pd.DataFrame(
        {
            "actual": np.asarray(actual, dtype=float),
            "potential": np.asarray(potential, dtype=float),
            "category": pd.Categorical(np.asarray(categories, dtype=object),
                                       categories=list(_CATEGORY_COLOURS)),
        }
    )
    frame["label"] = frame["category"].map(TEXT).astype(str)
    order = [TEXT[c] for c in _CATEGORY_COLOURS if (frame["category"] == c).any()]
    palette = {TEXT[c]: colour for c, colour in _CATEGORY_COLOURS.items()}
    scatter_kw = {"alpha": 0.7, "s": 30, "edgecolor": "none"} | kwargs
    sns.scatterplot(data=frame, x="actual", y="potential", hue="label", hue_order=order,
                    palette=palette, ax=ax, **scatter_kw)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_title(TEXT["categories_title"])
    ax.set_xlabel(TEXT["categories_x"])
    ax.set_ylabel(TEXT["categories_y"])
    ax.legend(title=TEXT["categories_legend"])
    return ax


def plot_nps(shares, ax=None, score=None, **kwargs):
    """Draw a stacked bar of detractors, passives and promoters with the NPS in the title.

    Parameters
    ----------
    shares : Series
        Result of :func:`crmlearn.loyalty.nps_shares`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    score : float, optional
        The NPS to show; by default 100 x (promoters - detractors) of ``shares``.
    **kwargs
        Passed to ``ax.barh``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlearn.loyalty import nps_shares
    >>> plot_nps(nps_shares([10, 9, 7, 3])).get_title()
    'Net Promoter Score: +25'

    """
    groups = list(_NPS_COLOURS)
    if not isinstance(shares, pd.Series) or not set(groups) <= set(shares.index):
        raise CRMDataError(f"shares must be the Series from nps_shares(...) with index {groups}")
    if score is None:
        score = 100.0 * (shares["promoters"] - shares["detractors"])
    ax = new_axes(ax)
    left = 0.0
    for group in groups:
        share = float(shares[group])
        bar_kw = {"color": _NPS_COLOURS[group], "height": 0.6} | kwargs
        bars = ax.barh([0], [share], left=left, label=TEXT[group], **bar_kw)
        if share >= 0.04:
            ax.bar_label(bars, labels=[f"{share:.0%}"], label_type="center", color="white",
                         fontweight="bold", fontsize="large")
        left += share
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(TEXT["nps_title"].format(score=score))
    ax.set_xlabel(TEXT["nps_x"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3)
    return ax


def plot_cohort_retention(table, ax=None, **kwargs):
    """Draw the cohort x period table of shares still active as a heatmap.

    Parameters
    ----------
    table : DataFrame
        Result of :func:`crmlearn.loyalty.cohort_retention`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlearn.loyalty import cohort_retention
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2],
    ...                    "date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-02-14"])})
    >>> plot_cohort_retention(cohort_retention(tx)).get_xlabel()
    'Periods since the first one'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")

    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise CRMDataError("table must be the (non-empty) DataFrame from cohort_retention(...)")
    ax = new_axes(ax)
    data = table.copy()
    data.index = [str(c) for c in data.index]
    annot = data.shape[1] <= 13 and data.size <= 160
    heat_kw = {"annot": annot, "fmt": ".0%", "cmap": "Greens", "vmin": 0, "vmax": 1,
               "linewidths": 0.5, "cbar_kws": {"format": PercentFormatter(1.0)}} | kwargs
    sns.heatmap(data, ax=ax, **heat_kw)
    ax.set_title(TEXT["cohort_title"])
    ax.set_xlabel(TEXT["cohort_x"])
    ax.set_ylabel(TEXT["cohort_y"])
    return ax
