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
# Notebook parameters for make report, e.g. PARAMS='team="Children in Care" named_in_advance=true'
PARAMS ?=

.DEFAULT_GOAL := help
KERNEL := $(VENV)/share/jupyter/kernels/cfanalysis/kernel.json

.PHONY: help install install-test install-lab hooks report validate test test-fast lab example-data clean

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

# The notebooks ask for this kernel by name, so they run with cfanalysis from any JupyterLab. It is
# ipykernel started through cfanalysis.publish.jupyter: after a failed cell, the rest of a Run All
# does nothing. The same step makes the venv's JupyterLab save notebooks/ without outputs.
$(KERNEL): $(STAMP) cfanalysis/publish/jupyter.py
	$(BIN)/python -m cfanalysis.publish.jupyter install >/dev/null

# Also removed at commit: run metadata, and the language_info details JupyterLab adds on save
# (the committed notebooks keep only its name). The same keys as cfanalysis/publish/jupyter.py.
NBSTRIPOUT_KEYS := metadata.papermill metadata.widgets metadata.signature cell.metadata.papermill \
  cell.metadata.execution cell.metadata.collapsed cell.metadata.scrolled cell.metadata.ExecuteTime \
  cell.metadata.jupyter metadata.language_info.codemirror_mode metadata.language_info.file_extension \
  metadata.language_info.mimetype metadata.language_info.nbconvert_exporter \
  metadata.language_info.pygments_lexer metadata.language_info.version

hooks: | $(STAMP)
	@# Only where nbstripout is installed (the test and lab extras): the filter runs it at commit.
	@# Strip outputs and papermill metadata from notebooks as they are committed (this clone only).
	@if [ -d .git ] && $(BIN)/python -c "import nbstripout" 2>/dev/null; then \
	  git config filter.nbstripout.clean "'$(abspath $(BIN))/python' -m nbstripout" && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.extrakeys "$(NBSTRIPOUT_KEYS)" && \
	  git config diff.ipynb.textconv "'$(abspath $(BIN))/python' -m nbstripout -t"; \
	fi

report: install ## Build the HTML reports for every year in $(DATA) into $(OUT)/
	$(BIN)/cfanalysis report --all-years --data "$(DATA)" --out "$(OUT)" $(if $(strip $(PARAMS)),--params '$(PARAMS)')

validate: install ## Check the files in $(DATA) and list every problem
	$(BIN)/cfanalysis validate --data $(DATA)

test: install-test ## Run the whole test suite
	$(BIN)/python -m pytest

test-fast: install-test ## Run the tests not marked slow (no notebooks, reports or browser)
	$(BIN)/python -m pytest -m "not slow"

# JupyterLab at the project root (data/raw is reachable) showing notebooks/, with the project's
# Jupyter config (.jupyter/: notebooks saved without outputs). As root (a container), run
# `make lab LAB_FLAGS=--allow-root`; root is detected and the flag added when it is not given.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
lab: install-lab ## Open JupyterLab at the project root on notebooks/ (as root: LAB_FLAGS=--allow-root)
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(BIN)/jupyter lab --notebook-dir=. $(LAB_FLAGS)

example-data: install ## Regenerate the synthetic example data (byte for byte)
	$(BIN)/cfanalysis example-data --out data/example

clean: ## Remove generated reports (keeps .venv)
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
