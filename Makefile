# cfanalysis: `make report` builds the reports from the example data; `make test` runs every test.
# Everything is installed into .venv beside this file; nothing outside it. `make report` installs
# only what the reports need; `make test` adds the test tools (the `test` extra), `make lab`
# JupyterLab (the `lab` extra).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp
LAB_STAMP  := $(VENV)/.installed-lab-stamp
DATA   ?= data/example
OUT    ?= outputs

.DEFAULT_GOAL := help
KERNEL := $(VENV)/share/jupyter/kernels/cfanalysis/kernel.json

.PHONY: help install install-test install-lab hooks report validate test test-fast lab example-data clean

help: ## Show this list
	@echo "cfanalysis - Children's Services complaints analysis"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo
	@echo "Use your own data:  make report DATA=data/raw"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# The extras add to the same .venv (pip keeps what is installed already).
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(LAB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	@touch $@

install: $(STAMP) $(KERNEL) ## Create .venv and install cfanalysis (what the reports need) with its kernel

install-test: install $(TEST_STAMP) hooks ## Add the test tools (pytest, ruff, playwright, papermill)

install-lab: install $(LAB_STAMP) hooks ## Add JupyterLab and papermill for working on the notebooks

# The notebooks ask for this kernel by name, so they run with cfanalysis from any JupyterLab.
$(KERNEL): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name cfanalysis --display-name "Python (cfanalysis)" >/dev/null

hooks: | $(STAMP)
	@# Only where nbstripout is installed (the test and lab extras): the filter runs it at commit.
	@# Strip outputs and papermill metadata from notebooks as they are committed (this clone only).
	@if [ -d .git ] && $(BIN)/python -c "import nbstripout" 2>/dev/null; then \
	  git config filter.nbstripout.clean "'$(abspath $(BIN))/python' -m nbstripout" && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.extrakeys "metadata.papermill cell.metadata.papermill cell.metadata.execution metadata.widgets" && \
	  git config diff.ipynb.textconv "'$(abspath $(BIN))/python' -m nbstripout -t"; \
	fi

report: install ## Build the HTML reports for every year in $(DATA) into $(OUT)/
	$(BIN)/cfanalysis report --all-years --data $(DATA) --out $(OUT)

validate: install ## Check the files in $(DATA) and list every problem
	$(BIN)/cfanalysis validate --data $(DATA)

test: install-test ## Run the whole test suite
	$(BIN)/python -m pytest

test-fast: install-test ## Run the tests not marked slow (no notebooks, reports or browser)
	$(BIN)/python -m pytest -m "not slow"

lab: install-lab ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab notebooks/

example-data: install ## Regenerate the synthetic example data (byte for byte)
	$(BIN)/cfanalysis example-data --out data/example

clean: ## Remove generated reports (keeps .venv)
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
