# The two commands a newcomer runs:
#   make demo   set everything up, build, and run the main job
#   make test   set everything up, build, and run every C++ and Python test
# Everything else here is a step of those two.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
JOBS ?= $(shell nproc)
CMAKE_FLAGS := -G Ninja -DZARRPHASE_BUILD_TESTS=ON -DZARRPHASE_BUILD_BENCH=ON -DZARRPHASE_WERROR=ON

.PHONY: all setup build cpp-test python python-test upstream-test oldest-zarr-test test sanitize demo bench-suite bench-suite-quick bench-per-call bench-engine bench-codecs lint format clean

all: build

setup:
	@scripts/setup.sh

# The C++ library, its tests and benchmarks (Release).
build: setup
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build build/release -j $(JOBS)

cpp-test: build
	ctest --test-dir build/release --output-on-failure -j $(JOBS)

# The Python package with its nanobind extension, installed into .venv (incremental: the
# scikit-build-core build folder is build/python).
python: setup
	$(PY) -m pip install -q --no-build-isolation .

python-test: python
	$(PY) -m pytest -q tests

# zarr-python's own test suite (from the pinned zarr's sdist) with PhasedCodecPipeline as the
# default pipeline; what cannot apply is listed, with reasons, in tests/upstream_exclusions.txt.
upstream-test: python
	$(PY) scripts/run_upstream_tests.py

# The integration tests again on the oldest zarr-python pyproject.toml accepts.
oldest-zarr-test: python
	$(PY) scripts/run_oldest_zarr_tests.py

lint: setup
	$(PY) -m ruff check python tests bench scripts cpp/tests/golden
	$(PY) -m ruff format --check python tests bench scripts cpp/tests/golden

test: cpp-test python-test upstream-test oldest-zarr-test lint

# The C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer.
sanitize: setup
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZARRPHASE_SANITIZE=ON \
	  -G Ninja -DZARRPHASE_BUILD_TESTS=ON -DZARRPHASE_WERROR=ON >/dev/null
	cmake --build build/asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir build/asan --output-on-failure -j $(JOBS)

# Writes, reads back and verifies a dataset, then races zarrphase against every peer on it and
# more (zarrphase bench --quick: about a minute on 2 cores).
demo: python
	$(PY) -m zarrphase demo
	$(PY) -m zarrphase bench --quick --plot demo-data/bench-quick.png

# The side-by-side suite against every peer (zarrphase bench); results land in bench/results/.
bench-suite: python
	$(PY) -m zarrphase bench --json bench/results/full.json --plot bench/results/full.png \
	  --markdown bench/results/full.md

bench-suite-quick: python
	$(PY) -m zarrphase bench --quick --json bench/results/quick.json \
	  --plot bench/results/quick.png --markdown bench/results/quick.md

bench-per-call: python
	$(PY) bench/per_call_overhead.py

bench-engine: build
	build/release/bench/engine_bench

bench-codecs: build
	build/release/bench/codec_bench --benchmark_min_time=0.2s

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')
	$(PY) -m ruff format python tests bench scripts cpp/tests/golden

clean:
	rm -rf build
