# Two commands matter: `make run` (app on the demo data) and `make test` (ruff + pytest).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint demo contract clean

$(BIN)/activate: requirements.txt
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found); set PY=/path/to/python3.11"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

run: $(BIN)/activate
	$(BIN)/python -m streamlit run app.py --server.address=127.0.0.1 --server.port=$(PORT)

test: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(BIN)/activate
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(BIN)/activate
	$(BIN)/python cli.py demo --out demo-data

contract: $(BIN)/activate
	PY=$(BIN)/python ../shared/checks/contract

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
