# Shortcuts for people who like make; the real work is in workbook.py,
# which needs nothing but Python.
PYTHON ?= python3

.PHONY: lab test data check-data lint
lab:        ## open the workbook in JupyterLab (localhost, token)
	$(PYTHON) workbook.py lab
test:       ## run the whole test suite
	$(PYTHON) workbook.py test
data:       ## rebuild the shipped classroom datasets
	.venv/bin/python -m crmlearn.datasets.build
check-data: ## rebuild into a temp folder and compare with the shipped files
	.venv/bin/python -m crmlearn.datasets.build --check
lint:
	.venv/bin/ruff check .
