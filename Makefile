# Two commands do all set-up on a fresh machine (Python 3.10+ and make):
#   make reproduce   recompute everything (creates .venv with what reproducing needs)
#   make test        run every test (adds the test tools; installs Chromium if missing, as root)
#   make check       the unit tier only, for the inner loop (no kernel, browser or Sphinx build)
#   make site        the executed notebooks as a static HTML site in build/site
#   make classroom   the explorer and exercises as a Voila app on http://127.0.0.1:8866/ (HOST=0.0.0.0 for a class)
#   make lab         JupyterLab on your own copies of the notebooks, in workspace/ (git ignores it)
#   make lock        refresh requirements/*.lock from pyproject.toml's ranges
# The environment is installed from the hash-checked lock files in requirements/ (Linux x86_64,
# Python 3.11). On another platform or Python, the same commands install from pyproject.toml's
# ranges instead, and say so.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
PIP    := $(BIN)/python -m pip --isolated --disable-pip-version-check --quiet
LOCKED := $(shell $(PYTHON) -c 'import platform, sys; print(int(sys.platform == "linux" and platform.machine() == "x86_64" and sys.version_info[:2] == (3, 11)))' 2>/dev/null)
UVPIP  := $(UV) pip install --quiet --compile-bytecode --python $(BIN)/python
LOCKOPTS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 --quiet

.PHONY: reproduce test check site pdf classroom lab lock readme browser pdftools tex clean

$(UV):
	@echo "[set-up 1/3] creating $(VENV) with $$($(PYTHON) --version)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "[set-up 2/3] installing uv (pinned, hash-checked: requirements/tools.lock)"
	@$(PIP) install --require-hashes -r requirements/tools.lock

# $(1): the lock file; $(2): the extras installed from ranges where the lock does not apply
define install
	@if [ "$(LOCKED)" = 1 ]; then \
	  echo "[set-up 3/3] installing the locked environment (requirements/$(1))"; \
	  $(UVPIP) --require-hashes -r requirements/$(1) && \
	  $(UVPIP) --no-deps --no-build-isolation -e . ; \
	else \
	  echo "[set-up 3/3] no lock for this platform or Python (it is made for Linux x86_64, Python 3.11):"; \
	  echo "             installing from pyproject.toml's ranges; figures may differ in their last pixels"; \
	  $(UVPIP) -e '.$(2)'; \
	fi
	@touch $@
endef

# jupyter-config/ is installed into the environment with the package: a change there reinstalls it
CONFIG := $(shell find jupyter-config -type f)

$(VENV)/.reproduce-installed: requirements/reproduce.lock pyproject.toml $(CONFIG) | $(UV)
	$(call install,reproduce.lock,)

$(VENV)/.test-installed: requirements/test.lock pyproject.toml $(CONFIG) | $(UV)
	$(call install,test.lock,[test])
	@touch $(VENV)/.reproduce-installed

# cffconvert (the test of CITATION.cff) in an environment of its own: it pins jsonschema<4, JupyterLab >=4.18
CFF := $(VENV)/cffconvert
$(CFF)/.installed: requirements/cffconvert.lock | $(UV)
	@test -x $(CFF)/bin/python || $(UV) venv --quiet --python $(BIN)/python $(CFF)
	@if [ "$(LOCKED)" = 1 ]; then \
	  $(UV) pip install --quiet --python $(CFF)/bin/python --require-hashes -r requirements/cffconvert.lock; \
	else \
	  $(UV) pip install --quiet --python $(CFF)/bin/python -r requirements/cffconvert.in; \
	fi
	@touch $@

reproduce: $(VENV)/.reproduce-installed
	@$(BIN)/nanoflux claims
	@$(BIN)/nanoflux reproduce

test: $(VENV)/.test-installed $(CFF)/.installed browser pdftools tex
	$(BIN)/python -m pytest

# The tiers (markers, given by conftest.py): unit, notebooks, browser, slow; `make check` is the first.
check: $(VENV)/.test-installed
	$(BIN)/python -m pytest tests -m unit

site: $(VENV)/.test-installed
	@$(BIN)/nanoflux site

# The supplementary-information PDF, build/pdf/nanoflux.pdf: the whole companion on A4, offline (Sphinx's LaTeX
# builder and TeX Live, installed from Debian's packages when missing, as root)
pdf: $(VENV)/.test-installed tex
	@$(BIN)/python -m nanoflux.site.pdf

# The explorer and exercises as a Voila app on http://127.0.0.1:8866/; for a class on the local network HOST=0.0.0.0
# (PORT=..., STUDENTS=... places, PROJECTOR=1 to start every page in projector mode)
classroom: $(VENV)/.test-installed
	@$(BIN)/nanoflux classroom $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT)) \
	  $(if $(STUDENTS),--students $(STUDENTS)) $(if $(PROJECTOR),--projector)

# JupyterLab for a student: their own copies of the notebooks in workspace/ (git ignores it), kernels computing as
# nanoflux reproduce's do (PORT=... for another port than 8888)
lab: $(VENV)/.test-installed
	@$(BIN)/nanoflux lab $(if $(PORT),--port $(PORT))

# The README's verdict ("What this companion finds"), regenerated from the results in figures/
readme: $(VENV)/.reproduce-installed
	@$(BIN)/python -m nanoflux.site.readme README.md

lock: | $(UV)
	$(UV) pip compile requirements/tools.in --universal --generate-hashes --quiet -o requirements/tools.lock
	$(UV) pip compile pyproject.toml requirements/build.in --extra test $(LOCKOPTS) -o requirements/test.lock
	$(UV) pip compile pyproject.toml requirements/build.in -c requirements/test.lock $(LOCKOPTS) -o requirements/reproduce.lock
	$(UV) pip compile requirements/cffconvert.in $(LOCKOPTS) -o requirements/cffconvert.lock

# Headless Chromium and its driver for the browser tests, and strace for the fault-injection tests (it slows
# every rename of a run so that a signal lands inside publishing), from Debian's packages; installed only
# when missing, and only as root (CI). Otherwise those tests skip, or fail under CI=true.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/strace ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium, chromium-driver and strace (Debian) for the browser and fault-injection tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
	      strace >/dev/null; \
	  else \
	    echo "chromium, chromedriver or strace missing and not root: the browser or fault-injection tests will skip"; \
	  fi; \
	fi

# poppler-utils (pdffonts, pdftotext, pdftoppm) for the tests that read PDFs as a journal's checks do; from
# Debian's packages, only when missing and only as root. Otherwise those tests skip, or fail under CI=true.
pdftools:
	@if ! command -v pdffonts >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing poppler-utils (Debian) for the PDF tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else \
	    echo "pdffonts or pdftotext missing and not root: the PDF tests will skip"; \
	  fi; \
	fi

# TeX Live and the DejaVu fonts for `make pdf` and its test (about 330 MB), from Debian's packages; installed
# only when missing, and only as root. Otherwise the PDF cannot be built and its test skips (fails under CI=true).
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-luatex latexmk \
                fonts-dejavu-core fonts-dejavu-extra
tex:
	@if ! command -v latexmk >/dev/null || ! command -v lualatex >/dev/null || \
	    [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing TeX Live and the DejaVu fonts (Debian, about 330 MB) for the PDF"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(TEX_PACKAGES) >/dev/null; \
	  else \
	    echo "TeX Live missing and not root: make pdf cannot build the PDF, and its test will skip"; \
	  fi; \
	fi

clean:
	rm -rf build $(VENV)
