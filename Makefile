# The two commands of the README. Both set up what they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test chromium clean-data demo-call

run: $(STAMP)
	$(PY) -m services.stack.run

test: $(STAMP) chromium
	$(PY) -m pytest $(PYTEST_ARGS)

$(STAMP): requirements.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $(STAMP)

# Debian's Chromium for the end-to-end tests; Playwright downloads no browser.
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

clean-data:
	rm -rf .data

# With `make run` going: agent AGENT (default 2001) in a call with a simulated customer, to try coaching.
demo-call: $(STAMP)
	$(PY) -m services.voice.demo_call $(or $(AGENT),2001)
