"""crmlearn: a teaching workbook for Customer Relationship Management analytics.

The package holds every computation the lessons use, so notebooks stay short:

- :mod:`crmlearn.datasets`: the synthetic CRM world (three firms) and loaders.
- :mod:`crmlearn.schema`: the columns of every table.
- :func:`crmlearn.customer_summary`: one row per customer from transactions.
- :mod:`crmlearn.value`, :mod:`crmlearn.loyalty`, :mod:`crmlearn.models`:
  customer value, loyalty metrics and probabilistic CLV models.
- :mod:`crmlearn.plots`, :mod:`crmlearn.widgets`: figures and live what-if tools.
"""

from ._about import versions
from .errors import CRMDataError
from .summary import customer_summary

__version__ = "0.1.0"

__all__ = ["CRMDataError", "customer_summary", "versions", "__version__"]
