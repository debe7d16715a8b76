"""Figures for a first look at a firm's data."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import StrMethodFormatter

from ._theme import PALETTE, new_axes

__all__ = ["plot_monthly_revenue", "plot_purchase_counts"]

TEXT = {
    "monthly_title": "Revenue per month",
    "monthly_y": "revenue (EUR)",
    "monthly_x": "month",
    "counts_title": "How often do customers buy?",
    "counts_x": "purchase occasions per customer",
    "counts_y": "customers",
}


def plot_monthly_revenue(monthly: pd.DataFrame, ax=None, **kwargs):
    """Stacked area of :func:`crmlearn.explore.monthly_revenue`'s result."""
    ax = new_axes(ax)
    colours = PALETTE[: monthly.shape[1]]
    ax.stackplot(monthly.index, monthly.T.to_numpy(), labels=[str(c) for c in monthly.columns],
                 colors=colours, alpha=0.85, **kwargs)
    ax.set_title(TEXT["monthly_title"])
    ax.set_ylabel(TEXT["monthly_y"])
    ax.set_xlabel(TEXT["monthly_x"])
    if monthly.shape[1] > 1:
        ax.legend(loc="upper left", ncols=min(4, monthly.shape[1]))
    ax.margins(x=0)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    return ax


def plot_purchase_counts(summary: pd.DataFrame, max_count: int = 15, ax=None, **kwargs):
    """Bar chart of customers by number of purchase occasions (the last bar is "max_count+")."""
    ax = new_axes(ax)
    counts = summary["n_purchases"].clip(upper=max_count).value_counts().sort_index()
    labels = [str(i) if i < max_count else f"{max_count}+" for i in counts.index]
    ax.bar(labels, counts.to_numpy(), color=kwargs.pop("color", PALETTE[0]), **kwargs)
    ax.set_title(TEXT["counts_title"])
    ax.set_xlabel(TEXT["counts_x"])
    ax.set_ylabel(TEXT["counts_y"])
    return ax
