# The README's commands. `make demo` and `make test` set up a virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= results/baseline

.PHONY: setup demo test test-slow test-all lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

demo: setup  ## run the shipped baseline scenario into $(OUT)
	$(BIN)/ccsim run configs/baseline.yaml --out $(OUT) --overwrite

test: setup  ## the default test run: fast tests, statistical checks at reduced size, browser test
	$(BIN)/pytest -m "not slow" -n 2 --dist loadfile

test-slow: setup  ## full-size statistical validation (several minutes)
	$(BIN)/pytest -m slow -n 2 --dist loadfile

test-all: test test-slow

lint: setup  ## ruff on everything; mypy on the engine, the measures, the schema and the CLI ([tool.mypy] in pyproject.toml)
	$(BIN)/ruff check ccsim tests benchmarks
	$(BIN)/mypy

bench: setup  ## throughput against a bare SimPy loop, and sweep scaling with 1 and 2 workers
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/sweep_scaling.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis results test-artifacts
