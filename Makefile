# cfanalysis: `make report` builds the reports from the example data; `make test` runs every test.
# Everything is installed into .venv beside this file; nothing outside it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DATA   ?= data/example
OUT    ?= outputs
# Notebook parameters for make report, e.g. PARAMS='team="Children in Care" named_in_advance=true'
PARAMS ?=

.DEFAULT_GOAL := help
KERNEL := $(VENV)/share/jupyter/kernels/cfanalysis/kernel.json

.PHONY: help install hooks report validate test test-fast lab example-data clean

help: ## Show this list
	@echo "cfanalysis - Children's Services complaints analysis"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo
	@echo "Use your own data:  make report DATA=data/raw"
	@echo "Set parameters:     make report DATA=data/raw PARAMS='team=\"Children in Care\"'"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP) $(KERNEL) hooks ## Create .venv, install cfanalysis with its test tools and its kernel

# The notebooks ask for this kernel by name, so they run with cfanalysis from any JupyterLab.
$(KERNEL): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name cfanalysis --display-name "Python (cfanalysis)" >/dev/null

hooks: | $(STAMP)
	@# Strip outputs and papermill metadata from notebooks as they are committed (this clone only).
	@if [ -d .git ]; then \
	  git config filter.nbstripout.clean "'$(abspath $(BIN))/python' -m nbstripout" && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.extrakeys "metadata.papermill cell.metadata.papermill cell.metadata.execution metadata.widgets" && \
	  git config diff.ipynb.textconv "'$(abspath $(BIN))/python' -m nbstripout -t"; \
	fi

report: install ## Build the HTML reports for every year in $(DATA) into $(OUT)/
	$(BIN)/cfanalysis report --all-years --data "$(DATA)" --out "$(OUT)" $(if $(strip $(PARAMS)),--params '$(PARAMS)')

validate: install ## Check the files in $(DATA) and list every problem
	$(BIN)/cfanalysis validate --data $(DATA)

test: install ## Run the whole test suite
	$(BIN)/python -m pytest

test-fast: install ## Run the tests not marked slow (no notebooks, reports or browser)
	$(BIN)/python -m pytest -m "not slow"

lab: install ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab notebooks/

example-data: install ## Regenerate the synthetic example data (byte for byte)
	$(BIN)/cfanalysis example-data --out data/example

clean: ## Remove generated reports (keeps .venv)
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
