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
# compilation itself switch it on (nbs/02_fused, nbs/03_activations). One torch thread per process: tests and notebooks
# run side by side, and torch's threads spin-wait for each other on a crowded CPU (a benchmark test took 3 to 12 times longer)
TEST_ENV := ACTIV_BENCH_FUSED=eager OMP_NUM_THREADS=1

.PHONY: install data chromium run test test-notebooks-site test-others export check-sync nbtest pytest clean-nbs docs bench test-lowest gpu-wheels gpu-check clean

# the exact verified stack (constraints.txt) within the ranges pyproject.toml states. nbdev-export rewrites pyproject.toml
# (the same bytes, a new time): the install is redone when the two files' content changed, not their time
INSTALLED_FROM := $(VENV)/.installed-from
$(STAMP): pyproject.toml constraints.txt
	@if [ -f $(STAMP) ] && cat pyproject.toml constraints.txt | cmp -s - $(INSTALLED_FROM); then touch $(STAMP); exit 0; fi; \
	set -ex; test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	$(BIN)/python -m pip install -q --upgrade pip; \
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'; \
	cat pyproject.toml constraints.txt > $(INSTALLED_FROM); touch $(STAMP)

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
# nbs/30_docs.ipynb's `#| tool` cells to tools/docs.py; the activation catalogue (act_catalog.json) from the registry
export: install
	$(BIN)/nbdev-export
	$(BIN)/python -m tools.docs export
	$(BIN)/python -c "from activ_bench.registry import write_act_catalog; write_act_catalog()"

# the package, tools/docs.py and README.md must be exactly what the notebooks give
check-sync: export
	$(BIN)/python -m tools.docs readme
	@if [ -n "$$(git status --porcelain -- activ_bench tools README.md)" ]; then \
	  echo "the exports or the README build changed files: notebooks and package/tools/README disagree"; \
	  git status --porcelain -- activ_bench tools README.md; git --no-pager diff --stat -- activ_bench tools README.md; exit 1; \
	else echo "activ_bench/, tools/ and README.md are in sync with nbs/"; fi

# every notebook once, each in a kernel of its own as the docs run them (`python -m tools.docs test`, nbs/30_docs):
# `slow` cells and, without a GPU, `cuda` cells skipped; two at once, one torch thread each (two threads each on two
# cores is many times slower); every failing notebook listed. The executed copies go to the docs cache (_proc/executed/),
# so tests/test_docs_site.py builds the site from them instead of running every notebook a second time
nbtest: install data
	$(TEST_ENV) DOCS_WORKERS=2 $(BIN)/python -m tools.docs test

# the tests in parallel (pytest-xdist), one worker per core (a third worker on two cores was slower: results/test-time.md);
# the docs-site tests share one built site, so they run on one worker (their xdist group). The slowest are listed at the end
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST := $(TEST_ENV) $(BIN)/python -m pytest -q -rs
pytest: install data chromium
	$(PYTEST) -n $(TEST_WORKERS) --dist loadgroup --durations=15 tests

# make test: two streams at once, their lines interleaved: the notebooks and then the docs-site tests (which build the site
# from the notebooks' executed copies), beside every other test. Much of pytest's time is tests waiting for the processes
# they start, which leaves the notebooks CPU: results/test-time.md has the measurements
DOCS_SITE_TESTS := tests/test_docs_site.py
test: check-sync
	$(MAKE) --no-print-directory -j2 test-notebooks-site test-others

test-notebooks-site: nbtest chromium
	$(PYTEST) -n 0 $(DOCS_SITE_TESTS)

test-others: install data
	$(PYTEST) -n $(TEST_WORKERS) --dist loadgroup --durations=15 --ignore $(DOCS_SITE_TESTS) tests

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

# the lowest versions pyproject.toml claims (tools/lowest_constraints.py), in a second venv: import every module, then
# the CPU tests of the compiled kernels, training and the GPU check's CPU mode. torch's Linux wheels on PyPI bundle CUDA:
# the first run downloads about 3 GB
LOWEST_VENV ?= .venv-lowest
LOWEST_TESTS ?= tests/test_gpu_check.py tests/test_activations_pkg.py
test-lowest: data
	test -x $(LOWEST_VENV)/bin/python || $(PYTHON) -m venv $(LOWEST_VENV)
	$(PYTHON) tools/lowest_constraints.py > $(LOWEST_VENV)/constraints-lowest.txt
	$(LOWEST_VENV)/bin/python -m pip install -q -c $(LOWEST_VENV)/constraints-lowest.txt -e . pytest nbdev timm
	$(LOWEST_VENV)/bin/python -c "import torch, pkgutil, importlib, activ_bench as a; print('torch', torch.__version__); \
	  [importlib.import_module('activ_bench.' + m.name) for m in pkgutil.iter_modules(a.__path__)]; print('every module imports')"
	$(TEST_ENV) $(LOWEST_VENV)/bin/nbdev-test nbs/02_fused.ipynb
	$(TEST_ENV) $(LOWEST_VENV)/bin/python -m pytest -q $(LOWEST_TESTS)

# what a lent GPU machine (Python 3.12 with torch, torchvision, triton, timm, matplotlib, pandas, scipy, pytest; no
# network) lacks, as CPython 3.12 manylinux x86-64 wheels at the verified versions: fastai and what its vision and
# callback modules import (fastprogress imports fasthtml), nbformat (the notebooks' `#| cuda` cells), activ_bench;
# and a Fashion-MNIST subset in $(GPU_WHEELS)/data (the GPU check finds it there)
GPU_WHEELS ?= .gpu-wheels
GPU_WHEEL_PKGS := fastai fastcore fastprogress fastdownload fasttransform plum-dispatch beartype \
	python-fasthtml starlette itsdangerous python-multipart oauthlib \
	nbformat fastjsonschema jsonschema jsonschema-specifications referencing rpds-py traitlets jupyter-core platformdirs
GPU_FMNIST_ITEMS ?= 10000 10000  # Fashion-MNIST images (train, valid) packed for the generated ImageNette folder and the cuda cells
gpu-wheels: data
	rm -rf $(GPU_WHEELS) && mkdir -p $(GPU_WHEELS)
	$(PYTHON) -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
	  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
	  -c constraints.txt -d $(GPU_WHEELS) $(GPU_WHEEL_PKGS)
	$(PYTHON) -m pip wheel -q --no-deps -w $(GPU_WHEELS) . && rm -rf build
	$(PYTHON) tools/fmnist_subset.py $(FMNIST_DIR) $(GPU_WHEELS)/data/fashion-mnist $(GPU_FMNIST_ITEMS)
	@echo "$(GPU_WHEELS): $$(ls $(GPU_WHEELS) | wc -l) wheels, $$(du -sh $(GPU_WHEELS) | cut -f1). On the GPU machine, from the repository root:"
	@echo "python3 -m pip install --no-index --no-deps $(GPU_WHEELS)/*.whl && make gpu-check"

# every GPU check in one command (activ_bench/gpu_check.py): sized for 8 minutes on one H100, files in GPU_OUT;
# GPU_DEVICE=cpu with GPU_ARGS=--tiny runs every step on the CPU in about a minute
GPU_DEVICE ?= cuda
GPU_OUT ?= results/gpu
GPU_ARGS ?=
GPU_PYTHON ?= $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))  # the venv's, else the machine's (a GPU box's torch)
gpu-check:
	PYTHONUNBUFFERED=1 $(GPU_PYTHON) -m activ_bench.gpu_check --device $(GPU_DEVICE) --out $(GPU_OUT) $(GPU_ARGS)

clean:
	rm -rf _docs _proc .pytest_cache
