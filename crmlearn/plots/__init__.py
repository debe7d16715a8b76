"""Plots for every crmlearn metric and model.

Each plot function takes the *result* of a metric or a fitted model (it never
computes metrics itself), accepts ``ax=None`` and ``**kwargs``, and returns the
Axes. Nothing here changes global settings unless you call :func:`use_theme`
or :func:`presentation_mode`. The wording of titles and labels sits in a
``TEXT`` dictionary at the top of each plot module, ready for translation.
"""

from ._theme import CLASS_COLOURS, PALETTE, new_axes, presentation_mode, use_theme
from .crm import plot_claim_sweep, plot_qci_funnel, plot_readiness, plot_strategy_comparison
from .explore import plot_monthly_revenue, plot_purchase_counts
from .identify import plot_recognition, plot_tradeoff
from .interact import plot_contact_timeline, plot_uplift
from .knowledge import plot_rules, plot_timing
from .models import (
    plot_calibration_holdout,
    plot_frequency_recency_matrix,
    plot_prob_alive_matrix,
    plot_survival,
)
from .segment import plot_lifecycle, plot_segment_profiles, plot_tiers
from .value import (
    plot_abc,
    plot_clv_curve,
    plot_cohort_retention,
    plot_lorenz,
    plot_margin_waterfall,
    plot_nps,
    plot_rfm_heatmap,
    plot_value_categories,
)

__all__ = [
    "CLASS_COLOURS",
    "PALETTE",
    "new_axes",
    "plot_abc",
    "plot_calibration_holdout",
    "plot_claim_sweep",
    "plot_clv_curve",
    "plot_cohort_retention",
    "plot_contact_timeline",
    "plot_frequency_recency_matrix",
    "plot_lifecycle",
    "plot_lorenz",
    "plot_margin_waterfall",
    "plot_monthly_revenue",
    "plot_nps",
    "plot_prob_alive_matrix",
    "plot_purchase_counts",
    "plot_qci_funnel",
    "plot_readiness",
    "plot_recognition",
    "plot_rfm_heatmap",
    "plot_rules",
    "plot_segment_profiles",
    "plot_strategy_comparison",
    "plot_survival",
    "plot_tiers",
    "plot_timing",
    "plot_tradeoff",
    "plot_uplift",
    "plot_value_categories",
    "presentation_mode",
    "use_theme",
]
