# Sigil — the two commands: `make run` (the service on embedded defaults) and `make test`.
SWIFT ?= swift
JOBS ?= $(shell nproc)
TEST_WIDTH ?= 8

.PHONY: all deps build release run demo lint test fuzz fuzz-formats bench bench-duties bench-text load verify-load stream-latency clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -j $(JOBS)

## release: the sigil binary with the Swift runtime and Foundation linked in (--static-swift-stdlib): a process starts in
## about half the time the shared libraries take to load and bind (decision 0027)
release: deps
	$(SWIFT) build -c release -j $(JOBS) --static-swift-stdlib --product sigil

## run: Sigil's main job on embedded defaults (SQLite and generated development keys under out/data): label and
## verify every image in examples/ (out/report.md) with a generation record each in the transparency log, then serve
## the HTTP API and the public verify page on http://127.0.0.1:8080/ until Ctrl-C, in development mode
## (--development: development keys and SMS sender). The first start prints an admin API key once. HOST/PORT override
## the address.
RUN_ENV = SIGIL_DATA=$(CURDIR)/out/data
HOST ?= 127.0.0.1
PORT ?= 8080
run: release
	$(RUN_ENV) ./.build/release/sigil demo --examples examples --output out
	$(RUN_ENV) ./.build/release/sigil label examples -o out/batch
	$(RUN_ENV) ./.build/release/sigil log checkpoint
	@echo "make run: starting sigil serve --development (development keys and the development SMS sender; never in production)"
	$(RUN_ENV) ./.build/release/sigil serve --development --host $(HOST) --port $(PORT)

## lint: the house style (.swift-format: 4-space indent, 150 columns), checked, never rewritten; `swift format -i -r
## Sources Tests Benchmarks/Sources Fuzz/Sources` applies it
lint:
	$(SWIFT) format lint --strict -r Sources Tests Benchmarks/Sources Fuzz/Sources Package.swift

## test: the house style, then the whole suite
test: deps lint
	$(SWIFT) build --build-tests -j $(JOBS)
	# libsigiltextmark.so (the text mark's C ABI): --build-tests does not build dynamic library products, and the C and
	# Python tests load it.
	$(SWIFT) build -j $(JOBS) --product sigiltextmark
	# Tests that create development keys write them under a throwaway data directory, never the user's.
	# At most TEST_WIDTH tests at once (Swift Testing's own variable; this SwiftPM has no flag for it): unbounded,
	# hundreds of CPU-heavy tests share 2 cores and a live server's answer can outlast the HTTP test client's fixed
	# 20-s read timeout.
	rm -rf .build/test-data && SIGIL_DATA=$(CURDIR)/.build/test-data \
		SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) $(SWIFT) test --skip-build

## fuzz: libFuzzer over the container parsers (FUZZ_SECONDS, default 60)
FUZZ_SECONDS ?= 60
fuzz: deps
	# -sanitize on the command line instruments every module, not only the harness (coverage-guided for real).
	SIGIL_FUZZ=1 $(SWIFT) build -c release --scratch-path .build-fuzz --product SigilFuzz -Xswiftc -sanitize=fuzzer,address
	mkdir -p .build-fuzz/corpus Fuzz/crashes
	SWIFT_BACKTRACE=enable=no ./.build-fuzz/release/SigilFuzz .build-fuzz/corpus Fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -artifact_prefix=Fuzz/crashes/

## fuzz-formats: one libFuzzer run per registered format (FUZZ_SECONDS each), the input handed to that format's handler
FORMATS ?= jpeg png webp tiff gif wav mp3 mp4 mov avi mkv webm flv flac ogg opus m4a ooxml pdf markdown text text-label c2pa-text textmark audio-pcm
fuzz-formats: deps
	SIGIL_FUZZ=1 $(SWIFT) build -c release --scratch-path .build-fuzz --product SigilFuzz -Xswiftc -sanitize=fuzzer,address
	mkdir -p Fuzz/crashes
	for f in $(FORMATS); do \
	  mkdir -p .build-fuzz/corpus-$$f; \
	  SIGIL_FUZZ_FORMAT=$$f SWIFT_BACKTRACE=enable=no ./.build-fuzz/release/SigilFuzz .build-fuzz/corpus-$$f Fuzz/corpus \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -artifact_prefix=Fuzz/crashes/$$f- || exit 1; \
	done

## bench-text: explicit text label check throughput beside UTF-8 validation (Benchmarks/results/text-check.json)
bench-text: deps
	sh Benchmarks/scripts/text-check.sh

## bench-duties: prompt screening and generation authorisation beside their anchors, the Aho–Corasick one from
## Debian's python3-ahocorasick (docs/DUTIES.md; Benchmarks/results/duties/)
bench-duties: deps
	dpkg -s python3-ahocorasick >/dev/null 2>&1 || apt-get install -y -qq python3-ahocorasick
	cd Benchmarks && $(SWIFT) build -c release -j $(JOBS) --product sigil-duties-bench && ./.build/release/sigil-duties-bench --dump ../out/duties-dump
	/usr/bin/python3 Benchmarks/scripts/screen_ahocorasick.py out/duties-dump --repeat 3

## bench: release-built benchmark beside exiftool and ImageMagick (figures for the README)
bench: deps
	cd Benchmarks && $(SWIFT) build -c release -j $(JOBS) && ./.build/release/sigil-bench

## load: a bounded load run on loopback (release server, wrk; LOAD_SECONDS per phase, default 30; LOAD_RATE_LIMIT
## off (default: capacity) or on (the shipped per-address verify limit)) — see README
LOAD_SECONDS ?= 30
LOAD_RATE_LIMIT ?= off
load: release
	bash scripts/load.sh $(LOAD_SECONDS) 4 $(LOAD_RATE_LIMIT)

## stream-latency: POST /v1/label/stream beside POST /v1/label on a paced TTS-like upload → Benchmarks/results/audio-stream/
stream-latency: release
	bash scripts/stream-latency.sh

## verify-load: verification at platform scale (issue 23): labeled, unmarked, metadata-only, keyed 90/10 mix, cache
## re-uploads and a 1,000-file batch, one run (LOAD_SECONDS per phase) → out/verify-load/results.json
verify-load: release
	bash scripts/verify-load.sh $(LOAD_SECONDS)

clean:
	rm -rf .build .build-fuzz out
