# Two commands a new user needs: `make run` and `make test`. Everything is installed into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
CHROMIUM := /usr/bin/chromium
CC     ?= cc
FUSED  := optviz/_fused.so
# IEEE arithmetic as numpy does it: no fused multiply-add, no fast-math (results stay bit-identical)
FUSED_FLAGS := -O3 -fPIC -shared -ffp-contract=off -fno-math-errno -fno-trapping-math

REDIS  := /usr/bin/redis-server

.PHONY: run test unit browser-deps redis-deps bench screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	OPTVIZ_BUILD_FUSED=0 $(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# The optimizers' updates and the surfaces' gradients in C, generated from their rules and from
# surfaces.py (optviz/codegen.py) when either changes.
optviz/_fused_rules.h: optviz/optimizers.py optviz/rules.py optviz/codegen.py optviz/surfaces.py | $(STAMP)
	$(BIN)/python -c "from optviz import codegen; codegen.write()"

# The fused C trajectory kernels (optviz/fused.py); without a C compiler the numpy kernels run.
$(FUSED): optviz/_fused.c optviz/_fused_rules.h
	@$(CC) $(FUSED_FLAGS) -o $@ $< -lm \
		|| echo "!!! could not compile $<: optviz runs its numpy kernels instead (same numbers, slower)"

run: $(STAMP) $(FUSED)
	@echo "optviz: open http://localhost:$(PORT) in your browser"
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian's chromium for the browser tests; never `playwright install` (it downloads and fails here).
browser-deps:
	@if [ -x $(CHROMIUM) ] && dpkg -s fonts-noto-cjk fonts-noto-color-emoji >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium (and CJK fonts for Japanese screenshots) for the browser tests ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null) \
		|| echo "!!! could not install chromium: browser tests will be skipped (and fail under CI=true)"; \
	else \
		echo "!!! no apt-get or not root: cannot install chromium; browser tests will be skipped (and fail under CI=true)"; \
	fi

# Debian's redis-server: the tests start one for the Redis room store (rooms shared by several servers).
redis-deps:
	@if [ -x $(REDIS) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's redis-server for the room store's tests ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
		|| echo "!!! could not install redis-server: the Redis store's tests will be skipped (and fail under CI=true)"; \
	else \
		echo "!!! no apt-get or not root: cannot install redis-server; its tests will be skipped (and fail under CI=true)"; \
	fi

test: $(STAMP) $(FUSED) browser-deps redis-deps
	$(BIN)/python -m pytest -q

unit: $(STAMP) $(FUSED)
	$(BIN)/python -m pytest -q -m "not browser"

bench: $(STAMP) $(FUSED)
	OPTVIZ_BUILD_FUSED=0 $(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	$(BIN)/python -m benchmarks.run

# The README's pictures come from the browser suite itself (every page in English, the Japanese
# playground, a preset, a trained MLP); CI=true so that a missing browser fails instead of skipping.
screenshots: $(STAMP) $(FUSED) browser-deps
	CI=true OPTVIZ_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/browser

clean:
	rm -rf $(VENV) $(FUSED) test-artifacts .pytest_cache
