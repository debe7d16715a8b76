"""Churn and retention what-if: what a few points of retention do to the customer base."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.ticker import Formatter, MaxNLocator, NullFormatter, PercentFormatter

from ..plots._theme import PALETTE
from ..whatif import budget_split_table, customer_base_projection
from ._base import WhatIfWidget, format_eur, format_number, slider

__all__ = ["ChurnWhatIf", "churn_whatif", "BudgetSplitWhatIf", "budget_split_whatif", "TEXT"]

#: Every word this widget shows.
TEXT = {
    "title": "Retention what-if: the customer base over the years",
    "customers": "Customers today",
    "retention": "Retention rate today (%)",
    "change": "Change in retention (percentage points)",
    "new": "New customers per year",
    "revenue": "Revenue per customer and year (EUR)",
    "margin": "Margin per customer and year (EUR)",
    "acquisition_cost": "Acquisition cost per new customer (EUR)",
    "retention_cost": "Extra retention cost per customer and year (EUR)",
    "discount": "Discount rate (%)",
    "years": "Horizon (years)",
    "base": "today: {retention}",
    "changed": "changed: {retention}",
    "headline": "{sign}{value} profit",
    "side": "over {years} years (discounted), changed scenario against today",
    "caption": ("Customers after {years} years: {base} today, {changed} changed "
                "({diff}). Revenue in year {years}: {rev_base} against {rev_changed}."),
    "panel_customers": "Customers",
    "panel_revenue": "Revenue (EUR)",
    "panel_profit": "Profit so far (EUR)",
    "x": "Year",
    # budget split
    "split_title": "One budget, two uses: winning or keeping customers?",
    "budget": "Marketing budget per year (EUR)",
    "retention_share": "Share of the budget spent on retention (%)",
    "max_retention": "Best reachable retention (%)",
    "half_gap_cost": "EUR per customer that close half the gap to it",
    "split_main": "{profit} profit",
    "split_side": "over {years} years (discounted) with {share} of the budget on retention",
    "split_caption": ("Retention {retention}, {new} new customers a year, {end} customers after "
                      "{years} years. In this model the most profitable split puts {best} on "
                      "retention ({best_profit}). Lines: all splits; dot: yours."),
    "split_x": "Share on retention",
    "split_customers": "Customers at the end",
    "split_profit": "Profit (EUR)",
}


class _Short(Formatter):
    """Axis labels like 12k or 1.25M, with just enough decimals to show every tick exactly."""

    def set_locs(self, locs):
        self._tick_values = list(locs)
        top = max((abs(v) for v in self._tick_values), default=0.0)
        self._scale, self._suffix = (1e6, "M") if top >= 1e6 else (
            (1e3, "k") if top >= 1e4 else (1.0, ""))
        for decimals in range(4):  # as few decimals as show every tick exactly
            scaled = [v / self._scale for v in self._tick_values]
            if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in scaled):
                break
        self._decimals = decimals

    def _format(self, value, decimals):
        text = f"{value / self._scale:,.{decimals}f}"
        if text.lstrip("-").strip("0.,") == "":
            return "0"
        return text + self._suffix

    def __call__(self, value, pos=None):
        if not hasattr(self, "_decimals"):
            self.set_locs([value])
        return self._format(value, self._decimals)


class ChurnWhatIf(WhatIfWidget):
    """Compare today's customer base with one whose retention changes by a few points.

    Both scenarios run through :func:`crmlearn.whatif.customer_base_projection`
    with the same customers, new customers and money per customer; the
    changed one has ``retention + change`` (clipped to 0..100 %) and pays the
    extra retention cost per existing customer. Three panels show customers,
    revenue and cumulative discounted profit per year, one line per scenario.
    :attr:`result` is a DataFrame with the columns of the projection and a
    ``scenario`` column (``"base"``, ``"changed"``).

    Examples
    --------
    >>> cw = ChurnWhatIf(customers=10_000, retention=0.8, change=5)
    >>> p = cw.result
    >>> bool(p[p.scenario == "changed"].customers.iloc[-1] > p[p.scenario == "base"].customers.iloc[-1])
    True

    """

    TITLE = TEXT["title"]
    FIGSIZE = (10.0, 3.6)
    N_AXES = 3
    MARGINS = {"left": 0.07, "right": 0.98, "bottom": 0.16, "top": 0.8, "wspace": 0.32}

    def __init__(self, customers=10_000, retention=0.8, change=5.0, new_customers_per_year=1_000,
                 revenue_per_customer=500.0, margin_per_customer=100.0, acquisition_cost=150.0,
                 retention_cost_per_customer=0.0, discount=0.1, years=5, large=None, dpi=72):
        self._start = {
            "customers": int(customers),
            "retention": round(100.0 * float(retention), 1),
            "change": float(change),
            "new_customers_per_year": int(new_customers_per_year),
            "revenue_per_customer": float(revenue_per_customer),
            "margin_per_customer": float(margin_per_customer),
            "acquisition_cost": float(acquisition_cost),
            "retention_cost_per_customer": float(retention_cost_per_customer),
            "discount": round(100.0 * float(discount), 1),
            "years": int(years),
        }
        super().__init__(large=large, dpi=dpi)

    def _build_controls(self):
        s = self._start
        return {
            "customers": slider(TEXT["customers"], s["customers"], 0, 100_000, 500, integer=True),
            "retention": slider(TEXT["retention"], s["retention"], 0.0, 100.0, 1.0, fmt=".0f"),
            "change": slider(TEXT["change"], s["change"], -20.0, 20.0, 0.5, fmt="+.1f"),
            "new_customers_per_year": slider(TEXT["new"], s["new_customers_per_year"], 0, 20_000,
                                             100, integer=True),
            "revenue_per_customer": slider(TEXT["revenue"], s["revenue_per_customer"], 0.0,
                                           3000.0, 10.0, fmt=".0f"),
            "margin_per_customer": slider(TEXT["margin"], s["margin_per_customer"], -200.0,
                                          1000.0, 5.0, fmt=".0f"),
            "acquisition_cost": slider(TEXT["acquisition_cost"], s["acquisition_cost"], 0.0,
                                       1000.0, 5.0, fmt=".0f"),
            "retention_cost_per_customer": slider(TEXT["retention_cost"],
                                                  s["retention_cost_per_customer"], 0.0, 200.0,
                                                  1.0, fmt=".0f"),
            "discount": slider(TEXT["discount"], s["discount"], 0.0, 30.0, 0.5, fmt=".1f"),
            "years": slider(TEXT["years"], s["years"], 1, 20, 1, integer=True),
        }

    @staticmethod
    def changed_retention(state):
        """Retention of the changed scenario as a share, clipped to [0, 1]."""
        return float(np.clip((state["retention"] + state["change"]) / 100.0, 0.0, 1.0))

    def _compute(self, state):
        common = {
            "customers": state["customers"],
            "new_customers_per_year": state["new_customers_per_year"],
            "margin_per_customer": state["margin_per_customer"],
            "acquisition_cost": state["acquisition_cost"],
            "years": int(state["years"]),
            "discount": state["discount"] / 100.0,
            "revenue_per_customer": state["revenue_per_customer"],
        }
        base = customer_base_projection(retention=state["retention"] / 100.0, **common)
        changed = customer_base_projection(
            retention=self.changed_retention(state),
            retention_cost_per_customer=state["retention_cost_per_customer"], **common)
        return pd.concat([base.assign(scenario="base"), changed.assign(scenario="changed")],
                         ignore_index=True)

    def _split(self, result):
        base = result[result["scenario"] == "base"]
        changed = result[result["scenario"] == "changed"]
        return base, changed

    def _headline(self, result, state):
        base, changed = self._split(result)
        years = int(state["years"])
        diff = float(changed["cumulative_profit"].iloc[-1] - base["cumulative_profit"].iloc[-1])
        sign = "+" if diff > 0.5 else ""
        n_base = float(base["customers"].iloc[-1])
        n_changed = float(changed["customers"].iloc[-1])
        dn = n_changed - n_base
        main = TEXT["headline"].format(sign=sign, value=format_eur(diff))
        side = TEXT["side"].format(years=years)
        caption = TEXT["caption"].format(
            years=years, base=format_number(n_base), changed=format_number(n_changed),
            diff=("+" if dn > 0.5 else "") + format_number(dn),
            rev_base=format_eur(float(base["revenue"].iloc[-1])),
            rev_changed=format_eur(float(changed["revenue"].iloc[-1])),
        )
        return self._big_html(main, side, caption)

    #: Tick positions of every panel on its fixed 0..1 scale (four equal steps).
    GRID = np.linspace(0.0, 1.0, 5)

    def _setup(self, state):
        """Create the lines, the panel labels and the tick-label texts once.

        Each panel draws on a fixed 0..1 scale with fixed grid lines; the data
        are mapped onto it and only the five tick-label texts change. So a
        new range of values (moving "customers" from 5,000 to 100,000, say)
        does not invalidate the cached background: the update redraws lines
        and labels only, about a fifth of a full redraw.
        """
        self._lines = {}
        self._ticks = {}
        self._zero = {}
        self._tick_range = {}
        titles = (("customers", "panel_customers"), ("revenue", "panel_revenue"),
                  ("cumulative_profit", "panel_profit"))
        label_size = mpl.rcParams["ytick.labelsize"]
        for ax, (column, title) in zip(self.axes, titles, strict=True):
            ax.set_axis_on()
            ax.set_title(TEXT[title], fontsize="medium")
            if column == "revenue":  # one x label for three panels: text is slow to draw
                ax.set_xlabel(TEXT["x"])
            ax.set_ylim(-0.04, 1.04)
            ax.set_yticks(self.GRID)
            ax.yaxis.set_major_formatter(NullFormatter())
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            ax.grid(True, alpha=0.3)
            self._zero[column] = ax.axhline(0, color="0.3", linewidth=0.8)
            self._ticks[column] = [
                ax.annotate("", xy=(0.0, y), xycoords="axes fraction", xytext=(-6, 0),
                            textcoords="offset points", ha="right", va="center",
                            fontsize=label_size) for y in self.GRID]
            base, = ax.plot([], [], color=PALETTE[7], marker="o", markersize=4)
            changed, = ax.plot([], [], color=PALETTE[0], marker="o", markersize=4)
            self._lines[column] = (base, changed)
        self._legend = None

    @staticmethod
    def tick_values(low, high, n_steps=4):
        """Round tick values from ``low`` to ``high`` in ``n_steps`` equal steps.

        The step is the smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k that
        covers the range with the lowest tick a multiple of the step, so the
        labels stay round; both ends are included.

        >>> ChurnWhatIf.tick_values(0, 9_300).tolist()
        [0.0, 2500.0, 5000.0, 7500.0, 10000.0]
        >>> ChurnWhatIf.tick_values(-120, 800).tolist()
        [-300.0, 0.0, 300.0, 600.0, 900.0]
        """
        span = high - low
        if not span > 0:
            span = max(abs(high), 1.0)
        power = 10.0 ** math.floor(math.log10(span / n_steps))
        for factor in (step * p for p in (power, 10 * power, 100 * power)
                       for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)):
            start = math.floor(low / factor + 1e-9) * factor
            if start + n_steps * factor >= high * (1 - 1e-12) - 1e-12:
                return start + factor * np.arange(n_steps + 1)
        return np.linspace(low, high, n_steps + 1)  # pragma: no cover

    def _draw(self, result, state):
        if not hasattr(self, "_lines"):
            self._setup(state)
        base, changed = self._split(result)
        years = int(state["years"])
        x = np.arange(0, years + 1)
        n0 = float(state["customers"])
        for ax, (column, (line_b, line_c)) in zip(self.axes, self._lines.items(), strict=True):
            ax.set_visible(True)
            if column == "customers":
                yb = np.concatenate(([n0], base[column].to_numpy()))
                yc = np.concatenate(([n0], changed[column].to_numpy()))
                xs = x
            else:
                yb, yc, xs = base[column].to_numpy(), changed[column].to_numpy(), x[1:]
            low = min(0.0, float(yb.min()), float(yc.min()))
            high = max(0.0, float(yb.max()), float(yc.max()))
            ticks = self.tick_values(low, high)
            bottom, top = float(ticks[0]), float(ticks[-1])
            self._tick_range[column] = (bottom, top)
            line_b.set_data(xs, (yb - bottom) / (top - bottom))
            line_c.set_data(xs, (yc - bottom) / (top - bottom))
            self._zero[column].set_ydata([(0.0 - bottom) / (top - bottom)] * 2)
            formatter = _Short()
            formatter.set_locs(ticks)
            for text, value in zip(self._ticks[column], ticks, strict=True):
                text.set_text(formatter(value))
            ax.set_xlim(-0.3 if column == "customers" else 0.7, years + 0.3)
        labels = (TEXT["base"].format(retention=f"{state['retention']:.0f} %"),
                  TEXT["changed"].format(retention=f"{100 * self.changed_retention(state):.1f} %"))
        if self._legend is None:
            self._legend = self.figure.legend(list(self._lines["customers"]), labels,
                                              loc="upper center", ncol=2, frameon=False)
            self._animated = [line for pair in self._lines.values() for line in pair]
            self._animated += [*self._zero.values()]
            self._animated += [text for texts in self._ticks.values() for text in texts]
            self._animated.append(self._legend)
        else:
            for text, label in zip(self._legend.get_texts(), labels, strict=True):
                text.set_text(label)

    def value_range(self, column):
        """Return the lowest and highest tick value a panel shows now, in its unit.

        ``column`` is ``"customers"``, ``"revenue"`` or ``"cumulative_profit"``.

        >>> cw = ChurnWhatIf(customers=10_000)
        >>> low, high = cw.value_range("customers")
        >>> bool(low == 0 and high >= cw.result.customers.max())
        True
        """
        return self._tick_range[column]

    def _draw_message(self, state):
        for ax in self.axes:
            ax.set_visible(False)


def churn_whatif(**defaults):
    """Build a :class:`ChurnWhatIf`; keyword arguments set its starting values.

    >>> churn_whatif(customers=5000).state["customers"]
    5000
    """
    return ChurnWhatIf(**defaults)


class BudgetSplitWhatIf(WhatIfWidget):
    """Share one yearly marketing budget between acquisition and retention.

    The acquisition part buys new customers at the acquisition cost; the
    retention part, spread over today's customers, lifts retention with
    diminishing returns (:func:`crmlearn.whatif.retention_from_spend`). The
    two panels show customers at the end and total discounted profit for
    every split from 0 to 100 % (:func:`crmlearn.whatif.budget_split_table`),
    with the chosen split marked. :attr:`result` is that table.

    Examples
    --------
    >>> bs = BudgetSplitWhatIf(budget=500_000, retention_share=0.5)
    >>> round(float(bs.chosen["retention"]), 3)
    0.866

    """

    TITLE = TEXT["split_title"]
    FIGSIZE = (9.0, 3.5)
    N_AXES = 2
    MARGINS = {"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.9, "wspace": 0.28}
    _SHARES = np.linspace(0.0, 1.0, 41)

    def __init__(self, budget=500_000, retention_share=0.5, customers=10_000, base_retention=0.8,
                 max_retention=0.95, half_gap_cost=30.0, acquisition_cost=400.0,
                 margin_per_customer=100.0, years=5, discount=0.1, large=None, dpi=72):
        self._start = {
            "budget": int(budget),
            "retention_share": round(100.0 * retention_share),
            "customers": int(customers),
            "base_retention": round(100.0 * base_retention, 1),
            "max_retention": round(100.0 * max_retention, 1),
            "half_gap_cost": float(half_gap_cost),
            "acquisition_cost": float(acquisition_cost),
            "margin_per_customer": float(margin_per_customer),
            "years": int(years),
            "discount": round(100.0 * discount, 1),
        }
        super().__init__(large=large, dpi=dpi)

    def _build_controls(self):
        s = self._start
        return {
            "budget": slider(TEXT["budget"], s["budget"], 0, 3_000_000, 10_000, integer=True),
            "retention_share": slider(TEXT["retention_share"], s["retention_share"], 0, 100, 5,
                                      integer=True),
            "customers": slider(TEXT["customers"], s["customers"], 100, 100_000, 100,
                                integer=True),
            "base_retention": slider(TEXT["retention"], s["base_retention"], 0.0, 100.0, 1.0,
                                     fmt=".0f"),
            "max_retention": slider(TEXT["max_retention"], s["max_retention"], 0.0, 100.0, 1.0,
                                    fmt=".0f"),
            "half_gap_cost": slider(TEXT["half_gap_cost"], s["half_gap_cost"], 5.0, 300.0, 5.0,
                                    fmt=".0f"),
            "acquisition_cost": slider(TEXT["acquisition_cost"], s["acquisition_cost"], 10.0,
                                       1000.0, 5.0, fmt=".0f"),
            "margin_per_customer": slider(TEXT["margin"], s["margin_per_customer"], -200.0,
                                          1000.0, 5.0, fmt=".0f"),
            "years": slider(TEXT["years"], s["years"], 1, 20, 1, integer=True),
            "discount": slider(TEXT["discount"], s["discount"], 0.0, 30.0, 0.5, fmt=".1f"),
        }

    def _assumptions(self, state):
        return {
            "customers": state["customers"],
            "base_retention": state["base_retention"] / 100.0,
            "acquisition_cost": state["acquisition_cost"],
            "margin_per_customer": state["margin_per_customer"],
            "max_retention": state["max_retention"] / 100.0,
            "half_gap_cost": state["half_gap_cost"],
            "years": int(state["years"]),
            "discount": state["discount"] / 100.0,
        }

    def _compute(self, state):
        shares = np.union1d(self._SHARES, [state["retention_share"] / 100.0])
        return budget_split_table(state["budget"], shares, **self._assumptions(state))

    @property
    def chosen(self):
        """The row of :attr:`result` for the chosen split (None without a result)."""
        if self.result is None:
            return None
        return self.result.loc[self.state["retention_share"] / 100.0]

    def _headline(self, result, state):
        row = result.loc[state["retention_share"] / 100.0]
        best = result["profit_total"].idxmax()
        main = TEXT["split_main"].format(profit=format_eur(float(row["profit_total"])))
        side = TEXT["split_side"].format(years=int(state["years"]),
                                         share=f"{state['retention_share']} %")
        caption = TEXT["split_caption"].format(
            retention=f"{100 * row['retention']:.1f} %",
            new=format_number(float(row["new_customers_per_year"])),
            end=format_number(float(row["customers_end"])), years=int(state["years"]),
            best=f"{100 * best:.0f} %",
            best_profit=format_eur(float(result.loc[best, "profit_total"])),
        )
        return self._big_html(main, side, caption)

    def _draw(self, result, state):
        if not hasattr(self, "_curves"):
            self._curves = []
            for ax, title in zip(self.axes, ("split_customers", "split_profit"), strict=True):
                ax.set_axis_on()
                ax.set_title(TEXT[title], fontsize="medium")
                ax.set_xlabel(TEXT["split_x"])
                ax.xaxis.set_major_formatter(PercentFormatter(1.0))
                ax.yaxis.set_major_formatter(_Short())
                ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
                ax.grid(True, alpha=0.3)
                line, = ax.plot([], [], color=PALETTE[0])
                dot, = ax.plot([], [], "o", color=PALETTE[3], markersize=9)
                self._curves.append((line, dot))
            self._animated = [dot for _, dot in self._curves]  # moving the split: dots only
        share = state["retention_share"] / 100.0
        x = result.index.to_numpy()
        for ax, column, (line, dot) in zip(self.axes, ("customers_end", "profit_total"),
                                           self._curves, strict=True):
            ax.set_visible(True)
            y = result[column].to_numpy()
            line.set_data(x, y)
            dot.set_data([share], [float(result.loc[share, column])])
            low, high = float(y.min()), float(y.max())
            pad = 0.08 * (high - low) if high > low else max(1.0, abs(high) * 0.05)
            ax.set_ylim(low - pad, high + pad)
            ax.set_xlim(-0.02, 1.02)

    def _draw_message(self, state):
        for ax in self.axes:
            ax.set_visible(False)


def budget_split_whatif(**defaults):
    """Build a :class:`BudgetSplitWhatIf`; keyword arguments set its starting values.

    >>> budget_split_whatif(budget=100_000).state["budget"]
    100000
    """
    return BudgetSplitWhatIf(**defaults)
