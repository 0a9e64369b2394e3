# dvcqa — integration-test harness for Vietnam's public-service portals.
# `make run` is the main job, `make test` the project's tests (what CI runs).

GO       ?= go
# Built, not `go run`, so that dvcqa's exit codes (0/1/2) reach the caller.
DVCQA    := bin/dvcqa
ARGS     ?=
UNIT_PKGS = $$($(GO) list ./... | grep -v '/suites$$')

.PHONY: all deps build run test test-lane-e2e test-lane-selftest check unit store soak suites officers external procs shards selftest selftest-runs selftest-healthy provinces mock catalog bench clean clean-check

all: test

## deps: what the harness needs on a fresh machine (Go modules; later issues add Chromium)
deps:
	@./scripts/setup.sh

build:
	$(GO) build -o bin/dvcqa ./cmd/dvcqa

## run: all suites against the embedded mock world; reports in runs/<run-id>/ and runs/latest/
run: deps build
	$(DVCQA) run $(ARGS)

## test: formatting, vet, unit tests, the store on SQLite and PostgreSQL, the mock's memory soak, the suites against the embedded mock, the end-to-end specs with manual officers, the standalone-mock proof, the run's processes
## After the unit tests two lanes run at once: the selftest's runs that mostly wait on timers and I/O (seeded defects,
## fault matrix, …), and the other end-to-end targets one after another; then the healthy runs alone, as they keep
## both cores busy and prove no false alarm on a machine that is not overloaded. Each target's output is printed
## whole when it ends, with its time. TEST_SERIAL=1 runs the two lanes one after the other instead.
test:
	+@$(call timed_targets,deps build clean-check check unit)
	+@if [ -n "$(TEST_SERIAL)" ]; then $(call timed_targets,$(TEST_LANE_E2E) selftest-runs); \
	  else $(MAKE) --no-print-directory -j2 -Otarget test-lane-e2e test-lane-selftest; fi
	+@$(call timed_targets,selftest-healthy)

TEST_LANE_E2E := store soak suites officers external procs shards provinces
test-lane-e2e:
	+@$(call timed_targets,$(TEST_LANE_E2E))
test-lane-selftest:
	+@$(call timed_targets,selftest-runs)

# timed_targets(targets): make each in turn (stopping at the first failure) and say how long each took.
define timed_targets
for t in $(1); do s=$$(date +%s); $(MAKE) --no-print-directory $$t || { echo "make $$t: FAILED after $$(( $$(date +%s) - s )) s"; exit 1; }; \
  echo "make $$t: $$(( $$(date +%s) - s )) s"; done
endef

check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 -short $(UNIT_PKGS)

## store: the store's tests, the trial ledger's and the trial campaigns' (cmd/dvcqa TestTrial*) on SQLite and on a throwaway
## PostgreSQL (scripts/postgres-test.sh: installed as root when missing; where it cannot be, the PostgreSQL tests say they are skipped)
store:
	./scripts/postgres-test.sh $(GO) test -count=1 ./store/... $$(test -d trial && echo ./trial/...)
	./scripts/postgres-test.sh $(GO) test -count=1 -run '^TestTrial' ./cmd/dvcqa

## soak: the mock world under ~10 s of load on loopback keeps its memory bounded (skipped by -short, so `unit` leaves it here)
soak:
	$(GO) test -count=1 -v -timeout 60s -run '^TestSoakMemoryStaysBounded$$' ./mocks/world

suites:
	$(DVCQA) run --runs runs/test-runs

## officers: the end-to-end specs with manual officers (docs/officers.md): the API flow of the 25 services and the
## officer's refusals through the back office's API, and the browser flow of three services through its officer pages
OFFICERS_API := (layer:api && kind:e2e) || system:backoffice
OFFICERS_WEB := layer:browser && kind:e2e && (service:DV02 || service:DV07 || service:DV09)
officers:
	@$(call officers_run,test-officers,fixtures/targets/mock-manual-officers.yaml,$(OFFICERS_API),26)
	@$(call officers_run,test-officers-web,fixtures/targets/mock-manual-officers-web.yaml,$(OFFICERS_WEB),3)

# officers_run(runs folder, target, label filter, specs): a filtered run is partial, so dvcqa exits 1 even when
# every spec passed; the spec count decides: all of them passed, none failed (an exit of 2 never passes).
define officers_run
out=$$($(DVCQA) run --runs runs/$(1) --target $(2) --label-filter '$(3)' 2>&1); rc=$$?; \
  if [ $$rc -le 1 ] && echo "$$out" | grep -q '^specs: $(4) passed, 0 failed'; then echo "$$out" | grep -E '^specs:|reports:'; \
  else echo "$$out" | tail -n 60; echo "officers: $(2): want $(4) specs passed and none failed (dvcqa exit $$rc)"; exit 1; fi
endef

## external: `dvcqa mock serve` as a separate process, treated as a real portal (kind: real, https, secrets in env vars, non-default dialects), gives the same verdicts as the embedded run
external:
	$(GO) test -count=1 -run 'TestRealKindTarget|TestExternalMockWithDefect|TestAuthSaveInBrowser' ./cmd/dvcqa

## procs: a SIGKILLed run leaves no process or folder, two runs at once both work, a full disk (tmpfs, as root) truncates no report;
## a run's console is a plain checklist in CI with every failure in full, and Ginkgo's own output with -v
procs:
	$(GO) test -count=1 -run 'TestKilledRunLeavesNothing|TestConcurrentRuns|TestFullDisk|TestRunConsole' ./cmd/dvcqa

## shards: a slice of the API specs run whole, then as 3 shards merged: the same verdicts (docs/shards.md; ~50 s)
shards:
	$(GO) test -count=1 -run 'TestShardsMergeEqualUnsharded' ./cmd/dvcqa

## provinces: the API flows of two services in provinces 01 and 79 with a defect seeded in 79's DV09 only: it fails there
## and nowhere else, and the national headline and the province × service matrix say so (docs/provinces.md)
provinces:
	$(GO) test -count=1 -run 'TestProvincesScopedDefectShowsOnlyThere' ./cmd/dvcqa

## selftest: every seeded defect caught by exactly its declared specs; the healthy suite green 20 runs of 20.
## The defect runs and the fault matrix's cells are independent runs (each its own world) that mostly wait on
## timers: SELFTEST_PARALLEL of them run at once, from one compiled suites binary. The healthy runs go two at a time.
SELFTEST_PARALLEL ?= 4
SELFTEST_RUNS := TestSeededDefectsAreCaught|TestBrowserSuitesOnRemoteChromium|TestBrowserSuitesSurviveADeadEndpoint|TestReportsLeakNoSecret|TestDiffListsTheRegressions|TestInterruptStillWritesReports|TestPartialRunNeverPasses|TestFaultMatrix|TestSilentTargetEndsFast
selftest:
	+@$(call timed_targets,selftest-runs selftest-healthy)
selftest-runs:
	$(GO) test -v -count=1 -timeout 25m -parallel $(SELFTEST_PARALLEL) -run '$(SELFTEST_RUNS)' ./selftest
selftest-healthy:
	$(GO) test -v -count=1 -timeout 25m -run 'TestHealthyRunsStayGreen' ./selftest

## mock: the mock world standalone on 127.0.0.1:8080 (target file in runs/mock-target.yaml, admin token beside it)
mock: deps build
	@mkdir -p runs
	$(DVCQA) mock serve --addr 127.0.0.1:8080 --write-target runs/mock-target.yaml

catalog: build
	$(DVCQA) catalog

## bench: every figure of issue 14's "Speed" section (docs/bench.md; ~15 min, not in `make test`, no timed assertions):
## each browser flow vs its physical floor, dvcqa vs Playwright Test on the same flows (one per service; 25 with 2 workers),
## Chromium's PSS with 2 processes, the API layer for 1 and 34 provinces, the suites cache (build vs reuse), the unit
## benchmarks; each figure printed as it comes and all again at the end ("dvcqa bench figures"). A benchmark that fails
## is named there, the others still run; make then exits 1.
BENCH_FIG = bin/bench-figures.txt
bench_go  = DVCQA_BENCH_FIGURES=$(CURDIR)/$(BENCH_FIG) $(GO) test -run '^$$' -timeout 30m
bench: deps build
	@rm -f $(BENCH_FIG) bin/bench-failed; touch $(BENCH_FIG)
	$(bench_go) -bench '^BenchmarkBrowserFlow$$' -benchtime 3x ./bench || echo "BenchmarkBrowserFlow: FAILED" | tee -a $(BENCH_FIG) bin/bench-failed
	$(bench_go) -bench '^BenchmarkVsPlaywright$$' -benchtime 1x ./bench || echo "BenchmarkVsPlaywright: FAILED" | tee -a $(BENCH_FIG) bin/bench-failed
	$(bench_go) -bench '^BenchmarkBrowserLayer$$/^procs=2$$' -benchtime 1x ./bench || echo "BenchmarkBrowserLayer: FAILED" | tee -a $(BENCH_FIG) bin/bench-failed
	$(bench_go) -bench '^BenchmarkAPILayer$$' -benchtime 1x ./bench || echo "BenchmarkAPILayer: FAILED" | tee -a $(BENCH_FIG) bin/bench-failed
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./... | grep -v -e '/suites$$' -e '/bench$$') > bin/bench-unit.txt 2>&1 \
	  || echo "unit benchmarks: FAILED (bin/bench-unit.txt)" | tee -a $(BENCH_FIG) bin/bench-failed; cat bin/bench-unit.txt
	@awk '/^BenchmarkSuitesReuse\/(build|reuse|key)-/ { n = $$1; sub(/^BenchmarkSuitesReuse\//, "", n); sub(/-[0-9]+$$/, "", n); \
	  printf "suites cache (BenchmarkSuitesReuse) %s: %.0f ms per run\n", n, $$3 / 1e6 }' bin/bench-unit.txt >> $(BENCH_FIG)
	@echo; echo "dvcqa bench figures"; sed 's/^/  /' $(BENCH_FIG); test ! -f bin/bench-failed

## clean: remove run output (runs/) and built binaries (bin/); nothing tracked lives there
CLEAN_DIRS := runs bin
clean:
	rm -rf $(CLEAN_DIRS)

## clean-check: `make clean` would delete no tracked file, and run output is git-ignored
clean-check:
	@tracked=$$(git ls-files -- $(CLEAN_DIRS)); \
	  if [ -n "$$tracked" ]; then echo "make clean would delete tracked files:"; echo "$$tracked"; exit 1; fi
	@for p in runs/any-run/summary.json bin/dvcqa; do git check-ignore -q $$p || { echo "$$p is not git-ignored"; exit 1; }; done
