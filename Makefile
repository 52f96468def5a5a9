# The two commands of the README: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The client generator of the generated-client test and of `make clients` lives in a venv of its own: it
# pins an older typer. Exact versions: the committed clients must be what any machine regenerates.
GENERATOR := $(VENV)/generator
GENERATOR_STAMP := $(GENERATOR)/.installed

.PHONY: install run test lint format schemas clients bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

$(GENERATOR_STAMP): $(STAMP)
	$(BIN)/python -m venv $(GENERATOR)
	$(GENERATOR)/bin/python -m pip install --quiet 'openapi-python-client==0.29.1' 'ruff==0.17.6'
	touch $(GENERATOR_STAMP)

install: $(STAMP)

PORT ?= 8000

run: $(STAMP)
	$(BIN)/pairhub serve --demo --port $(PORT)

# The Python files of clients/ and receiver/ written by hand (the generated ones are formatted by the generator).
HAND_WRITTEN := clients/generate.py receiver/hatch_build.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench $(HAND_WRITTEN)
	$(BIN)/ruff format --check src tests bench $(HAND_WRITTEN)
	$(BIN)/mypy
	$(BIN)/lint-imports

# One test process per core (pytest-xdist); `worksteal` evens out the slow modules at the end.
test: lint $(GENERATOR_STAMP)
	$(BIN)/python -m pytest -n auto --dist worksteal

format: $(STAMP)
	$(BIN)/ruff format src tests bench $(HAND_WRITTEN)
	$(BIN)/ruff check --fix src tests bench $(HAND_WRITTEN)

schemas: $(STAMP)
	$(BIN)/pairhub schemas --out src/pairhub/contract/schemas
	$(BIN)/pairhub schemas --out docs/schemas

# The SDKs in clients/ (Python, TypeScript) from the app's /openapi.json, with pinned generators (the
# TypeScript one is installed with npm into .venv/npm-clients). A test fails while they are stale.
clients: $(GENERATOR_STAMP)
	$(BIN)/python clients/generate.py

bench: $(STAMP)
	$(BIN)/python -m bench.run $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
