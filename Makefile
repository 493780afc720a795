# Reproducible dataset builds. `make` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
UV := .tools/bin/uv
TOOLKIT := $(VENV)/bin/toolkit
BUILD := build
ARTICLES ?= 10000

SOURCES := $(shell find toolkit -name '*.py' -o -name '*.tsv' -o -name '*.csv' -o -name '*.yaml' 2>/dev/null) $(wildcard schemas/*.yaml)
DEMO_INPUTS := $(shell find datasets/demo -type f 2>/dev/null)

.PHONY: help setup dataset test validate bench eval clean distclean

help: ## list the targets
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'

$(UV): bootstrap.txt
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r bootstrap.txt
	@touch $@

# Bytecode is compiled once at install: every build, test and worker process then starts in about
# half the time, also where PYTHONDONTWRITEBYTECODE keeps Python from caching it on first import.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --compile-bytecode --extra test --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced ## create .venv from the lockfile (pinned versions and hashes)

dataset: $(BUILD)/demo/manifest.json ## build the demo dataset into build/demo/

$(BUILD)/demo/manifest.json: $(VENV)/.synced $(DEMO_INPUTS) $(SOURCES)
	$(TOOLKIT) build datasets/demo/dataset.toml --out $(BUILD)/demo

validate: $(BUILD)/demo/manifest.json ## re-check the built demo dataset (schemas, cross-table rules, checksums)
	$(TOOLKIT) validate $(BUILD)/demo

test: $(VENV)/.synced ## run the whole test suite
	$(VENV)/bin/python -m pytest -n auto

bench: $(VENV)/.synced ## full build of a synthetic corpus: articles/s, MB/s, peak memory (ARTICLES=10000)
	$(VENV)/bin/python -m toolkit.pipeline.bench --articles $(ARTICLES) --out $(BUILD)/bench

eval: $(VENV)/.synced ## measure extraction quality against ../shared (developers and CI only)
	$(VENV)/bin/python -m toolkit.evaluate

clean: ## remove builds (never the raw inputs under datasets/)
	rm -rf $(BUILD) .pytest_cache .hypothesis

distclean: clean ## also remove the environments
	rm -rf $(VENV) .tools
