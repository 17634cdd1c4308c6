# The README's commands. `make run`: set up, build the demo warehouse, serve the dashboard.
# `make test`: set up, then every test. `make bench`: the benchmark (prints its figures).
# `make oidc`: the OpenID provider the sign-in tests start (npm package oidc-provider, under node).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup system oidc run test bench demo clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Debian packages the tests and reports need: Chromium for the browser test and for drawing the
# reports' charts (kaleido), Noto CJK fonts for Chinese text in screenshots and charts, WenQuanYi
# Micro Hei (TrueType) embedded in the PDF reports. Installed once, from Debian's archive (needs root).
system:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
	  && fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium fonts-noto-cjk fonts-wqy-microhei fontconfig >/dev/null; \
	  else echo "note: run 'sudo make system' for chromium and CJK fonts (reports and browser tests)"; fi; }

# The test OpenID provider's packages, exactly as locked, from the npm registry; no install scripts run.
OIDC := tests/e2e/oidc
oidc: $(OIDC)/node_modules/.package-lock.json

$(OIDC)/node_modules/.package-lock.json: $(OIDC)/package.json $(OIDC)/package-lock.json
	@command -v npm >/dev/null || { echo "error: the sign-in tests need node >= 20 and npm (https://nodejs.org)"; exit 1; }
	npm ci --prefix $(OIDC) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(BIN)/python -m pipelines demo

run: setup system
	test -f data/warehouse.duckdb || $(BIN)/python -m pipelines demo
	$(BIN)/python -m dashboard.serve --server.port 8501 --server.headless true

test: setup system oidc
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql
	$(BIN)/python -m pytest -q

bench: setup system
	$(BIN)/python -m bench

clean:
	rm -rf data .pytest_cache
