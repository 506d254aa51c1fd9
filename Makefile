# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgresql setup setup-dev bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/inspraak serve --demo

setup-dev: setup
	scripts/test-deps.sh

test: setup-dev
	$(MAKE) --no-print-directory test-sqlite test-postgresql

test-sqlite:
	INSPRAAK_TEST_DB=sqlite $(BIN)/pytest -q -p no:cacheprovider

test-postgresql:
	INSPRAAK_TEST_DB=postgresql $(BIN)/pytest -q -p no:cacheprovider

# Every benchmark runs even when one misses its budget; the exit status says whether all met them.
bench: setup-dev
	@status=0; \
	$(BIN)/python bench/break.py || status=1; \
	$(BIN)/python bench/break.py --db postgresql --workers 1 2 4 || status=1; \
	$(BIN)/python bench/page_weight.py || status=1; \
	$(BIN)/python bench/lighthouse.py || status=1; \
	$(BIN)/python bench/screening.py || status=1; \
	exit $$status

# The long reliability checks (docs/reliability.md); not part of `make test`.
soak: setup-dev
	command -v redis-server >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null)
	$(BIN)/python soak/run.py

clean:
	rm -rf $(VENV) node_modules
