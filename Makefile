# Two commands do all set-up on a fresh machine:
#   make reproduce   recompute everything (creates .venv on first use)
#   make test        run every test (creates .venv on first use)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.nanoflux-installed

.PHONY: reproduce test clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

reproduce: $(STAMP)
	$(BIN)/nanoflux claims
	$(BIN)/nanoflux reproduce

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf build $(VENV)
