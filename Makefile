# Quick start (fresh machine):   make demo    |    make test
# Everything is installed into the repository: .venv (Python), node_modules (CDK CLI, Node 22),
# .venv-sam (AWS SAM CLI, kept apart because it pins its own dependency versions).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NODE_BIN := $(CURDIR)/node_modules/.bin
# jsii under Node 20 prints an end-of-life banner on every synth; Node 22 from npm silences it.
export JSII_NODE := $(NODE_BIN)/node
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export SAM_CLI_TELEMETRY := 0
export CDK_DISABLE_CLI_TELEMETRY := true
export PATH := $(CURDIR)/$(BIN):$(NODE_BIN):$(PATH)
# Bytecode caches on, whatever the shell says: the suite starts hundreds of Python processes (xdist
# workers, `cdk-durable` commands, handler workers) and pytest caches its assertion rewrites there.
unexport PYTHONDONTWRITEBYTECODE
# pytest workers: one more than the cores. Many tests wait on a subprocess (a handler worker, a
# server, npm, pip) and the extra worker fills those waits (measured by bench/loops.py --workers).
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
# pip without byte-compiling all it installs (uv's default; bytecode is on, above): Python compiles
# a module on its first import, so only what runs is compiled. Setup takes 29 s instead of 49 s here.
PIP_INSTALL := pip install --quiet --no-compile

.PHONY: setup demo synth check test suite lint typecheck bench clean tools-sam

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP_INSTALL) --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/$(PIP_INSTALL) -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

## AWS SAM CLI in its own venv (it pins its own dependency versions); the template matrix uses it.
SAM_VENV := .venv-sam
$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/$(PIP_INSTALL) --upgrade pip
	$(SAM_VENV)/bin/$(PIP_INSTALL) 'aws-sam-cli>=1.150'
	touch $@

tools-sam: $(SAM_VENV)/.installed

## The main job: synthesize the demo app, lint its template (cfn-lint + the durable rules), run its workflow locally.
demo: setup synth
	$(BIN)/python -m demo.scenarios

synth: setup
	rm -rf cdk.out
	$(NODE_BIN)/cdk synth --quiet --app '$(BIN)/python app.py'
	$(BIN)/cfn-lint cdk.out/*.template.json -a cdk_durable.cfn_lint
	@echo "synth OK: $$(ls cdk.out/*.template.json)"

## The fast loop, after each change (CONTRIBUTING.md): ruff, mypy and every test that neither bakes,
## builds, synthesizes with a CLI nor opens a browser. `make test` before pushing.
FAST_TESTS := not slow and not browser
check: tools-sam lint typecheck
	$(BIN)/pytest -q -m '$(FAST_TESTS)' -n $(PYTEST_WORKERS) --dist worksteal

## The whole test suite (what CI runs): ruff, mypy and pytest side by side, so that mypy's first run
## (about 12 s of one core in a fresh clone: pyproject.toml's mypy overrides) uses the core pytest's
## workers leave it.
test: setup tools-sam
	@$(MAKE) --no-print-directory -j3 $(if $(filter output-sync,$(.FEATURES)),--output-sync=line) lint typecheck suite

## Every test (`make test` runs it beside lint and typecheck), and the 30 slowest (where CI's time goes).
suite: setup tools-sam
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=30

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/synth_ratio.py
	$(BIN)/python bench/diagnose_speed.py

clean:
	rm -rf cdk.out .pytest_cache .mypy_cache .ruff_cache .bake
