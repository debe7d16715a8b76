"""Keep nbval from collecting the case-study notebooks.

They are stored without outputs and run by tests/test_casestudies.py through
``python -m crmlearn.casestudy`` with several parameter sets, which also checks
their numbers; a plain nbval run would only execute them once more.
"""

collect_ignore_glob = ["*.ipynb"]
