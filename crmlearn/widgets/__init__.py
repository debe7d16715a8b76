"""Live what-if widgets for the lecture hall and for self-study.

Each widget wires a few labelled controls to a pure function of
:mod:`crmlearn.value`, :mod:`crmlearn.loyalty` or :mod:`crmlearn.whatif` and
shows the result as a large headline and one figure that updates in place.
Evaluate the object in a cell to show it::

    from crmlearn.widgets import clv_whatif
    clv_whatif(margin=200, retention=0.8)

Every widget offers ``.set(**values)``, ``.state``, ``.result``, ``.message``,
``.reset()`` (also the Reset button) and ``.widget`` (the ipywidgets box).
Pass ``large=True`` for a projector, or call
:func:`crmlearn.plots.presentation_mode` before building the widget.

=================================  =========================================
constructor                        widget
=================================  =========================================
:func:`clv_whatif`                 :class:`CLVWhatIf`
:func:`churn_whatif`               :class:`ChurnWhatIf`
:func:`budget_split_whatif`        :class:`BudgetSplitWhatIf`
:func:`nps_simulator`              :class:`NPSSimulator`
:func:`abc_explorer`               :class:`ABCExplorer`
:func:`rfm_explorer`               :class:`RFMExplorer`
:func:`value_category_explorer`    :class:`ValueCategoryExplorer`
:func:`readiness_assessment`       :class:`ReadinessAssessment`
=================================  =========================================
"""

from ._base import WhatIfWidget
from .churn import BudgetSplitWhatIf, ChurnWhatIf, budget_split_whatif, churn_whatif
from .clv import CLVWhatIf, clv_whatif
from .nps import NPSSimulator, nps_simulator
from .readiness import ReadinessAssessment, readiness_assessment
from .segments import (
    ABCExplorer,
    RFMExplorer,
    ValueCategoryExplorer,
    abc_explorer,
    rfm_explorer,
    value_category_explorer,
)

__all__ = [
    "WhatIfWidget",
    "CLVWhatIf",
    "ChurnWhatIf",
    "BudgetSplitWhatIf",
    "NPSSimulator",
    "ABCExplorer",
    "RFMExplorer",
    "ValueCategoryExplorer",
    "ReadinessAssessment",
    "clv_whatif",
    "churn_whatif",
    "budget_split_whatif",
    "nps_simulator",
    "abc_explorer",
    "rfm_explorer",
    "value_category_explorer",
    "readiness_assessment",
]
