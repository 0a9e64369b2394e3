package selftest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/reports"
)

var suites *Suites // built once by TestMain

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		if testing.Short() {
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "dvcqa-selftest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer os.RemoveAll(dir)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		root, err := filepath.Abs("..")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		if suites, err = BuildSuites(ctx, root, dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		return m.Run()
	}()
	os.Exit(code)
}

// TestSeededDefectsAreCaught switches on each defect of the registry and
// checks exactly its declared specs fail, naming the symptom.
func TestSeededDefectsAreCaught(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suites once per seeded defect; `make selftest` runs it")
	}
	all := defects.All()
	var detected, ran atomic.Int32
	var mu sync.Mutex
	caught := map[string]bool{} // defect name → detected as declared, gate FAILED
	start := time.Now()
	t.Run("defects", func(t *testing.T) {
		for _, d := range all {
			t.Run(d.Name, func(t *testing.T) {
				t.Parallel()
				ran.Add(1)
				ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
				defer cancel()
				o, err := suites.RunTarget(ctx, t.TempDir(), d.Filter, d.Example, d.Target)
				if err != nil {
					t.Fatal(err)
				}
				if problems := Judge(o, d.ExpectedSpecs, d.Symptom); len(problems) > 0 {
					t.Errorf("defect %s (%s, filter %q):\n  %s", d.Example, d.Description, d.Filter, strings.Join(problems, "\n  "))
					return
				}
				detected.Add(1)
				mu.Lock()
				caught[d.Name] = true
				mu.Unlock()
				t.Logf("%s: caught by %d spec(s), %d unrelated spec(s) green; %s, gate FAILED, exit 1", d.Example, len(o.Failed), len(o.Passed), verdictsOf(o))
			})
		}
	})
	fmt.Printf("selftest: seeded defects detected by exactly the expected specs, item NOT READY/BLOCKED, gate FAILED, exit 1: %d/%d (%.1f s)\n",
		detected.Load(), len(all), time.Since(start).Seconds())

	// Every kind of spec (It template) must be proven able to fail: some
	// detected defect declares a spec of that kind.
	if int(ran.Load()) < len(all) {
		t.Logf("spec-kind coverage is judged when every defect runs (%d/%d ran)", ran.Load(), len(all))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	specs, err := suites.List(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	var order []string
	for _, sp := range specs {
		if _, ok := kinds[sp.Kind]; !ok {
			order = append(order, sp.Kind)
		}
		kinds[sp.Kind] += 0
		for _, d := range all {
			if !caught[d.Name] {
				continue
			}
			for _, p := range d.ExpectedSpecs {
				if regexp.MustCompile(p).MatchString(sp.Text) {
					kinds[sp.Kind]++
				}
			}
		}
	}
	covered := 0
	for _, k := range order {
		if kinds[k] > 0 {
			covered++
		} else {
			t.Errorf("no detected seeded defect makes a spec of this kind fail: %s", k)
		}
	}
	fmt.Printf("selftest: spec kinds covered by a detected defect: %d/%d (%d specs)\n", covered, len(order), len(specs))
}

// verdictsOf names the items a defect run left not READY.
func verdictsOf(o *Outcome) string {
	var out []string
	for _, labels := range o.Labels {
		if _, id, v := itemOf(o.Summary, labels); v != nil && !slices.Contains(out, id+" "+v.Readiness) {
			out = append(out, id+" "+v.Readiness)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// TestHealthyRunsStayGreen runs the whole API layer repeatedly against a
// healthy world: any failure is a false alarm. (The browser layer runs once
// per `make test`, in the suites step; 20 browser runs would cost 20 minutes.)
func TestHealthyRunsStayGreen(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite many times; `make selftest` runs it")
	}
	runs := 20
	if v, err := strconv.Atoi(os.Getenv("DVCQA_HEALTHY_RUNS")); err == nil && v > 0 {
		runs = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	// Two runs at a time, whatever -test.parallel says: each run is one
	// serial Ginkgo process whose harness and world keep a core busy (two
	// at a time use the machine's two cores), unlike the defect runs and
	// the fault matrix's cells, which mostly wait on timers.
	outcomes := make([]*Outcome, runs)
	errs := make([]error, runs)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outcomes[i], errs[i] = suites.Run(ctx, t.TempDir(), "layer:api", "")
			}
		}()
	}
	for i := 0; i < runs; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	var specs, failed, green int
	for i, o := range outcomes {
		if errs[i] != nil {
			t.Fatalf("healthy run %d: %v", i+1, errs[i])
		}
		specs += len(o.Passed) + len(o.Failed)
		failed += len(o.Failed) + len(o.Setup)
		if len(o.Failed) == 0 && len(o.Setup) == 0 {
			green++
		}
		for name, msg := range o.Failed {
			t.Errorf("healthy run %d: false alarm in %s: %s", i+1, name, firstLine(msg))
		}
		// The API layer alone is a partial run: items are READY or NOT
		// VERIFIED (the browser flow did not run), never NOT READY.
		for _, bad := range badItems(o.Summary) {
			t.Errorf("healthy run %d: %s", i+1, bad)
		}
		for _, s := range o.Setup {
			t.Errorf("healthy run %d: setup failed: %s", i+1, firstLine(s))
		}
	}
	rate := 0.0
	if specs > 0 {
		rate = float64(failed) / float64(specs)
	}
	fmt.Printf("selftest: healthy runs green %d/%d; false failures %d of %d spec runs (rate %.4f); %.1f s\n",
		green, runs, failed, specs, rate, time.Since(start).Seconds())
}

// badItems are the items of a summary judged NOT READY, BLOCKED or FLAKY.
func badItems(s *reports.Summary) []string {
	var out []string
	check := func(id string, v *reports.Verdict) {
		switch v.Readiness {
		case reports.NotReady, reports.Blocked, reports.Flaky:
			out = append(out, id+" is "+v.Readiness)
		}
	}
	for i := range s.Services {
		check(s.Services[i].ID, &s.Services[i])
	}
	for id, v := range s.NationalDBs {
		check(id, v)
	}
	for id, v := range s.Platform {
		check(id, v)
	}
	return out
}

// TestSuitesImportNoMocks keeps the suites target-agnostic: only the suite
// entry may import the mock world's starter.
func TestSuitesImportNoMocks(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`, "../suites/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		for _, imp := range fields[1:] {
			if !strings.Contains(imp, "/dvcqa/mocks/") {
				continue
			}
			if fields[0] == "github.com/dvcqa/dvcqa/suites" && imp == "github.com/dvcqa/dvcqa/mocks/world" {
				continue // the embedded default's starter, in the suite entry
			}
			t.Errorf("%s imports %s: suites must reach targets only over HTTP", fields[0], imp)
		}
	}
}

// TestMocksImportNoHarness: a mock is the system's own implementation, so
// it never builds with the harness's code (api/* clients, suites/*,
// reports): mocks import data (fixtures, fixtures/citizens), the shared
// vocabulary (vocab) and each other, nothing else of the module. Their
// tests may drive them with the harness's api clients (a client's view of
// the mock), but never with suites.
func TestMocksImportNoHarness(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`, "../mocks/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/dvcqa/dvcqa/"
	allowed := func(imp string) bool {
		rest, ours := strings.CutPrefix(imp, mod)
		if !ours {
			return true // standard library and third-party modules
		}
		for _, ok := range []string{"fixtures", "fixtures/citizens", "vocab", "mocks"} {
			if rest == ok || strings.HasPrefix(rest, ok+"/") {
				return true
			}
		}
		return false
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			t.Fatalf("go list line %q", line)
		}
		for _, imp := range strings.Fields(parts[1]) {
			if !allowed(imp) {
				t.Errorf("%s imports %s: a mock implements its system with its own code (fixtures, vocab and mocks/* only)", parts[0], imp)
			}
		}
		for _, imp := range strings.Fields(parts[2]) {
			if strings.HasPrefix(imp, mod+"suites") {
				t.Errorf("tests of %s import %s: mocks are tested over HTTP, never with the suites", parts[0], imp)
			}
		}
	}
}
