# kzlegal: two entry points for a fresh machine (see README.md).
#   make demo   install (light core) -> build corpus + index for the Labour Code -> answer a sample question
#   make test   install everything (train, app, dev extras + Chromium) -> run the whole test suite
# Built artefacts go to .kzlegal/ (corpus store, index); a second `make demo` reuses them.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KZ     := $(BIN)/kzlegal

# Where the statute texts come from: $KZLEGAL_CORPUS_SOURCE, else ../shared (this workplace),
# else ./kazakhstan-law-codes, which `kzlegal corpus fetch` clones from GitHub.
CORPUS_SOURCE ?= $(or $(KZLEGAL_CORPUS_SOURCE),$(wildcard ../shared/corpora/kazakhstan-law-codes),kazakhstan-law-codes)
# The demo indexes the Labour Code (ru + kk); `make demo DEMO_ACTS=` indexes every act of the source.
DEMO_ACTS ?= K1500000414
QUESTION  ?= Работник поменял фамилию. Как оформить?
HOME_DIR  := $(or $(KZLEGAL_HOME),.kzlegal)

.PHONY: demo test install install-dev browser clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools

$(VENV)/.core: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[train,app,dev]'
	touch $@

install: $(VENV)/.core
install-dev: $(VENV)/.dev browser

$(CORPUS_SOURCE):
	$(KZ) corpus fetch --dest $(CORPUS_SOURCE) --acts $(DEMO_ACTS)

$(HOME_DIR)/corpus/manifest.json: | $(VENV)/.core $(CORPUS_SOURCE)
	$(KZ) corpus build --source $(CORPUS_SOURCE) $(if $(DEMO_ACTS),--acts $(DEMO_ACTS))

$(HOME_DIR)/index/manifest.json: $(HOME_DIR)/corpus/manifest.json
	$(KZ) index build

demo: $(VENV)/.core $(HOME_DIR)/index/manifest.json
	$(KZ) ask "$(QUESTION)"

# Debian's Chromium for the browser test of the app (no browser download at test time).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; fi; } \
	  || echo "warning: could not install chromium; the browser test will be skipped"

# pytest exits 5 when it collects no tests: a broken suite, reported as such.
test: install-dev
	@$(BIN)/python -m pytest -n 2 --dist loadfile -q; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$status

clean:
	rm -rf $(HOME_DIR) $(VENV)
