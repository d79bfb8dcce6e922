# faultbox: build, test, demo, bench. `make demo` and `make test` install what a fresh
# Debian machine lacks (apt-get), then build; nothing else is needed.
SHELL := /bin/bash
PREFIX ?= /usr/local
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEB_PACKAGES := libseccomp-dev libxml2-dev zlib1g-dev libxml2-utils openssl golang-starlark-dev golang-go hyperfine strace time python3 curl \
	iproute2 python3-venv chromium chromium-driver redis-server
# Selenium for the HTML report's browser tests, in a venv of Debian's python3 (docs/reports.md).
HTML_VENV := .build/html-venv
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path)

.PHONY: all deps build test demo bench install clean screenshot fuzz

all: build

# Install the Debian packages the build, the tests and the benchmarks need (only missing ones).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@[ -x $(HTML_VENV)/bin/python ] && $(HTML_VENV)/bin/python -c 'import selenium' 2>/dev/null || { \
	  echo "make deps: installing selenium into $(HTML_VENV)"; \
	  /usr/bin/python3 -m venv $(HTML_VENV) && $(HTML_VENV)/bin/pip install --quiet selenium; }

# Release build of the tool and the demo services; the services are copied to bin/.
# faultbox links the Swift runtime and Foundation statically (start-up 10.6 -> 6.7 ms;
# see docs/vm.md, "Start-up and memory").
build: deps
	$(SWIFT) build -c release --static-swift-stdlib --product faultbox
	$(SWIFT) build -c release --product mock-db
	$(SWIFT) build -c release --product mock-api
	@mkdir -p bin && cp "$(RELEASE_BIN)/faultbox" "$(RELEASE_BIN)/mock-db" "$(RELEASE_BIN)/mock-api" bin/

# The injector suite runs twice, once per backend (docs/injector.md): the first pass uses
# the default (notify where the kernel offers it), the second forces ptrace, so neither rots.
test: build
	FAULTBOX_BIN="$(CURDIR)/bin" $(SWIFT) test --disable-swift-testing 2>&1 | tee .build/test.log | grep -E -v '^\[[0-9]+/[0-9]+\]' ; exit $${PIPESTATUS[0]}
	FAULTBOX_INJECTOR=ptrace FAULTBOX_BIN="$(CURDIR)/bin" $(SWIFT) test --disable-swift-testing --filter InjectorTests 2>&1 | tee .build/test-ptrace.log | grep -E -v '^\[[0-9]+/[0-9]+\]' ; exit $${PIPESTATUS[0]}

# Fuzzing (docs/fuzzing.md): each target for FUZZ_SECONDS (default 60) under libFuzzer and
# the address sanitizer, in its own scratch directory (.build/fuzz); exec/s and result per target.
fuzz: deps
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-60} SWIFT=$(SWIFT) bash fuzz/run.sh

# The HTML report's picture in docs/, taken by the browser test's headless Chromium.
screenshot: build
	FAULTBOX_BIN="$(CURDIR)/bin" FAULTBOX_SCREENSHOT=docs/html-report.png $(SWIFT) test --disable-swift-testing \
	  --filter 'EndToEndTests.HTMLReportTests/testReportInHeadlessChromium'

# The tutorial's flow on the bundled demo services (../shared/seeds, chapter 10).
demo: build
	@bash examples/demo.sh

bench: build
	@bash bench/run.sh

install: build
	install -d "$(PREFIX)/bin"
	install -m 755 bin/faultbox bin/mock-db bin/mock-api "$(PREFIX)/bin/"

clean:
	rm -rf .build bin
