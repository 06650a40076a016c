# Sigil — the two commands: `make run` (label and verify the samples on embedded defaults) and `make test`.
SWIFT ?= swift
JOBS ?= $(shell nproc)

.PHONY: all deps build release run test fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -j $(JOBS)

release: deps
	$(SWIFT) build -c release -j $(JOBS) --product sigil

## run: Sigil's main job on embedded defaults (SQLite and generated development keys under out/data):
## label and verify every image in examples/ (out/report.md), label them again as a batch with a generation
## record each in the transparency log, audit the log and print its signed checkpoint.
RUN_ENV = SIGIL_DATA=$(CURDIR)/out/data
run: release
	$(RUN_ENV) ./.build/release/sigil demo --examples examples --output out
	$(RUN_ENV) ./.build/release/sigil label examples -o out/batch
	$(RUN_ENV) ./.build/release/sigil log audit
	$(RUN_ENV) ./.build/release/sigil log checkpoint

## test: the whole suite
test: deps
	$(SWIFT) build --build-tests -j $(JOBS)
	# Tests that create development keys write them under a throwaway data directory, never the user's.
	rm -rf .build/test-data && SIGIL_DATA=$(CURDIR)/.build/test-data $(SWIFT) test --skip-build

## fuzz: libFuzzer over the container parsers (FUZZ_SECONDS, default 60)
FUZZ_SECONDS ?= 60
fuzz: deps
	# -sanitize on the command line instruments every module, not only the harness (coverage-guided for real).
	SIGIL_FUZZ=1 $(SWIFT) build -c release --scratch-path .build-fuzz --product SigilFuzz -Xswiftc -sanitize=fuzzer,address
	mkdir -p .build-fuzz/corpus Fuzz/crashes
	SWIFT_BACKTRACE=enable=no ./.build-fuzz/release/SigilFuzz .build-fuzz/corpus Fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -artifact_prefix=Fuzz/crashes/

## bench: release-built benchmark beside exiftool and ImageMagick (figures for the README)
bench: deps
	cd Benchmarks && $(SWIFT) build -c release -j $(JOBS) && ./.build/release/sigil-bench

clean:
	rm -rf .build .build-fuzz out
