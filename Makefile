# russian-views: `make briefings` then `make test` on a fresh clone. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The notebooks' kernel: a named kernelspec inside .venv, so JupyterLab, Voilà, papermill and
# the renders all run on this environment (config.KERNEL_NAME and the notebooks name it too).
KERNEL := russian-views

.PHONY: help install briefings lab explore test test-fast mutate lint format datapackage bench clean

help: ## Show this list of targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL)" >/dev/null
	# No "Jupyter news?" pop-up in a class: JupyterLab's announcements plugin, off in .venv only.
	$(BIN)/jupyter labextension disable --level=sys_prefix \
		"@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the package with everything it needs

briefings: $(STAMP) ## Render every briefing (HTML + PDF), the overview and the index into reports/ (CONFIG=briefings.yml for the batch file)
	$(BIN)/russian-views render $(if $(CONFIG),--config $(CONFIG),--all)

lab: $(STAMP) ## Open the notebooks in JupyterLab, on the project's kernel (PORT=8888 NO_BROWSER=1)
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root) \
		$(if $(PORT),--port=$(PORT)) $(if $(NO_BROWSER),--no-browser) \
		--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
		--KernelManager.transport=ipc

explore: $(STAMP) ## Open the briefing explorer: controls for every parameter, no code (PORT=8866 HOST=0.0.0.0 for a class MAX_PAGES=30 WARM=10 OUT=dir NO_BROWSER=1)
	$(BIN)/russian-views explore $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST)) \
		$(if $(MAX_PAGES),--max-pages $(MAX_PAGES)) $(if $(WARM),--warm $(WARM)) \
		$(if $(OUT),--out $(OUT)) $(if $(NO_BROWSER),--no-browser)

# One pytest-xdist worker per core, plus one: the end-to-end tests spend much of their time
# waiting on other processes (kernels, Chromium, the render service), and the extra worker
# keeps the cores busy meanwhile (2 cores: 96 s with 3 workers, 100-103 s with 2).
# Worksteal hands each worker a run of neighbouring tests (a module's tests share its
# fixtures) and moves tests to a worker that runs out of them.
PYTEST := $(BIN)/python -m pytest -n $(shell echo $$(( $$(nproc) + 1 ))) --dist worksteal

test: $(STAMP) ## Run the test suite (lint included)
	$(BIN)/ruff check src tests benchmarks tools
	$(PYTEST)

test-fast: $(STAMP) ## Run every test but the end-to-end renders (seconds, while you work)
	$(BIN)/ruff check src tests benchmarks tools
	$(PYTEST) -m "not slow"

# Mutation testing is CPU-heavy (minutes per target): run one target at a time on a shared
# machine, at low priority. mutants/ holds mutmut's copies and results between runs.
mutate: $(STAMP) ## Mutation-test the checks users rely on and print the score (TARGET=sources|validate|cache|service|folders|agreement|ids)
	nice -n 19 $(BIN)/python tools/mutate.py $(if $(TARGET),--target $(TARGET))

lint: $(STAMP) ## Check code style with ruff
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format src tests benchmarks tools

datapackage: $(STAMP) ## Regenerate data/datapackage.json from schema.yml and the codebook
	$(BIN)/russian-views datapackage

bench: $(STAMP) ## Time plain papermill + nbconvert against russian-views, and data at 10x/100x
	$(BIN)/python benchmarks/render_bench.py

clean: ## Remove rendered reports (keeps reports/README.md)
	find reports -mindepth 1 ! -name README.md -delete
