# The README's commands. `make run`: set up, build the demo warehouse, serve the dashboard.
# `make test`: set up, then every test. `make bench`: the benchmark (prints its figures).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup system run test bench demo clean

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

demo: setup
	$(BIN)/python -m pipelines demo

run: setup system
	test -f data/warehouse.duckdb || $(BIN)/python -m pipelines demo
	$(BIN)/python -m dashboard.serve --server.port 8501 --server.headless true

test: setup system
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql
	$(BIN)/python -m pytest -q

bench: setup system
	$(BIN)/python -m bench

clean:
	rm -rf data .pytest_cache
