"""Figures for campaign experiments and contact histories.

Each function draws the *result* of a function in :mod:`crmlearn.interact`;
none computes a metric itself. All take ``ax=None``, pass ``**kwargs`` on,
return the Axes and leave global settings alone. All words shown live in
:data:`TEXT`.

================================  ==================================================
function                          draws the result of
================================  ==================================================
:func:`plot_uplift`               :func:`crmlearn.interact.uplift`
:func:`plot_contact_timeline`     :func:`crmlearn.interact.contact_history`
================================  ==================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from ..errors import CRMDataError
from ._theme import PALETTE, new_axes

__all__ = ["TEXT", "plot_uplift", "plot_contact_timeline"]

#: Every word shown on a figure of this module.
TEXT = {
    "uplift_title": "Response with and without the campaign",
    "uplift_x": "",
    "uplift_y": "Response rate",
    "treatment": "Contacted (treatment)",
    "control": "Held out (control)",
    "uplift_label": "{pp:+.1f} pp",
    "campaign": "Campaign {campaign_id}",
    "timeline_title": "Contact history",
    "timeline_x": "Date",
    "kinds": {"contract": "Contract", "campaign": "Campaign", "purchase": "Purchase",
              "return": "Return", "contact": "Contact", "survey": "Survey"},
}

_KIND_STYLE = {
    "contract": (PALETTE[7], "s"),
    "campaign": (PALETTE[4], "D"),
    "purchase": (PALETTE[2], "o"),
    "return": (PALETTE[3], "X"),
    "contact": (PALETTE[0], "^"),
    "survey": (PALETTE[1], "*"),
}


def _cell_labels(table: pd.DataFrame) -> list[str]:
    keys = [c for c in table.columns if c not in {
        "n_treatment", "n_control", "rate_treatment", "rate_control", "uplift", "se",
        "ci_low", "ci_high", "incremental_profit", "profit_ci_low", "profit_ci_high",
        "break_even_uplift", "decision"}]
    one_campaign = table["campaign_id"].nunique() == 1 and len(keys) > 1
    labels = []
    for i in range(len(table)):
        parts = ([] if one_campaign else
                 [TEXT["campaign"].format(campaign_id=table["campaign_id"].iloc[i])])
        parts += [str(table[k].iloc[i]) for k in keys if k != "campaign_id"]
        labels.append("\n".join(parts))
    return labels


def _wilson_errors(rate, n, z):
    """Lower and upper error-bar lengths of the Wilson score interval of a share.

    >>> low, high = _wilson_errors(np.array([0.0]), np.array([20.0]), 1.96)
    >>> float(low[0]), round(float(high[0]), 3)
    (0.0, 0.161)
    """
    n = np.maximum(n, 1.0)
    denominator = 1 + z**2 / n
    centre = (rate + z**2 / (2 * n)) / denominator
    half = z * np.sqrt(rate * (1 - rate) / n + z**2 / (4 * n**2)) / denominator
    return np.vstack([np.clip(rate - (centre - half), 0, None), np.clip(centre + half - rate, 0, None)])


def plot_uplift(uplift_table: pd.DataFrame, ax=None, **kwargs):
    """Treatment and control response rates side by side, with confidence intervals.

    For each row of the uplift table (a campaign, or a campaign and segment)
    two bars show the response rate of the contacted and the held-out group;
    the error bars are each rate's Wilson score interval at the level implied
    by the table (``(ci_high - ci_low) / 2 / se`` standard errors), which stays
    honest for small groups: a control group of 20 with no response still
    shows that its true rate could be well above 0. The label above the pair
    is the uplift (treatment minus control) in percentage points.

    Parameters
    ----------
    uplift_table : pandas.DataFrame
        The result of :func:`crmlearn.interact.uplift`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed to both :meth:`matplotlib.axes.Axes.bar` calls.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> u = pd.DataFrame({"campaign_id": [1], "n_treatment": [200], "n_control": [100],
    ...                   "rate_treatment": [0.2], "rate_control": [0.1], "uplift": [0.1],
    ...                   "se": [0.041], "ci_low": [0.019], "ci_high": [0.181]})
    >>> ax = plot_uplift(u)
    >>> len(ax.patches)
    2

    """
    need = ["campaign_id", "n_treatment", "n_control", "rate_treatment", "rate_control",
            "uplift", "se", "ci_low", "ci_high"]
    if not isinstance(uplift_table, pd.DataFrame) or uplift_table.empty:
        raise CRMDataError("uplift_table: expected the non-empty DataFrame of crmlearn.interact.uplift")
    missing = [c for c in need if c not in uplift_table.columns]
    if missing:
        raise CRMDataError(
            f"uplift_table: missing column(s) {', '.join(map(repr, missing))}; pass the result of "
            "crmlearn.interact.uplift(campaign_members)"
        )
    t = uplift_table
    se = t["se"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.nanmedian(np.where(se > 0, (t["ci_high"] - t["ci_low"]).to_numpy(float) / (2 * se),
                                  np.nan))
    z = 1.96 if not np.isfinite(z) else float(z)
    pt, pc = t["rate_treatment"].to_numpy(float), t["rate_control"].to_numpy(float)
    et = _wilson_errors(pt, t["n_treatment"].to_numpy(float), z)
    ec = _wilson_errors(pc, t["n_control"].to_numpy(float), z)
    ax = new_axes(ax)
    x = np.arange(len(t))
    width = 0.38
    ax.bar(x - width / 2, pt, width, yerr=et, capsize=3, color=PALETTE[0],
           label=TEXT["treatment"], **kwargs)
    ax.bar(x + width / 2, pc, width, yerr=ec, capsize=3, color=PALETTE[7],
           label=TEXT["control"], **kwargs)
    top = np.maximum(pt + et[1], pc + ec[1])
    for xi, yi, u in zip(x, top, t["uplift"].to_numpy(float), strict=True):
        ax.annotate(TEXT["uplift_label"].format(pp=100 * u), (xi, yi), xytext=(0, 4),
                    textcoords="offset points", ha="center", fontsize="small")
    ax.set_xticks(x, _cell_labels(t))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(TEXT["uplift_title"])
    ax.set_xlabel(TEXT["uplift_x"])
    ax.set_ylabel(TEXT["uplift_y"])
    ax.margins(y=0.15)
    ax.legend(loc="upper right")
    return ax


def plot_contact_timeline(history: pd.DataFrame, ax=None, **kwargs):
    """One customer's events on a time axis, one row per kind of event.

    Parameters
    ----------
    history : pandas.DataFrame
        The result of :func:`crmlearn.interact.contact_history` (columns
        ``date`` and ``kind``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed to each :meth:`matplotlib.axes.Axes.scatter` call.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> h = pd.DataFrame({"date": pd.to_datetime(["2024-03-01", "2024-03-08"]),
    ...                   "kind": ["purchase", "contact"], "detail": ["", ""],
    ...                   "amount": [80.0, 6.5]})
    >>> ax = plot_contact_timeline(h)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Purchase', 'Contact']

    """
    if not isinstance(history, pd.DataFrame) or not {"date", "kind"} <= set(history.columns):
        raise CRMDataError(
            "history: expected the DataFrame of crmlearn.interact.contact_history "
            "(columns 'date' and 'kind')"
        )
    ax = new_axes(ax)
    order = list(_KIND_STYLE) + sorted(set(history["kind"].astype(str)) - set(_KIND_STYLE))
    present = [k for k in order if (history["kind"].astype(str) == k).any()]
    for row, kind in enumerate(present):
        dates = pd.to_datetime(history.loc[history["kind"].astype(str) == kind, "date"])
        colour, marker = _KIND_STYLE.get(kind, (PALETTE[8], "o"))
        kw = {"color": colour, "marker": marker, "s": 60, "zorder": 3} | kwargs
        ax.scatter(dates, np.full(len(dates), row), label=TEXT["kinds"].get(kind, kind), **kw)
    ax.set_yticks(range(len(present)), [TEXT["kinds"].get(k, k) for k in present])
    ax.set_ylim(-0.7, max(len(present), 1) - 0.3)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(TEXT["timeline_title"])
    ax.set_xlabel(TEXT["timeline_x"])
    return ax
