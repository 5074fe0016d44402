# One command per habit, the same for people and CI.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SPEC := openapi/iotda-export-tasks.yaml
STAMP := $(VENV)/.installed

.PHONY: help install generate check-generated check-breaking lint lint-spec lint-python test check-wheels dist demo bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install: $(STAMP) ## Create .venv/ and install both packages (editable), their pinned tools and the npm linter

# iotda-client (generated/, or a stand-in while generated/pyproject.toml is missing: the script says so)
# first, then iotda-contract, which depends on it; constraints.txt gives every exact version.
$(STAMP): pyproject.toml constraints.txt package.json package-lock.json $(wildcard generated/pyproject.toml)
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 2; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "$(PYTHON) is not Python 3.11"; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	client=$$($(PYTHON) scripts/check_wheels.py client-project) && \
	  $(PY) -m pip install --quiet --no-input --disable-pip-version-check -c constraints.txt -e "$$client"
	$(PY) -m pip install --quiet --no-input --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@command -v npm >/dev/null || scripts/install-node.sh
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(STAMP)

generate: install ## Regenerate generated/ from the spec with openapi-python-client
	$(PY) scripts/generate.py

check-generated: install ## Fail with a diff when generated/ differs from a fresh generation
	$(PY) scripts/generate.py --check

lint-spec: install ## Validate the spec and lint it with Spectral (offline)
	$(VENV)/bin/openapi-spec-validator $(SPEC)
	node_modules/.bin/spectral lint --fail-severity=warn --ruleset openapi/.spectral.yaml $(SPEC)

BASE ?= origin/main
DIFF_FORMAT ?= text
check-breaking: install ## Fail when the spec breaks clients of $(BASE) (a git ref): make check-breaking BASE=origin/main
	@$(VENV)/bin/iotda-contract diff --format $(DIFF_FORMAT) $(BASE):$(SPEC) $(SPEC)

lint-python: install ## ruff (lint and format) and strict mypy
	$(VENV)/bin/ruff check src tests scripts bench
	$(VENV)/bin/ruff format --check src tests scripts bench
	$(VENV)/bin/mypy

lint: lint-spec lint-python ## Every static check

test: install lint ## Lint, then the whole test suite
	$(PY) -m pytest

check-wheels: install ## Build both wheels, install them (not editable) on Python 3.11-3.13, run every command
	$(PY) scripts/check_wheels.py check

dist: install ## Build the sdist and wheel of iotda-contract and the wheel of iotda-client into dist/
	$(PY) scripts/check_wheels.py build --outdir dist

demo: install ## The main job: start the mock on seeded data, check every paging law against it, stop it
	$(VENV)/bin/iotda-contract demo --allow-writes --report-dir reports/demo

bench: install ## Benchmarks (the mock's speed, then what a check costs by latency x records); bench/results/
	$(PY) bench/run.py
	$(PY) bench/check_cost.py --latency 0 10 50 --records 50 250 1000 --write-examples 10 25

clean: ## Remove the environment and caches
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
