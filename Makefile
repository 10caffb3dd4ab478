# The README's whole set-up: `make run` and `make test` on a fresh machine.
PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
DATA     ?= data
# The web tests run twice: on SQLite, then on this PostgreSQL database.
POSTGRES ?= postgres://postgres@127.0.0.1:5432/test
# Test processes (pytest-xdist): one a core of the 2-core machines the suite is timed on;
# 0 runs the tests in this one process.
TEST_PROCESSES ?= 2
EXAMPLES := $(basename $(notdir $(wildcard examples/*.yaml)))

.PHONY: run briefs test check-postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# The main job: the synthetic demo country, the example policy briefs in
# English and Arabic, then the platform at http://127.0.0.1:8000 (SQLite in $(DATA)).
run: $(VENV)/.installed
	$(BIN)/insaf demo --out $(DATA)/demo
	$(MAKE) --no-print-directory briefs
	$(BIN)/insaf serve --data $(DATA)

briefs: $(VENV)/.installed
	@for name in $(EXAMPLES); do for lang in en ar; do \
	  $(BIN)/insaf simulate examples/$$name.yaml --survey $(DATA)/demo \
	    --out $(DATA)/briefs/$$name/$$lang --lang $$lang || exit 1; \
	done; done

# Everything the tests need (Debian's Chromium, axe-core from npm) is installed
# by scripts/test-prereqs.sh; the web tests then run on SQLite and PostgreSQL,
# whose presence is checked first (one line, exit 1, before anything is installed).
test: check-postgres $(VENV)/.installed-test
	bash scripts/test-prereqs.sh
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_PROCESSES)
	DATABASE_URL=$(POSTGRES) $(BIN)/python -m pytest tests/web -p no:cacheprovider -n $(TEST_PROCESSES)

check-postgres:
	@bash scripts/check-postgres.sh "$(POSTGRES)"

clean:
	rm -rf $(VENV) $(DATA)
