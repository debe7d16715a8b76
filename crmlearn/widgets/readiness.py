"""CRM readiness self-assessment: one 1-5 slider per statement, scores per element."""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from ..plots._theme import PALETTE
from ._base import WhatIfWidget, format_number

__all__ = ["ReadinessAssessment", "readiness_assessment", "TEXT"]

#: Every word this widget shows.
TEXT = {
    "title": "How ready is your firm for CRM? (Payne & Frow)",
    "scale": "1 = does not apply at all, 5 = fully applies",
    "overall": "Readiness {score} / 100",
    "side": "weakest element: {weakest}",
    "x": "Score (0-100)",
}


class ReadinessAssessment(WhatIfWidget):
    """Self-assessment of the four CRM implementation elements of Payne & Frow.

    One slider from 1 to 5 per statement of
    :data:`crmlearn.crm.READINESS_QUESTIONS`; scores per element come from
    :func:`crmlearn.crm.readiness_score` and are drawn as bars (the weakest
    one highlighted). The headline shows the overall score and the
    recommendation for the weakest element. :attr:`result` is the
    :class:`crmlearn.crm.Readiness` object.

    Parameters
    ----------
    answers : dict, optional
        Starting answers by question id (``"Q1"`` ...); missing ones start at 3.

    Examples
    --------
    >>> ra = ReadinessAssessment()
    >>> ra.result.overall
    50.0
    >>> ra.set(Q1=5).result.overall > 50
    True

    """

    TITLE = TEXT["title"]
    FIGSIZE = (8.0, 2.8)
    MARGINS = {"left": 0.3, "right": 0.97, "bottom": 0.2, "top": 0.95}

    def __init__(self, answers=None, large=None, dpi=72):
        from .. import crm  # imported here: the widget package loads without it

        self._crm = crm
        self._questions = crm.READINESS_QUESTIONS
        given = dict(answers or {})
        self._start = {q: int(given.get(q, 3)) for q in self._questions.index}
        super().__init__(large=large, dpi=dpi)

    def _build_controls(self):
        return {
            q: w.IntSlider(value=self._start[q], min=1, max=5, step=1, description=q,
                           continuous_update=False, style={"description_width": "3em"},
                           layout=w.Layout(width="260px"))
            for q in self._questions.index
        }

    def _layout_controls(self):
        rows = [w.HTML(f"<i>{TEXT['scale']}</i>")]
        element = None
        for q, row in self._questions.iterrows():
            if row["element"] != element:
                element = row["element"]
                rows.append(w.HTML(f"<b>{html.escape(_first_upper(element))}</b>"))
            rows.append(w.HBox([
                self.controls[q],
                w.HTML(html.escape(str(row["statement"])), layout=w.Layout(width="520px")),
            ]))
        return w.VBox(rows)

    def _compute(self, state):
        return self._crm.readiness_score({q: int(v) for q, v in state.items()})

    def _headline(self, result, state):
        main = TEXT["overall"].format(score=format_number(result.overall))
        side = TEXT["side"].format(weakest=html.escape(result.weakest))
        return self._big_html(main, side, html.escape(result.recommendation))

    def _draw(self, result, state):
        ax = self.axes
        scores = result.scores
        if not hasattr(self, "_bars"):
            ax.set_axis_on()
            pos = np.arange(len(scores))[::-1]
            self._bars = ax.barh(pos, np.zeros(len(scores)), color=PALETTE[0], height=0.6)
            ax.set_yticks(pos, [_first_upper(e) for e in scores.index])
            ax.set_xlim(0, 100)
            ax.set_xlabel(TEXT["x"])
            self._animated = list(self._bars)  # the axes are fixed: only the bars change
        for bar, (element, value) in zip(self._bars, scores.items(), strict=True):
            bar.set_width(float(value))
            bar.set_color(PALETTE[3] if element == result.weakest else PALETTE[0])


def _first_upper(text):
    text = str(text)
    return text[:1].upper() + text[1:]


def readiness_assessment(**answers):
    """Build a :class:`ReadinessAssessment`; keyword arguments are starting answers (Q1=4, ...).

    >>> readiness_assessment(Q1=5).state["Q1"]
    5
    """
    return ReadinessAssessment(answers=answers)
