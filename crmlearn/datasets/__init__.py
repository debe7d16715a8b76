"""The synthetic CRM world: three fictional firms, their tables and the truth.

- :func:`generate` simulates a firm (``"retail"``, ``"subscription"``, ``"b2b"``)
  of any size from a seed, following the documented process in
  :mod:`crmlearn.datasets._generator`.
- :func:`load` reads the fixed classroom samples shipped in ``datasets/``;
  :func:`open_world` loads one or, given a size or seed, generates one.
- :func:`read_transactions` reads and validates a learner's own CSV export.
- :func:`data_dictionary` lists every column with its unit and meaning.
"""

from ._generator import generate
from ._io import ReadReport, read_transactions
from ._shipped import (
    CLASSROOM,
    SCENARIOS,
    data_dictionary,
    data_dir,
    load,
    open_world,
    verify_manifest,
)
from ._world import Truth, World

__all__ = [
    "CLASSROOM",
    "SCENARIOS",
    "ReadReport",
    "Truth",
    "World",
    "data_dictionary",
    "data_dir",
    "generate",
    "load",
    "open_world",
    "read_transactions",
    "verify_manifest",
]
