# activ_bench: the two set-up commands are `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FMNIST_DIR ?= /usr/share/datasets/fashion-mnist
PRESET ?= fmnist-quick
# make run's store and report: git-ignored (results/ holds the committed experiments)
RUN_DIR ?= runs
export OMP_NUM_THREADS ?= 2
export MPLBACKEND ?= Agg
# experiment notebooks start their real (GPU) runs only when asked; make test / make docs never ask
unexport ACTIV_BENCH_EXPERIMENT
# tests run the fused activations eagerly (compiling every kernel costs minutes on a fresh machine); the tests of
# compilation itself switch it on (nbs/02_fused, nbs/03_activations)
TEST_ENV := ACTIV_BENCH_FUSED=eager

.PHONY: install data chromium run test export check-sync nbtest pytest clean-nbs docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Fashion-MNIST, the offline default data set: Debian's package where apt is available,
# otherwise activ_bench downloads it on first use (or reads the folder you point it at).
data:
	@if [ -f $(FMNIST_DIR)/train-images-idx3-ubyte.gz ]; then echo "Fashion-MNIST found in $(FMNIST_DIR)"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist) || echo "apt could not install dataset-fashion-mnist"; \
	else echo "Fashion-MNIST not in $(FMNIST_DIR) and apt unavailable: activ_bench will download it on first use"; fi

# headless Chromium for the docs-site test: Debian's package where apt is available (as root), else the test skips
chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then echo "Chromium found"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "apt could not install chromium"; \
	else echo "Chromium not found and apt unavailable: tests/test_docs_site.py will be skipped"; fi

run: install data
	$(BIN)/activ-bench run --preset $(PRESET) --store $(RUN_DIR)/activ_bench.db
	$(BIN)/activ-bench report --store $(RUN_DIR)/activ_bench.db --out $(RUN_DIR)

# the package from the notebooks' `#| export` cells; the docs builder (a development tool, not in the package) from
# nbs/30_docs.ipynb's `#| tool` cells to tools/docs.py
export: install
	$(BIN)/nbdev-export
	$(BIN)/python -m tools.docs export

# the package, tools/docs.py and README.md must be exactly what the notebooks give
check-sync: export
	$(BIN)/python -m tools.docs readme
	@if [ -n "$$(git status --porcelain -- activ_bench tools README.md)" ]; then \
	  echo "the exports or the README build changed files: notebooks and package/tools/README disagree"; \
	  git status --porcelain -- activ_bench tools README.md; git --no-pager diff --stat -- activ_bench tools README.md; exit 1; \
	else echo "activ_bench/, tools/ and README.md are in sync with nbs/"; fi

# two notebooks at once, one torch thread each (two threads each on two cores is many times slower)
nbtest: install data
	$(TEST_ENV) OMP_NUM_THREADS=1 $(BIN)/nbdev-test --n-workers 2 --timing

pytest: install data chromium
	$(TEST_ENV) $(BIN)/python -m pytest -q -rs tests

test: check-sync nbtest pytest

clean-nbs: install
	$(BIN)/nbdev-clean

# the docs site in _docs/ (`python -m tools.docs html`, see nbs/30_docs.ipynb): only notebooks whose sources changed run
# again (cache in _proc/executed/), DOCS_WORKERS at once with one thread each; kernels get inline figures, not MPLBACKEND=Agg
DOCS_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
docs: install
	DOCS_WORKERS=$(DOCS_WORKERS) $(BIN)/python -m tools.docs html

# training throughput vs ReLU in fresh processes, one after another (one process's ratios are one draw); ~35 s each
BENCH_PROCESSES ?= 5
bench: install data
	$(BIN)/python benchmarks/act_throughput.py --processes $(BENCH_PROCESSES)

clean:
	rm -rf _docs _proc .pytest_cache
