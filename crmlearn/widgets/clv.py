"""CLV what-if: how margin, retention, discount rate and horizon drive lifetime value."""

from __future__ import annotations

import ipywidgets as w
from matplotlib.ticker import MaxNLocator

from ..plots._theme import PALETTE
from ..plots.value import plot_clv_curve
from ..value import cumulative_clv
from ..whatif import clv_scenario
from ._base import WhatIfWidget, format_eur, nice_limit, slider

__all__ = ["CLVWhatIf", "clv_whatif", "TEXT"]

_MAX_YEARS = 50  # the longest curve: the horizon slider's end and clv_scenario's cap

#: Every word this widget shows.
TEXT = {
    "title": "Customer lifetime value: what if?",
    "margin": "Margin per year (EUR)",
    "retention": "Retention rate (%)",
    "discount": "Discount rate (%)",
    "acquisition_cost": "Acquisition cost (EUR)",
    "years": "Horizon (years)",
    "infinite": "Infinite horizon (no end)",
    "timing": "Margin paid at",
    "timing_options": [("end of year", "end"), ("start of year", "start")],
    "clv": "CLV {value}",
    "simple": "simple formula (margin x years - acquisition, no churn, no discount): {value}",
    "simple_endless": "simple formula: no finite value without an end",
    "limit": "endless horizon would give {value}",
    "break_even": "The acquisition cost is earned back in year {year}.",
    "never": "Within {years} years the acquisition cost is not earned back.",
    "acquisition_line": "Acquisition cost",
    "limit_line": "Limit",
    "curve_line": "Cumulative CLV",
    "bars": "Margin of the year",
    "y": "EUR, discounted",
}


class CLVWhatIf(WhatIfWidget):
    """Live what-if for the retention-based CLV.

    Controls: margin per year, retention rate, discount rate, acquisition
    cost, horizon (years, or an "infinite" box) and when the margin is paid.
    Shows :func:`crmlearn.value.retention_clv` in large type with
    :func:`crmlearn.value.simple_clv` beside it, and the CLV curve of
    :func:`crmlearn.value.cumulative_clv` with the acquisition cost as the
    break-even line. The numbers come from :func:`crmlearn.whatif.clv_scenario`.

    Parameters
    ----------
    margin, retention, discount, acquisition_cost, years, infinite, timing
        Starting values (retention and discount as shares, e.g. 0.8).
    large, dpi
        See :class:`crmlearn.widgets._base.WhatIfWidget`.

    Examples
    --------
    >>> clv = CLVWhatIf(margin=100, retention=0.8, discount=0.1, years=3, acquisition_cost=0)
    >>> round(clv.result.clv, 2)
    164.09
    >>> clv.set(retention=90).result.clv > 164.09
    True

    """

    TITLE = TEXT["title"]

    def __init__(self, margin=200.0, retention=0.8, discount=0.1, acquisition_cost=300.0,
                 years=10, infinite=False, timing="end", large=None, dpi=72):
        self._start = {
            "margin": float(margin),
            "retention": round(100.0 * float(retention), 1),
            "discount": round(100.0 * float(discount), 1),
            "acquisition_cost": float(acquisition_cost),
            "years": int(years),
            "infinite": bool(infinite),
            "timing": timing,
        }
        super().__init__(large=large, dpi=dpi)

    def _build_controls(self):
        s = self._start
        years = slider(TEXT["years"], s["years"], 1, 50, 1, integer=True)
        infinite = w.Checkbox(value=s["infinite"], description=TEXT["infinite"],
                              style={"description_width": "initial"}, indent=False)
        controls = {
            "margin": slider(TEXT["margin"], s["margin"], 0.0, 2000.0, 10.0, fmt=".0f"),
            "retention": slider(TEXT["retention"], s["retention"], 0.0, 100.0, 1.0, fmt=".0f"),
            "discount": slider(TEXT["discount"], s["discount"], 0.0, 30.0, 0.5, fmt=".1f"),
            "acquisition_cost": slider(TEXT["acquisition_cost"], s["acquisition_cost"], 0.0,
                                       3000.0, 10.0, fmt=".0f"),
            "years": years,
            "infinite": infinite,
            "timing": w.ToggleButtons(options=TEXT["timing_options"], value=s["timing"],
                                      description=TEXT["timing"],
                                      style={"description_width": "initial",
                                             "button_width": "110px"}),
        }
        # the year slider has no meaning with an endless horizon
        years.disabled = infinite.value
        infinite.observe(lambda ch: setattr(years, "disabled", bool(ch["new"])), names="value")
        return controls

    def _compute(self, state):
        return clv_scenario(
            margin=state["margin"],
            retention=state["retention"] / 100.0,
            discount=state["discount"] / 100.0,
            years=None if state["infinite"] else int(state["years"]),
            acquisition_cost=state["acquisition_cost"],
            timing=state["timing"],
        )

    def _headline(self, result, state):
        if result.clv is None:
            # endless value: the headline is the message, the curve still shows the growth
            return self._message_html(result.message)
        main = TEXT["clv"].format(value=format_eur(result.clv))
        if result.simple is None:
            side = TEXT["simple_endless"]
        else:
            side = TEXT["simple"].format(value=format_eur(result.simple))
        years = len(result.curve)
        if state["acquisition_cost"] > 0:
            caption = (TEXT["break_even"].format(year=result.break_even_year)
                       if result.break_even_year is not None
                       else TEXT["never"].format(years=years))
        else:
            caption = ""
        if not state["infinite"] and result.limit is not None:
            limit = TEXT["limit"].format(value=format_eur(result.limit - state["acquisition_cost"]))
            caption = f"{caption} ({limit})" if caption else limit.capitalize()
        return self._big_html(main, side, caption)

    def _setup(self):
        """Draw a 50-year frame once with the shared plot function; updates move its artists."""
        ax = self.axes
        ax.clear()
        plot_clv_curve(cumulative_clv(0.0, 0.0, 0.0, _MAX_YEARS), ax=ax)
        # words cost drawing time (matplotlib renders text glyph by glyph): the headline
        # carries the title, the figure keeps short labels
        ax.set_title("")
        ax.set_ylabel(TEXT["y"])
        ax.get_legend().remove()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self._bars = list(ax.containers[0])
        self._line = ax.lines[0]
        self._acquisition = ax.axhline(0, color=PALETTE[3], linestyle="--", linewidth=1.5)
        self._limit = ax.axhline(0, color="0.4", linestyle=":", linewidth=1.5)
        self._legend_key = None

    def _draw(self, result, state):
        if not hasattr(self, "_line"):
            self._setup()
        ax = self.axes
        ax.set_visible(True)
        curve = result.curve
        n = len(curve)
        heights = curve["discounted"].to_numpy()
        for i, bar in enumerate(self._bars):
            visible = i < n
            bar.set_visible(visible)
            if visible:
                bar.set_height(heights[i])
        self._line.set_data(curve["year"].to_numpy(), curve["cumulative"].to_numpy())
        self._line.set_markersize(4 if n <= 25 else 0)
        cost = float(state["acquisition_cost"])
        show_cost = cost > 0
        show_limit = bool(state["infinite"]) and result.limit is not None
        self._acquisition.set_ydata([cost, cost])
        self._acquisition.set_visible(show_cost)
        if show_limit:
            self._limit.set_ydata([result.limit, result.limit])
        self._limit.set_visible(show_limit)
        values = [0.0, *heights, *curve["cumulative"].to_numpy()]
        values += [cost] if show_cost else []
        values += [result.limit] if show_limit else []
        low, high = min(values), max(values)
        if high - low < 1e-9:
            high = low + 1.0
        # snapped limits keep the cached background (ticks) valid for many updates
        ax.set_ylim(nice_limit(low * 1.08), nice_limit(high * 1.08))
        ax.set_xlim(0.4, n + 0.6)
        key = (show_cost, show_limit)
        if key != self._legend_key:
            handles = [self._line, self._bars[0]]
            labels = [TEXT["curve_line"], TEXT["bars"]]
            if show_cost:
                handles.append(self._acquisition)
                labels.append(TEXT["acquisition_line"])
            if show_limit:
                handles.append(self._limit)
                labels.append(TEXT["limit_line"])
            legend = ax.legend(handles, labels, loc="lower right")
            self._legend_key = key
            self._animated = [*self._bars, self._line, self._acquisition, self._limit, legend]

    def _background_key(self):
        return getattr(self, "_legend_key", None)

    def _draw_message(self, state):
        self.axes.set_visible(False)


def clv_whatif(**defaults):
    """Build a :class:`CLVWhatIf`; keyword arguments set its starting values.

    >>> clv_whatif(margin=100, years=5).state["years"]
    5
    """
    return CLVWhatIf(**defaults)
