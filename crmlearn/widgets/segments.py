"""Explorers for customer segments: ABC thresholds, RFM points and value categories."""

from __future__ import annotations

import ipywidgets as w
import numpy as np
from matplotlib.lines import Line2D

from ..errors import CRMDataError
from ..plots._theme import CLASS_COLOURS
from ..plots.value import _CATEGORY_COLOURS, plot_abc, plot_lorenz, plot_rfm_heatmap
from ..plots.value import TEXT as PLOT_TEXT
from ..value import (
    VALUE_CATEGORIES,
    abc_classes,
    abc_table,
    gini,
    lorenz_curve,
    rfm_scores,
    rfm_segments,
    value_categories,
)
from ..whatif import weighted_rfm
from ._base import WhatIfWidget, format_eur, format_number, format_percent, nice_limit, slider

__all__ = [
    "ABCExplorer",
    "RFMExplorer",
    "ValueCategoryExplorer",
    "abc_explorer",
    "rfm_explorer",
    "value_category_explorer",
    "TEXT",
]

#: Every word these widgets show.
TEXT = {
    # ABC
    "abc_title": "ABC analysis: where do you draw the lines?",
    "method": "Classes by",
    "methods": [("share of customers", "rank"), ("share of value", "cumulative")],
    "a_share": "A: best customers (% of customers)",
    "c_share": "C: weakest customers (% of customers)",
    "cut_a": "A ends at (% of cumulative value)",
    "cut_b": "B ends at (% of cumulative value)",
    "abc_main": "A: {customers} customers ({customer_share}) bring {value_share}",
    "abc_side": "of the {what}",
    "abc_legend": "Left: Lorenz curve (share of customers, best first, against share of "
                  "{what}) with the A, B and C bands. Right: share of customers (light) and "
                  "of {what} (dark) per class.",
    "abc_caption": "B: {b_customers} customers bring {b_value}; C: {c_customers} customers bring "
                   "{c_value}. Gini coefficient {gini}.",
    "abc_too_wide": "The A share ({a}) and the C share ({c}) add up to more than 100 %: "
                    "lower one of them.",
    "abc_cuts": "A must end before B: the A cut ({a}) is above the B cut ({b}). "
                "Raise the B cut or lower the A cut.",
    # RFM
    "rfm_title": "RFM: points for recency, frequency and monetary value",
    "bins": "Point classes per dimension",
    "r_weight": "Weight of recency (R)",
    "f_weight": "Weight of frequency (F)",
    "m_weight": "Weight of monetary value (M)",
    "rfm_main": "Top group: {count} customers ({share})",
    "rfm_side": "weighted score {threshold} or more (of {bins})",
    "rfm_caption_segments": "Largest segments (from r and f): {segments}.",
    "rfm_caption": "Mean weighted score {mean}; named segments need 5 point classes.",
    "rfm_hist_title": "Customers by weighted RFM score",
    "rfm_hist_x": "Weighted score",
    "rfm_legend": "Left: customers by recency and frequency points. Right: customers by "
                  "weighted score (dark: the top group).",
    "rfm_hist_y": "Customers",
    # value categories
    "vc_title": "Value categories: who is most valuable, who can grow?",
    "mvc_quantile": "MVC from the top (% of customers by actual value)",
    "mgc_quantile": "MGC from the top (% of customers by potential)",
    "vc_main": "MVC {MVC} | MGC {MGC} | Migrators {Migrator} | BZC {BZC}",
    "vc_caption": "MVC (most valuable) from an actual value of {mvc} (dashed vertical line); "
                  "MGC (most growable) from a potential of {mgc} (dashed horizontal line). "
                  "BZC (below zero) cost more than they bring, whatever the thresholds.",
}


_TOP, _REST = "#0173b2", "#9ecae1"  # the top group of the weighted score, everyone else


def _what(values):
    name = getattr(values, "name", None)
    return str(name) if name is not None else "value"


# --------------------------------------------------------------------------------------
# ABC
# --------------------------------------------------------------------------------------


class ABCExplorer(WhatIfWidget):
    """Move the A/B/C borders and watch the class table and the Lorenz curve.

    Two ways to draw the borders (:func:`crmlearn.value.abc_classes`): by
    share of customers (the best x % are A, the worst y % are C) or by share of
    cumulative value (A until 80 % of the value, B until 95 %). Shows
    :func:`crmlearn.value.abc_table` as bars and the Lorenz curve with the
    class bands. :attr:`result` is the class table.

    Parameters
    ----------
    values : Series
        One value per customer, e.g. ``summary["revenue"]`` (total > 0).
    method, a_share, c_share, cuts
        Starting values, as in :func:`crmlearn.value.abc_classes`.

    Examples
    --------
    >>> import pandas as pd
    >>> revenue = pd.Series([900, 50, 400, 30, 120, 80, 60, 40, 20, 300], name="revenue")
    >>> abc = ABCExplorer(revenue)
    >>> abc.result["customers"].tolist()
    [2, 6, 2]

    """

    TITLE = TEXT["abc_title"]
    FIGSIZE = (10.0, 3.9)
    N_AXES = 2
    MARGINS = {"left": 0.07, "right": 0.98, "bottom": 0.13, "top": 0.9, "wspace": 0.25}

    def __init__(self, values, method="rank", a_share=0.2, c_share=0.2, cuts=(0.8, 0.95),
                 large=None, dpi=72):
        # everything that does not depend on the controls is computed once, here
        self.values = values
        lorenz = lorenz_curve(values)
        n = len(lorenz)
        keep = np.unique(np.linspace(0, n - 1, min(n, 600)).round().astype(int))
        self._lorenz = lorenz.iloc[keep].reset_index(drop=True)  # enough points to draw
        try:
            self._gini = gini(values)
        except CRMDataError:
            self._gini = None  # negative values: no Gini
        self._start = {
            "method": method,
            "a_share": round(100.0 * a_share),
            "c_share": round(100.0 * c_share),
            "cut_a": round(100.0 * cuts[0]),
            "cut_b": round(100.0 * cuts[1]),
        }
        super().__init__(large=large, dpi=dpi)

    def _build_controls(self):
        s = self._start
        method = w.ToggleButtons(options=TEXT["methods"], value=s["method"],
                                 description=TEXT["method"],
                                 style={"description_width": "initial", "button_width": "150px"})
        controls = {
            "method": method,
            "a_share": slider(TEXT["a_share"], s["a_share"], 1, 80, 1, integer=True),
            "c_share": slider(TEXT["c_share"], s["c_share"], 1, 80, 1, integer=True),
            "cut_a": slider(TEXT["cut_a"], s["cut_a"], 10, 99, 1, integer=True),
            "cut_b": slider(TEXT["cut_b"], s["cut_b"], 10, 100, 1, integer=True),
        }

        def enable(_=None):
            rank = method.value == "rank"
            for name in ("a_share", "c_share"):
                controls[name].disabled = not rank
            for name in ("cut_a", "cut_b"):
                controls[name].disabled = rank

        method.observe(enable, names="value")
        enable()
        return controls

    def _compute(self, state):
        if state["method"] == "rank":
            if state["a_share"] + state["c_share"] > 100:
                raise CRMDataError(TEXT["abc_too_wide"].format(
                    a=f"{state['a_share']} %", c=f"{state['c_share']} %"))
            classes = abc_classes(self.values, "rank", state["a_share"] / 100,
                                  state["c_share"] / 100)
        else:
            if state["cut_a"] > state["cut_b"]:
                raise CRMDataError(TEXT["abc_cuts"].format(
                    a=f"{state['cut_a']} %", b=f"{state['cut_b']} %"))
            classes = abc_classes(self.values, "cumulative",
                                  cuts=(state["cut_a"] / 100, state["cut_b"] / 100))
        return abc_table(self.values, classes)

    def _headline(self, result, state):
        a, b, c = (result.loc[k] for k in ("A", "B", "C"))
        main = TEXT["abc_main"].format(
            customers=format_number(a["customers"]),
            customer_share=format_percent(a["customer_share"]),
            value_share=format_percent(a["value_share"]),
        )
        caption = TEXT["abc_caption"].format(
            b_customers=format_number(b["customers"]), b_value=format_percent(b["value_share"]),
            c_customers=format_number(c["customers"]), c_value=format_percent(c["value_share"]),
            gini="n/a" if self._gini is None else f"{self._gini:.2f}",
        ) + "<br>" + TEXT["abc_legend"].format(what=_what(self.values))
        return self._big_html(main, TEXT["abc_side"].format(what=_what(self.values)), caption)

    def _setup(self, result):
        """Draw both panels once with the shared plot functions; updates move the artists."""
        left, right = self.axes
        for ax in self.axes:
            ax.clear()
            ax.set_axis_on()
        plot_lorenz(self._lorenz, ax=left, top=None)
        plot_abc(result, ax=right)
        # matplotlib draws text glyph by glyph, so the figure keeps few words; the
        # headline explains the panels
        for ax in self.axes:
            ax.set_title("")
            ax.get_legend().remove()
        right.set_xlabel("")
        for text in list(right.texts):
            text.remove()
        self._bands = []
        self._band_labels = []
        for label in ("A", "B", "C"):
            self._bands.append(left.axvspan(0, 0, color=CLASS_COLOURS[label], alpha=0.15,
                                            linewidth=0))
            self._band_labels.append(left.text(0, 0.02, label, ha="center", va="bottom",
                                               fontsize="large", fontweight="bold",
                                               color=CLASS_COLOURS[label],
                                               transform=left.get_xaxis_transform()))
        self._bars = [list(container) for container in right.containers[:2]]
        self._bar_labels = [[right.annotate("", xy=(bar.get_x() + bar.get_width() / 2, 0),
                                            xytext=(0, 2), textcoords="offset points",
                                            ha="center", va="bottom") for bar in bars]
                            for bars in self._bars]
        self._animated = (self._bands + self._band_labels + [b for bars in self._bars for b in bars]
                          + [t for labels in self._bar_labels for t in labels])

    def _draw(self, result, state):
        if not hasattr(self, "_bands"):
            self._setup(result)
        left, right = self.axes
        for ax in self.axes:
            ax.set_visible(True)
        start = 0.0
        for band, text, share in zip(self._bands, self._band_labels, result["customer_share"],
                                     strict=True):
            band.set_x(start)
            band.set_width(share)
            band.set_visible(share > 0)
            text.set_x(start + share / 2)
            text.set_visible(share > 0)
            start += share
        heights = []
        for column, bars, labels in zip(("customer_share", "value_share"), self._bars,
                                         self._bar_labels, strict=True):
            for bar, label, value in zip(bars, labels, result[column].fillna(0.0), strict=True):
                bar.set_height(value)
                label.xy = (bar.get_x() + bar.get_width() / 2, max(value, 0.0))
                label.set_text(f"{value:.0%}")
                heights.append(value)
        # snapped limits keep the cached background (ticks) valid for most updates
        right.set_ylim(nice_limit(min(0.0, min(heights)) * 1.2), max(1.1, nice_limit(max(heights) * 1.18)))

    def _draw_message(self, state):
        for ax in self.axes:
            ax.set_visible(False)


def abc_explorer(values, **defaults):
    """Build an :class:`ABCExplorer` for one value per customer (e.g. revenue).

    >>> import pandas as pd
    >>> abc_explorer(pd.Series([5.0, 1, 3, 9, 2]), a_share=0.4).state["a_share"]
    40
    """
    return ABCExplorer(values, **defaults)


# --------------------------------------------------------------------------------------
# RFM
# --------------------------------------------------------------------------------------


class RFMExplorer(WhatIfWidget):
    """Choose the number of point classes and the weights of R, F and M.

    Points come from :func:`crmlearn.value.rfm_scores` (computed once per
    number of classes and cached), the weighted score from
    :func:`crmlearn.whatif.weighted_rfm`, and with 5 classes the named
    segments from :func:`crmlearn.value.rfm_segments`. Left: customers by r
    and f points; right: customers by weighted score. :attr:`result` is the
    points table with the extra columns ``rfm_weighted`` (and ``segment``
    with 5 classes).

    Parameters
    ----------
    summary : DataFrame
        Customer table from :func:`crmlearn.customer_summary` (columns
        ``days_since_last``, ``n_purchases``, ``revenue`` by default).
    bins, r_weight, f_weight, m_weight
        Starting values.
    recency, frequency, monetary
        Column names, as in :func:`crmlearn.value.rfm_scores`.

    """

    TITLE = TEXT["rfm_title"]
    FIGSIZE = (10.0, 4.0)
    N_AXES = 2
    MARGINS = {"left": 0.08, "right": 0.98, "bottom": 0.14, "top": 0.9, "wspace": 0.3}

    def __init__(self, summary, bins=5, r_weight=1.0, f_weight=1.0, m_weight=1.0,
                 recency="days_since_last", frequency="n_purchases", monetary="revenue",
                 large=None, dpi=72):
        self.summary = summary
        self._columns = {"recency": recency, "frequency": frequency, "monetary": monetary}
        self._scores = {}
        self._points(bins)  # check the table at once, not on the first click
        self._start = {"bins": int(bins), "r_weight": float(r_weight),
                       "f_weight": float(f_weight), "m_weight": float(m_weight)}
        super().__init__(large=large, dpi=dpi)

    def _points(self, bins):
        if bins not in self._scores:
            scores = rfm_scores(self.summary, bins=bins, **self._columns)
            if bins == 5:
                scores["segment"] = rfm_segments(scores)
            self._scores[bins] = scores
        return self._scores[bins]

    def _build_controls(self):
        s = self._start
        return {
            "bins": w.ToggleButtons(options=[3, 4, 5], value=s["bins"], description=TEXT["bins"],
                                    style={"description_width": "initial",
                                           "button_width": "60px"}),
            "r_weight": slider(TEXT["r_weight"], s["r_weight"], 0.0, 5.0, 0.5, fmt=".1f"),
            "f_weight": slider(TEXT["f_weight"], s["f_weight"], 0.0, 5.0, 0.5, fmt=".1f"),
            "m_weight": slider(TEXT["m_weight"], s["m_weight"], 0.0, 5.0, 0.5, fmt=".1f"),
        }

    def _compute(self, state):
        scores = self._points(int(state["bins"]))
        weighted = weighted_rfm(scores, state["r_weight"], state["f_weight"], state["m_weight"])
        return scores.assign(rfm_weighted=weighted)

    def _headline(self, result, state):
        bins = int(state["bins"])
        threshold = bins - 0.5
        top = result["rfm_weighted"] >= threshold
        main = TEXT["rfm_main"].format(count=format_number(int(top.sum())),
                                       share=format_percent(top.mean()))
        side = TEXT["rfm_side"].format(threshold=f"{threshold:g}", bins=bins)
        if "segment" in result:
            counts = result["segment"].value_counts().head(3)
            segments = ", ".join(f"{name} {format_number(n)}" for name, n in counts.items())
            caption = TEXT["rfm_caption_segments"].format(segments=segments)
        else:
            caption = TEXT["rfm_caption"].format(mean=f"{result['rfm_weighted'].mean():.2f}")
        caption += "<br>" + TEXT["rfm_legend"]
        return self._big_html(main, side, caption)

    def _panels(self, bins):
        """Return the (heatmap, histogram, bars) of one number of classes, drawn on first use.

        Each number of classes gets its own pair of axes at the same place;
        switching shows one pair and hides the others, so that a switch back
        reuses the cached picture instead of drawing the heatmap again.
        """
        panels = self.__dict__.setdefault("_by_bins", {})
        if bins not in panels:
            if panels:  # a new pair on top of the first one
                left = self.figure.add_axes(self.axes[0].get_position())
                right = self.figure.add_axes(self.axes[1].get_position())
                self.axes.extend([left, right])
            else:
                left, right = self.axes
            for ax in (left, right):
                ax.clear()
                ax.set_axis_on()
            plot_rfm_heatmap(self._points(bins), ax=left, bins=bins, cbar=False,
                             annot_kws={"fontsize": "small"})
            left.set_title("")
            centres = np.arange(1.0, bins + 0.01, 0.5)
            bars = list(right.bar(centres, np.zeros(len(centres)), width=0.42, color=_REST))
            right.set_xticks(np.arange(1, bins + 1))
            right.set_xlabel(TEXT["rfm_hist_x"])
            right.set_ylabel(TEXT["rfm_hist_y"])
            right.set_ylim(0, 1)
            panels[bins] = (left, right, bars)
        return panels[bins]

    def _draw(self, result, state):
        bins = int(state["bins"])
        left, right, bars = self._panels(bins)
        # weighted scores live on the 1..bins scale; half-point bars keep them readable
        edges = np.arange(1.0, bins + 0.51, 0.5) - 0.25
        counts, _ = np.histogram(result["rfm_weighted"].to_numpy(), bins=edges)
        centres = edges[:-1] + 0.25
        colours = [_TOP if c >= bins - 0.5 else _REST for c in centres]
        for ax in self.axes:
            ax.set_visible(ax is left or ax is right)
        self._animated = bars
        for bar, count, colour in zip(bars, counts, colours, strict=True):
            bar.set_height(count)
            bar.set_color(colour)
        # keep the scale while the tallest bar fits and fills at least 45 % of it: a new
        # scale means redrawing the ticks, which costs several times a normal update
        needed = max(counts.max(), 1) * 1.08
        top = right.get_ylim()[1]
        if not (needed <= top and counts.max() >= 0.45 * top):
            right.set_ylim(0, nice_limit(needed))

    def _draw_message(self, state):
        for ax in self.axes:
            ax.set_visible(False)


def rfm_explorer(summary, **defaults):
    """Build an :class:`RFMExplorer` for a customer table."""
    return RFMExplorer(summary, **defaults)


# --------------------------------------------------------------------------------------
# value categories
# --------------------------------------------------------------------------------------


class ValueCategoryExplorer(WhatIfWidget):
    """Move the MVC and MGC thresholds and watch the value categories change.

    Categories from :func:`crmlearn.value.value_categories`: the thresholds
    are quantiles of the actual and of the potential value, set here as "top
    x % of customers". The scatter of actual against potential value is drawn
    once; an update only recolours the points and moves the two threshold
    lines. :attr:`result` is the category Series.

    Parameters
    ----------
    actual, potential : Series
        Actual value and unrealized potential per customer (EUR; potential >= 0).
    mvc_top, mgc_top : float
        Starting shares of customers above the thresholds (0.2 = top 20 %).
    max_points : int
        Draw at most this many customers (a fixed random sample) so updates
        stay fast; counts always use every customer.

    Examples
    --------
    >>> import pandas as pd
    >>> actual = pd.Series([500.0, 80, 20, -40, 30])
    >>> potential = pd.Series([100.0, 900, 50, 600, 80])
    >>> vc = ValueCategoryExplorer(actual, potential)
    >>> int(vc.result.value_counts().loc["BZC"])
    1

    """

    TITLE = TEXT["vc_title"]
    FIGSIZE = (8.0, 4.2)
    MARGINS = {"left": 0.11, "right": 0.97, "bottom": 0.13, "top": 0.97}

    def __init__(self, actual, potential, mvc_top=0.2, mgc_top=0.2, max_points=3000,
                 large=None, dpi=72):
        self.actual = actual
        self.potential = potential
        value_categories(actual, potential)  # check the input at once
        a = np.asarray(actual, dtype=float)
        p = np.asarray(potential, dtype=float)
        rng = np.random.default_rng(0)
        self._shown = (np.sort(rng.choice(len(a), max_points, replace=False))
                       if len(a) > max_points else np.arange(len(a)))
        self._xy = np.column_stack([a[self._shown], p[self._shown]])
        self._colours = np.array([_to_rgba(_CATEGORY_COLOURS[c]) for c in VALUE_CATEGORIES])
        self._start = {"mvc_top": round(100 * mvc_top), "mgc_top": round(100 * mgc_top)}
        super().__init__(large=large, dpi=dpi)

    def _build_controls(self):
        s = self._start
        return {
            "mvc_top": slider(TEXT["mvc_quantile"], s["mvc_top"], 1, 50, 1, integer=True),
            "mgc_top": slider(TEXT["mgc_quantile"], s["mgc_top"], 1, 50, 1, integer=True),
        }

    def _thresholds(self, state):
        a = np.asarray(self.actual, dtype=float)
        p = np.asarray(self.potential, dtype=float)
        return (float(np.quantile(a, 1 - state["mvc_top"] / 100)),
                float(np.quantile(p, 1 - state["mgc_top"] / 100)))

    def _compute(self, state):
        return value_categories(self.actual, self.potential,
                                mvc_quantile=1 - state["mvc_top"] / 100,
                                mgc_quantile=1 - state["mgc_top"] / 100)

    def _headline(self, result, state):
        counts = result.value_counts().reindex(VALUE_CATEGORIES, fill_value=0)
        main = TEXT["vc_main"].format(**{k: format_number(v) for k, v in counts.items()})
        mvc, mgc = self._thresholds(state)
        caption = TEXT["vc_caption"].format(mvc=format_eur(mvc), mgc=format_eur(mgc))
        return self._big_html(main, "", caption)

    def _setup(self):
        ax = self.axes
        ax.clear()
        ax.set_axis_on()
        self._points = ax.scatter(self._xy[:, 0], self._xy[:, 1], s=14, linewidths=0, alpha=0.7)
        self._mvc_line = ax.axvline(0, color=_CATEGORY_COLOURS["MVC"], linestyle="--",
                                    linewidth=1.5)
        self._mgc_line = ax.axhline(0, color=_CATEGORY_COLOURS["MGC"], linestyle="--",
                                    linewidth=1.5)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_xlabel(PLOT_TEXT["categories_x"])
        ax.set_ylabel(PLOT_TEXT["categories_y"])
        handles = [Line2D([], [], marker="o", linestyle="", color=_CATEGORY_COLOURS[c],
                          label=c) for c in VALUE_CATEGORIES]
        legend = ax.legend(handles=handles, loc="upper right", ncol=4, fontsize="small")
        # points, threshold lines and the legend on top are redrawn; the rest is cached
        self._animated = [self._points, self._mvc_line, self._mgc_line, legend]

    def _draw(self, result, state):
        if not hasattr(self, "_points"):
            self._setup()
        self.axes.set_visible(True)
        codes = result.cat.codes.to_numpy()[self._shown]
        self._points.set_facecolors(self._colours[codes])
        mvc, mgc = self._thresholds(state)
        self._mvc_line.set_xdata([mvc, mvc])
        self._mgc_line.set_ydata([mgc, mgc])

    def _draw_message(self, state):
        self.axes.set_visible(False)


def _to_rgba(colour):
    from matplotlib.colors import to_rgba

    return to_rgba(colour)


def value_category_explorer(actual, potential, **defaults):
    """Build a :class:`ValueCategoryExplorer` for actual and potential value per customer."""
    return ValueCategoryExplorer(actual, potential, **defaults)
