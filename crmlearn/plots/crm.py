"""Figures for the CRM basics: QCI funnel, readiness, budget strategies, claims.

Each function draws the *result* of a function in :mod:`crmlearn.crm` or
:mod:`crmlearn.claims`; none computes a metric itself. All take ``ax=None``
(a new figure is made if needed), pass ``**kwargs`` on to the main matplotlib
call, return the Axes and leave global settings alone. Every word shown on a
figure lives in :data:`TEXT`.

================================  =============================================
function                          draws the result of
================================  =============================================
:func:`plot_qci_funnel`           :func:`crmlearn.crm.qci_funnel`
:func:`plot_readiness`            :func:`crmlearn.crm.readiness_score`
:func:`plot_strategy_comparison`  :func:`crmlearn.crm.watering_can_vs_targeted`
:func:`plot_claim_sweep`          the sweeps of :mod:`crmlearn.claims`
================================  =============================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from ._theme import PALETTE, new_axes

__all__ = [
    "TEXT",
    "plot_qci_funnel",
    "plot_readiness",
    "plot_strategy_comparison",
    "plot_claim_sweep",
]

#: Every word shown on a figure of this module.
TEXT = {
    "funnel_title": "QCI: acquisition, retention, penetration",
    "funnel_x": "Customers",
    "funnel_label": "{customers:,} ({rate:.0%} of the step before)",
    "funnel_label_first": "{customers:,}",
    "readiness_title": "CRM readiness by implementation element",
    "readiness_x": "Score (0 = not ready, 100 = fully ready)",
    "readiness_weakest": "weakest",
    "strategy_title": "Same budget: watering can vs targeted",
    "strategy_y": "EUR",
    "strategy_metrics": {
        "expected_incremental_revenue": "Extra revenue",
        "cost": "Cost",
        "expected_profit": "Profit",
    },
    "strategy_names": {"watering can": "Watering can (even)", "targeted": "Targeted (by segment)"},
    "claim_title": "Claim check: {y}",
    "claim_line": "Claimed: {value:g}",
    "claim_data": "{name}: {value:.2f}",
    "claim_data_name": "data",
    "claim_labels": {
        "acquisition_rate": "Conversion rate of acquisition contacts",
        "ratio": "Ratio",
        "retention": "Yearly retention rate",
        "shape": "Gamma shape (small = unequal customers)",
        "top_share": "Share of value from the top 20 %",
        "inactive_days": "Days without purchase that count as lost",
        "churn_rate": "Yearly churn rate",
        "margin": "Margin",
        "scenario": "Firm",
    },
}

# Known sweeps: which columns to draw and the value the claim states.
_SWEEPS = (
    # (required columns, x, y, hue, claimed)
    (("acquisition_rate", "ratio"), "acquisition_rate", "ratio", None, 5.0),
    (("retention", "ratio", "margin"), "retention", "ratio", "margin", 1.0),
    (("shape", "top_share"), "shape", "top_share", None, 0.8),
    (("inactive_days", "churn_rate"), "inactive_days", "churn_rate", "scenario", 0.10),
)


def _label(name: str) -> str:
    return TEXT["claim_labels"].get(name, name)


def plot_qci_funnel(funnel: pd.DataFrame, ax=None, **kwargs):
    """Draw the QCI funnel as centred horizontal bars, widest step on top.

    Parameters
    ----------
    funnel : DataFrame
        The result of :func:`crmlearn.crm.qci_funnel` (columns ``step``,
        ``customers``, ``rate``; ``stage`` colours the bars).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed on to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> funnel = pd.DataFrame({"stage": ["acquisition", "retention"], "step": ["won", "retained"],
    ...                        "customers": [100, 60], "rate": [1.0, 0.6]})
    >>> ax = plot_qci_funnel(funnel)
    >>> len(ax.patches)
    2
    >>> plt.close(ax.figure)

    """
    if not isinstance(funnel, pd.DataFrame) or not {"step", "customers"} <= set(funnel.columns):
        raise CRMDataError(
            "plot_qci_funnel: pass the DataFrame from crmlearn.crm.qci_funnel (columns 'step' "
            "and 'customers')"
        )
    ax = new_axes(ax)
    counts = funnel["customers"].to_numpy(dtype=float)
    stages = funnel["stage"] if "stage" in funnel.columns else pd.Series(range(len(funnel)))
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(pd.unique(stages))}
    y = np.arange(len(funnel))[::-1]
    kwargs.setdefault("color", [colours[s] for s in stages])
    ax.barh(y, counts, left=-counts / 2, height=0.8, **kwargs)
    rates = funnel["rate"] if "rate" in funnel.columns else pd.Series(np.nan, index=funnel.index)
    widest = max(float(counts.max()), 1.0)
    for i, (yy, c, r) in enumerate(zip(y, counts, rates, strict=True)):
        key = "funnel_label_first" if i == 0 or pd.isna(r) else "funnel_label"
        ax.text(c / 2 + 0.02 * widest, yy, TEXT[key].format(customers=int(c), rate=r),
                ha="left", va="center")
    ax.set_xlim(-0.55 * widest, 1.25 * widest)
    labels = [
        f"{st}: {sp}" if "stage" in funnel.columns else str(sp)
        for st, sp in zip(stages, funnel["step"], strict=True)
    ]
    ax.set_yticks(y, labels)
    ax.set_xticks([])
    ax.set_xlabel(TEXT["funnel_x"])
    ax.set_title(TEXT["funnel_title"])
    return ax


def plot_readiness(scores, ax=None, **kwargs):
    """Draw readiness scores per element as horizontal bars, weakest highlighted.

    Parameters
    ----------
    scores : Readiness or Series
        The result of :func:`crmlearn.crm.readiness_score` or its ``.scores``
        (0-100 per element).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed on to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_readiness(pd.Series({"readiness": 75.0, "change": 25.0}))
    >>> ax.texts[1].get_text()
    '25  (weakest)'
    >>> plt.close(ax.figure)

    """
    s = getattr(scores, "scores", scores)
    if not isinstance(s, pd.Series) or len(s) == 0:
        raise CRMDataError(
            "plot_readiness: pass the result of crmlearn.crm.readiness_score (or its .scores)"
        )
    ax = new_axes(ax)
    weakest = s.idxmin()
    colours = [PALETTE[3] if k == weakest else PALETTE[0] for k in s.index]
    y = np.arange(len(s))[::-1]
    kwargs.setdefault("color", colours)
    ax.barh(y, s.to_numpy(dtype=float), **kwargs)
    for yy, (k, v) in zip(y, s.items(), strict=True):
        text = f"{v:.0f}" + (f"  ({TEXT['readiness_weakest']})" if k == weakest else "")
        ax.text(min(v + 1, 99), yy, text, va="center", ha="left" if v < 85 else "right")
    ax.set_yticks(y, [str(k) for k in s.index])
    ax.set_xlim(0, 100)
    ax.set_xlabel(TEXT["readiness_x"])
    ax.set_title(TEXT["readiness_title"])
    return ax


def plot_strategy_comparison(result, ax=None, **kwargs):
    """Draw extra revenue, cost and profit of both budget strategies side by side.

    Parameters
    ----------
    result : StrategyComparison or DataFrame
        The result of :func:`crmlearn.crm.watering_can_vs_targeted` (or its
        ``.summary``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed on to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlearn.crm import watering_can_vs_targeted
    >>> result = watering_can_vs_targeted([20.0] * 50 + [200.0] * 50, budget=500, n_segments=2)
    >>> ax = plot_strategy_comparison(result)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Extra revenue', 'Cost', 'Profit']
    >>> plt.close(ax.figure)

    """
    summary = getattr(result, "summary", result)
    metrics = list(TEXT["strategy_metrics"])
    if not isinstance(summary, pd.DataFrame) or not set(metrics) <= set(summary.columns):
        raise CRMDataError(
            f"plot_strategy_comparison: pass the result of crmlearn.crm.watering_can_vs_targeted "
            f"(a summary with columns {metrics})"
        )
    ax = new_axes(ax)
    x = np.arange(len(metrics))
    width = 0.8 / len(summary)
    for i, (name, row) in enumerate(summary.iterrows()):
        ax.bar(
            x + (i - (len(summary) - 1) / 2) * width,
            row[metrics].to_numpy(dtype=float),
            width,
            label=TEXT["strategy_names"].get(name, str(name)),
            color=PALETTE[i % len(PALETTE)],
            **kwargs,
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, [TEXT["strategy_metrics"][m] for m in metrics])
    ax.set_ylabel(TEXT["strategy_y"])
    ax.set_title(TEXT["strategy_title"])
    ax.legend()
    return ax


def plot_claim_sweep(sweep: pd.DataFrame, x=None, y=None, hue=None, claimed=None, ax=None, **kwargs):
    """Draw a swept quantity as a line with the claimed value as a reference line.

    The columns are recognised for the tables of :mod:`crmlearn.claims`:
    :func:`~crmlearn.claims.acquisition_vs_retention_cost` (ratio over
    conversion rate, claim 5), :func:`~crmlearn.claims.retention_profit_effect`
    (ratio over retention, one line per margin, claim 1 = equal effect),
    :func:`~crmlearn.claims.pareto_check` (top-20 % share over gamma shape,
    claim 0.8; a data row becomes a dotted line) and
    :func:`~crmlearn.claims.churn_benchmark` (churn over inactivity days, one
    line per firm, claim 0.10). Pass ``x``, ``y``, ``hue`` and ``claimed`` to
    override or for other tables.

    Parameters
    ----------
    sweep : DataFrame
        A sweep table.
    x, y, hue : str, optional
        Columns for the horizontal axis, the line and the grouping.
    claimed : float, optional
        The value the claim states (horizontal line).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed on to ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlearn.claims import pareto_check
    >>> ax = plot_claim_sweep(pareto_check(shapes=[0.2, 1.0, 5.0], seed=1))
    >>> ax.get_legend().get_texts()[-1].get_text()
    'Claimed: 0.8'
    >>> plt.close(ax.figure)

    """
    if not isinstance(sweep, pd.DataFrame) or len(sweep) == 0:
        raise CRMDataError("plot_claim_sweep: pass a non-empty sweep table from crmlearn.claims")
    spec = next((s for s in _SWEEPS if set(s[0]) <= set(sweep.columns)), None)
    if spec is not None:
        x = x or spec[1]
        y = y or spec[2]
        hue = hue if hue is not None else spec[3]
        claimed = claimed if claimed is not None else spec[4]
    if x is None or y is None:
        raise CRMDataError(
            f"plot_claim_sweep: cannot tell which columns to draw from {list(sweep.columns)}; "
            f"pass x=... and y=..."
        )
    for col in (x, y) + ((hue,) if hue else ()):
        if col not in sweep.columns:
            raise CRMDataError(f"plot_claim_sweep: column {col!r} is not in the sweep table")
    if "claimed" in sweep.columns and claimed is None:
        claimed = float(sweep["claimed"].iloc[0])
    ax = new_axes(ax)
    data = sweep[sweep[x].notna()]
    extra = sweep[sweep[x].isna()]
    groups = data.groupby(hue, sort=True) if hue else [(None, data)]
    for i, (name, g) in enumerate(groups):
        g = g.sort_values(x)
        label = f"{_label(hue)} {name}" if hue else _label(y)
        ax.plot(g[x], g[y], marker="o", color=PALETTE[i % len(PALETTE)], label=label, **kwargs)
    for j, (_, row) in enumerate(extra.iterrows()):
        parts = [str(row[c]) for c in ("scenario", "definition", "source") if c in row.index]
        name = " ".join(parts) or TEXT["claim_data_name"]
        ax.axhline(row[y], color=PALETTE[(j + 4) % len(PALETTE)], linestyle=":",
                   label=TEXT["claim_data"].format(name=name, value=row[y]))
    if claimed is not None:
        ax.axhline(claimed, color=PALETTE[3], linestyle="--",
                   label=TEXT["claim_line"].format(value=claimed))
    ax.set_xlabel(_label(x))
    ax.set_ylabel(_label(y))
    ax.set_title(TEXT["claim_title"].format(y=_label(y)))
    ax.legend()
    return ax
