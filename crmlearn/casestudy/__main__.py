"""``python -m crmlearn.casestudy``: run a case study from the command line (see ``--help``)."""

import sys

from .runner import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
