# carecoord: `make run` serves the app with demo data, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := carecoord/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test bench screenshots lint format translations extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

translations: $(MO_FILES)

run: $(VENV)/.installed translations
	CARECOORD_ENV=development $(FLASK) db upgrade
	CARECOORD_ENV=development $(FLASK) demo seed
	CARECOORD_ENV=development $(FLASK) rollups rebuild
	CARECOORD_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The README's pictures, taken by the browser journeys from demo data only.
screenshots: $(VENV)/.installed-dev translations
	CARECOORD_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/browser

# Not part of `make test`: see docs/performance.md (SIZES=national,stress for the 200,000 set).
bench: $(VENV)/.installed-dev translations
	bash benchmarks/prepare.sh
	CARECOORD_BENCH_SIZES=$(or $(SIZES),national) $(BIN)/python -m benchmarks

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs '.* .venv' -k _l -k N_ -k lazy_gettext --project carecoord --version 0.1.0 -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
