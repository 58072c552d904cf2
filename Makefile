# The README's commands. `make demo` and `make test` set up a virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= results/baseline

.PHONY: setup compiled demo test test-slow test-all test-compiled lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

COMPILED_VENV ?= .venv-compiled

compiled: $(COMPILED_VENV)/.installed  ## a second environment with the engine's hot path compiled by mypyc (setup.py)

$(COMPILED_VENV)/.installed: pyproject.toml setup.py $(shell find ccsim -name '*.py')
	$(PYTHON) -m venv $(COMPILED_VENV)
	$(COMPILED_VENV)/bin/python -m pip install --quiet --upgrade pip "setuptools>=77" wheel "mypy>=1.10" "pandas-stubs>=2.2" "types-PyYAML>=6"  # mypyc type-checks as make lint does
	$(COMPILED_VENV)/bin/python -m pip install --quiet .  # the dependencies first: mypyc type-checks against them
	CCSIM_COMPILE=1 $(COMPILED_VENV)/bin/python -m pip install --quiet --no-build-isolation --force-reinstall --no-deps .
	touch $@

demo: setup  ## run the shipped baseline scenario into $(OUT)
	$(BIN)/ccsim run configs/baseline.yaml --out $(OUT) --overwrite

test: setup  ## the default test run: fast tests, statistical checks at reduced size, browser test
	$(BIN)/pytest -m "not slow" -n 2 --dist loadfile

test-slow: setup  ## full-size statistical validation (several minutes)
	$(BIN)/pytest -m slow -n 2 --dist loadfile

test-all: test test-slow test-compiled

test-compiled: setup compiled  ## the compiled engine gives the pure engine's records byte for byte
	CCSIM_COMPILED_PYTHON=$(COMPILED_VENV)/bin/python $(BIN)/pytest tests/test_compiled.py

lint: setup  ## ruff on everything; mypy on the engine, the measures, the schema and the CLI ([tool.mypy] in pyproject.toml)
	$(BIN)/ruff check ccsim tests benchmarks
	$(BIN)/mypy

bench: setup  ## throughput against a bare SimPy loop, and sweep scaling with 1 and 2 workers
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/sweep_scaling.py

clean:
	rm -rf $(VENV) $(COMPILED_VENV) .pytest_cache .ruff_cache .hypothesis results test-artifacts
