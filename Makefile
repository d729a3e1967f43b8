# Two commands a new user needs (see README):  make all   and   make test
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
APT_PACKAGES = fonts-noto-cjk

.PHONY: all setup system-packages build test bench clean

all: setup build

setup: system-packages $(VENV)/.installed

# CJK fonts for figures with Chinese text (static export); skipped when apt is not available.
system-packages:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq $(APT_PACKAGES) >/dev/null; }; \
	else echo "note: apt-get not available or not root; install $(APT_PACKAGES) yourself for Chinese text in static figures"; fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

build: setup
	$(PY) -m analysis build

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) benchmarks/bench_build.py

clean:
	rm -rf $(VENV) data/processed
