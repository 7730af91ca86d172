# Two commands do all set-up on a fresh machine:
#   make reproduce   recompute everything (creates .venv on first use)
#   make test        run every test (creates .venv on first use; installs Chromium if missing)
#   make site        the executed notebooks as a static HTML site in build/site
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.nanoflux-installed

.PHONY: reproduce test site browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

reproduce: $(STAMP)
	$(BIN)/nanoflux claims
	$(BIN)/nanoflux reproduce

test: $(STAMP) browser
	$(BIN)/python -m pytest

site: $(STAMP)
	$(BIN)/nanoflux site

# Headless Chromium and its driver for tests/test_site_browser.py, from Debian's packages; installed
# only when missing, and only as root (CI). Otherwise the browser test skips, or fails under CI=true.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium and chromium-driver (Debian) for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "chromium or chromedriver missing and not root: tests/test_site_browser.py will skip"; \
	  fi; \
	fi

clean:
	rm -rf build $(VENV)
