# One Makefile for people, pre-commit and CI. `make demo` and `make test` set everything up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast setup lint format typecheck docs bench images clean

$(STAMP): pyproject.toml scripts/setup-system.sh
	./scripts/setup-system.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

EX := profiles/examples
demo: $(STAMP)
	$(BIN)/aftersales validate $(EX)/*/*.yaml profiles/tenders/*.yaml profiles/starter/*.yaml
	$(BIN)/aftersales render $(EX)/*/project.yaml -o output --jobs 2
	$(BIN)/aftersales render $(EX)/ex2-highway-monitoring/project.yaml \
	  --overlay $(EX)/ex2-highway-monitoring/overlay-faster.yaml \
	  --tender profiles/tenders/highway-monitoring.yaml -o output
	$(BIN)/aftersales check $(EX)/ex2-highway-monitoring/project.yaml \
	  --tender profiles/tenders/highway-monitoring.yaml

# The pictures in the README, made from real output.
images: $(STAMP)
	$(BIN)/aftersales -q render $(EX)/ex2-highway-monitoring/project.yaml -o output --format pdf
	pdftoppm -r 60 -png -f 1 -l 1 "output/宁夏高速公路监控系统-售后服务承诺书.pdf" docs/images/letter
	mv docs/images/letter-1.png docs/images/letter-page1.png
	$(BIN)/aftersales flowchart $(EX)/ex2-highway-monitoring/project.yaml -o docs/images/flowchart.png

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

# The logic alone, in seconds: leaves out the tests marked slow (whole-letter renders,
# LibreOffice, pixel comparisons, the wheel build). `make test` still runs everything.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: $(STAMP)
	$(BIN)/python -m generator.app.reference > docs/profiles.md
	for k in company project overlay tender; do \
	  $(BIN)/aftersales schema $$k > profiles/schemas/$$k.schema.json; done

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) build dist output/*.docx output/*.pdf output/*.html
