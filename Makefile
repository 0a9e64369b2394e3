# dvcqa — integration-test harness for Vietnam's public-service portals.
# `make run` is the main job, `make test` the project's tests (what CI runs).

GO       ?= go
# Built, not `go run`, so that dvcqa's exit codes (0/1/2) reach the caller.
DVCQA    := bin/dvcqa
ARGS     ?=
UNIT_PKGS = $$($(GO) list ./... | grep -v '/suites$$')

.PHONY: all deps build run test check unit suites external selftest mock catalog bench clean

all: test

## deps: what the harness needs on a fresh machine (Go modules; later issues add Chromium)
deps:
	@./scripts/setup.sh

build:
	$(GO) build -o bin/dvcqa ./cmd/dvcqa

## run: all suites against the embedded mock world; reports in reports/<run-id>/ and reports/latest/
run: deps build
	$(DVCQA) run $(ARGS)

## test: formatting, vet, unit tests, the suites against the embedded mock, the standalone-mock proof
test: deps build check unit suites external selftest

check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 -short $(UNIT_PKGS)

suites:
	$(DVCQA) run --reports reports/test-runs

## external: `dvcqa mock serve` as a separate process gives the same verdicts as the embedded run
external:
	$(GO) test -count=1 -run 'TestExternalMock' ./cmd/dvcqa

## selftest: every seeded defect caught by exactly its declared specs; the healthy suite green 20 runs of 20
selftest:
	$(GO) test -v -count=1 -timeout 25m -run 'TestSeededDefectsAreCaught|TestHealthyRunsStayGreen|TestBrowserSuitesOnRemoteChromium|TestReportsLeakNoSecret|TestDiffListsTheRegressions|TestInterruptStillWritesReports|TestPartialRunNeverPasses' ./selftest

## mock: the mock world standalone on 127.0.0.1:8080 (target file in reports/mock-target.yaml)
mock: deps build
	@mkdir -p reports
	$(DVCQA) mock serve --addr 127.0.0.1:8080 --write-target reports/mock-target.yaml

catalog: build
	$(DVCQA) catalog

## bench: Go benchmarks, figures printed (no timed assertions anywhere): one browser flow per service (3 runs each),
## the browser layer of the suites with 1 and 2 Ginkgo processes (1 run each: it is the suites themselves), the unit benchmarks
bench: deps
	$(GO) test -run '^$$' -bench '^BenchmarkBrowserFlow$$' -benchtime 3x -timeout 30m ./bench
	$(GO) test -run '^$$' -bench '^BenchmarkBrowserLayer$$' -benchtime 1x -timeout 30m ./bench
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./... | grep -v -e '/suites$$' -e '/bench$$')

clean:
	find reports -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
