"""Helpers for the end-to-end case studies in ``notebooks/cases/``.

Each case study walks one firm through the IDIC cycle (Peppers & Rogers):
identify, differentiate, interact, customize, and ends in a budget per value
category and a one-page management summary. The notebooks keep their cells
short by calling the plain functions here:

- :func:`load_case` gets the data: the classroom sample, a simulated firm, or
  the learner's own transactions CSV (then only the transactions exist);
- :func:`link_quality`, :func:`campaign_experiment`, :func:`offers_for` run the
  identify / interact / customize steps, or return a :class:`Skipped` note that
  renders as Markdown when the data lack the tables they need;
- :func:`customer_values` builds the value table (RFM, ABC, actual value,
  potential, value category, predicted CLV);
- :func:`allocate_budget` states and applies the budget rule;
- :func:`headline_numbers`, :func:`write_summary` and :func:`management_summary`
  produce the machine-readable summary and the one-page summary;
- :func:`write_parquet`, :func:`summary_from_parquet` and :func:`time_pipeline`
  run the RFM/CLV pipeline at scale (Parquet files, DuckDB, then the models)
  and time it; :func:`recorded_pipeline` and :func:`pipeline_report` read and
  describe the million-customer run of ``benchmarks/bench_pipeline.py``;
- :func:`check_parameters`, :func:`run_case` and :func:`main` check the
  parameters, run a case notebook with papermill and write the executed
  notebook, an HTML report without code and ``summary.json``.

Run ``python -m crmlearn.casestudy --help`` (or ``python3 workbook.py case
--help``) for the command line.

The code lives in three modules, all re-exported here: :mod:`~crmlearn.casestudy.core`
(the case helpers), :mod:`~crmlearn.casestudy.scale` (the pipeline at scale)
and :mod:`~crmlearn.casestudy.runner` (parameters and the command line).
"""

from __future__ import annotations

from .core import (
    BUDGET_WEIGHTS,
    CASES,
    CaseData,
    Skipped,
    allocate_budget,
    campaign_experiment,
    contract_clv,
    contract_survivors,
    customer_values,
    headline_numbers,
    link_quality,
    load_case,
    management_summary,
    offers_for,
    purchase_clv,
    write_summary,
)
from .runner import _value as _value  # used by tests/test_casestudies.py
from .runner import case_parameters, check_parameters, main, notebook_path, run_case
from .scale import RECORDED_PIPELINE as RECORDED_PIPELINE
from .scale import (
    pipeline_record,
    pipeline_report,
    recorded_pipeline,
    summary_from_parquet,
    time_pipeline,
    write_parquet,
)

__all__ = [
    "CASES",
    "BUDGET_WEIGHTS",
    "Skipped",
    "CaseData",
    "load_case",
    "link_quality",
    "purchase_clv",
    "contract_survivors",
    "contract_clv",
    "customer_values",
    "campaign_experiment",
    "offers_for",
    "allocate_budget",
    "headline_numbers",
    "write_summary",
    "management_summary",
    "write_parquet",
    "summary_from_parquet",
    "time_pipeline",
    "pipeline_record",
    "recorded_pipeline",
    "pipeline_report",
    "notebook_path",
    "case_parameters",
    "check_parameters",
    "run_case",
    "main",
]
