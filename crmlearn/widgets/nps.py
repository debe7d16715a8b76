"""NPS simulator: how promoters, passives and detractors make up the Net Promoter Score."""

from __future__ import annotations

from ..plots.value import plot_nps
from ..whatif import nps_from_counts
from ._base import WhatIfWidget, format_number, slider

__all__ = ["NPSSimulator", "nps_simulator", "TEXT"]

#: Every word this widget shows.
TEXT = {
    "title": "Net Promoter Score simulator",
    "promoters": "Promoters (answers 9-10)",
    "passives": "Passives (answers 7-8)",
    "detractors": "Detractors (answers 0-6)",
    "detractors_to_passives": "Win over detractors: move to passives",
    "passives_to_promoters": "Win over passives: move to promoters",
    "score": "NPS {score}",
    "side": "out of {answers} answers",
    "moved": "Before the moves: {before}; {moved} answers moved up.",
    "none_moved": "Passives count in the base but not in the score: they pull it towards 0.",
}


def _points(score):
    return ("+" if score > 0 else "") + format_number(score)


class NPSSimulator(WhatIfWidget):
    """Live NPS from counts of answers, with 'win over' moves between the groups.

    The score comes from :func:`crmlearn.whatif.nps_from_counts` (the same
    value :func:`crmlearn.loyalty.nps` gives for the answers); the figure is
    :func:`crmlearn.plots.plot_nps`. With all counts at 0 the headline
    explains that an NPS needs answers.

    Examples
    --------
    >>> sim = NPSSimulator(promoters=50, passives=20, detractors=30)
    >>> float(sim.result["nps"])
    20.0

    """

    TITLE = TEXT["title"]
    FIGSIZE = (8.0, 2.2)
    MARGINS = {"left": 0.03, "right": 0.97, "bottom": 0.38, "top": 0.95}

    def __init__(self, promoters=45, passives=30, detractors=25, detractors_to_passives=0,
                 passives_to_promoters=0, max_answers=1000, large=None, dpi=72):
        self._start = {
            "promoters": int(promoters),
            "passives": int(passives),
            "detractors": int(detractors),
            "detractors_to_passives": int(detractors_to_passives),
            "passives_to_promoters": int(passives_to_promoters),
        }
        self._max = int(max(max_answers, promoters, passives, detractors))
        super().__init__(large=large, dpi=dpi)

    def _build_controls(self):
        s, top = self._start, self._max
        return {
            name: slider(TEXT[name], s[name], 0, top, 1, integer=True)
            for name in ("promoters", "passives", "detractors", "detractors_to_passives",
                         "passives_to_promoters")
        }

    def _compute(self, state):
        return nps_from_counts(**state)

    def _headline(self, result, state):
        main = TEXT["score"].format(score=_points(float(result["nps"])))
        side = TEXT["side"].format(answers=format_number(float(result["answers"])))
        if result["moved"] > 0:
            caption = TEXT["moved"].format(before=_points(float(result["nps_before"])),
                                           moved=format_number(float(result["moved"])))
        else:
            caption = TEXT["none_moved"]
        return self._big_html(main, side, caption)

    def _draw(self, result, state):
        ax = self.axes
        groups = ["detractors", "passives", "promoters"]
        shares = result[groups].astype(float)
        if not hasattr(self, "_labels"):
            # draw once with the shared plot function, then only move the three bars
            ax.clear()
            plot_nps(shares, ax=ax, score=float(result["nps"]))
            ax.set_title("")  # the headline shows the score
            ax.set_xlabel("")
            for text in list(ax.texts):
                text.remove()
            self._bars = list(ax.patches)[:3]
            self._labels = [ax.text(0, 0, "", ha="center", va="center", color="white",
                                    fontweight="bold", fontsize="large") for _ in groups]
            self._animated = self._bars + self._labels  # the rest is a cached background
        ax.set_visible(True)
        left = 0.0
        for bar, label, share in zip(self._bars, self._labels, shares, strict=True):
            bar.set_x(left)
            bar.set_width(share)
            label.set_position((left + share / 2, bar.get_y() + bar.get_height() / 2))
            label.set_text(f"{share:.0%}")
            label.set_visible(share >= 0.04)
            left += share

    def _draw_message(self, state):
        self.axes.set_visible(False)


def nps_simulator(**defaults):
    """Build an :class:`NPSSimulator`; keyword arguments set its starting counts.

    >>> float(nps_simulator(promoters=10, passives=0, detractors=0).result["nps"])
    100.0
    """
    return NPSSimulator(**defaults)
