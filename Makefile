# The two commands of the README: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The client generator of the generated-client test lives in a venv of its own: it pins an older typer.
GENERATOR := $(VENV)/generator
GENERATOR_STAMP := $(GENERATOR)/.installed

.PHONY: install run test lint format schemas bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

$(GENERATOR_STAMP): $(STAMP)
	$(BIN)/python -m venv $(GENERATOR)
	$(GENERATOR)/bin/python -m pip install --quiet 'openapi-python-client>=0.29,<0.30' ruff
	touch $(GENERATOR_STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/pairhub serve --demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# One test process per core (pytest-xdist); `worksteal` evens out the slow modules at the end.
test: lint $(GENERATOR_STAMP)
	$(BIN)/python -m pytest -n auto --dist worksteal

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

schemas: $(STAMP)
	$(BIN)/pairhub schemas --out src/pairhub/contract/schemas
	$(BIN)/pairhub schemas --out docs/schemas

bench: $(STAMP)
	$(BIN)/python -m bench.run $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
