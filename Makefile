# The two commands: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

EXAMPLE := apparel
EXAMPLE_WS := target/examples/$(EXAMPLE).tailor
APP := target/debug/tailor-app
CLI := target/debug/tailor

.PHONY: run test deps ui app dist test-dist test-rust test-ui test-e2e bindings-check screenshots bench loadtest follow-bench

deps:
	@bash scripts/install-deps

ui: deps
	cd ui && npm run build

app: ui
	cargo build -p tailor-app -p tailor-cli

$(EXAMPLE_WS): app
	@mkdir -p target/examples
	@[ -f $(EXAMPLE_WS) ] || $(CLI) init $(EXAMPLE_WS) --example $(EXAMPLE)

## Opens the app on the bundled example workspace.
run: app $(EXAMPLE_WS)
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found: running under Xvfb (headless)."; \
	  xvfb-run -a $(APP) $(abspath $(EXAMPLE_WS)); \
	else \
	  $(APP) $(abspath $(EXAMPLE_WS)); \
	fi

## Every suite: Rust (nextest), UI unit tests (vitest), end-to-end (WebDriver),
## OpenFeature clients (Node and browser).
test: app
	cargo nextest run --workspace --no-fail-fast
	@$(MAKE) --no-print-directory test-keyring
	@$(MAKE) --no-print-directory bindings-check
	cd ui && npm test
	bash tests/e2e/run.sh
	bash tests/ofrep/run.sh
	@$(MAKE) --no-print-directory test-dist

## Installers: .deb, .rpm and .AppImage, signed for the updater, with
## latest.json, in target/dist/ (see scripts/dist.sh for the signing key).
dist: deps
	bash scripts/dist.sh

## The installers themselves: the AppImage under Xvfb through WebDriver, the
## .deb's metadata, signed updates against nginx, single instance.
test-dist: dist app
	bash tests/dist/run.sh

test-rust: deps
	cargo nextest run --workspace

test-ui: deps
	cd ui && npm test

test-e2e: app
	bash tests/e2e/run.sh

## Storefronts through the official OpenFeature providers (OFREP): Node and browser.
.PHONY: test-ofrep
test-ofrep: app
	bash tests/ofrep/run.sh

## Keys and publish tokens through a real Secret Service (gnome-keyring-daemon
## in a private dbus-run-session); the plain run above tests the file fallback.
.PHONY: test-keyring
test-keyring: deps
	bash scripts/test-keyring.sh

## The UI's IPC types are generated from Rust (ts-rs, during cargo tests);
## the committed copies must match.
bindings-check:
	@git diff --quiet -- ui/src/bindings || { echo "ui/src/bindings is out of date: run cargo test and commit it"; git diff --stat -- ui/src/bindings; exit 1; }
	@[ -z "$$(git ls-files --others --exclude-standard ui/src/bindings)" ] || { echo "new generated bindings are not committed:"; git ls-files --others --exclude-standard ui/src/bindings; exit 1; }

## The docs' screenshots, from the real app under Xvfb (docs/img/).
screenshots: app
	bash scripts/screenshot.sh docs/img

bench:
	cargo bench -p tailor-benches

## Decision service load test with oha (figures in docs/PERFORMANCE.md).
loadtest:
	bash scripts/loadtest.sh

## Followers behind nginx: propagation and decisions/s with 1–3 followers (oha).
follow-bench:
	bash scripts/follow-bench.sh
