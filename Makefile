# Two commands a new user needs (see README):  make all   and   make test
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
# CJK fonts for Chinese text in static figures; Chromium for kaleido's static export and the browser test
APT_PACKAGES = fonts-noto-cjk chromium

.PHONY: all setup system-packages build report test bench strip clean

all: setup build report

# then the package's own bytecode: an editable install leaves it unwritten, and where
# PYTHONDONTWRITEBYTECODE is set every run would compile the modules again (0.05 s of a build)
setup: system-packages $(VENV)/.installed
	@$(PY) -m compileall -q analysis

# Skipped when apt is not available (then install the packages yourself).
system-packages:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq $(APT_PACKAGES) >/dev/null; }; \
	else echo "note: apt-get not available or not root; install $(APT_PACKAGES) yourself (static figures, browser test)"; fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

build: setup
	$(PY) -m analysis build

# executes every notebook (papermill) and writes reports/*.html and figures/*.png|svg|csv
report: setup
	$(PY) -m analysis report

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_report.py

# notebooks live in git without outputs
strip: setup
	$(VENV)/bin/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) data/processed reports figures/*.png figures/*.svg figures/*.csv
