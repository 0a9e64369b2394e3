package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestReportsLeakNoSecret runs dvcqa twice with failures of every kind and
// then reads every text file of both run folders, and everything the runs
// printed (stdout and stderr: what CI logs keep), for the canaries: the mock
// world's secrets, the test citizens' passwords, and the personal data of
// every citizen of the province — personal IDs, names, dates of birth,
// addresses, phones and e-mails, and the names of their parents and
// spouses, which no list of test citizens holds. The first run fails API,
// browser, database and SSO specs with the population database down; the
// second prefills a form with a relative's record (API and browser) and
// serves stale records, so relatives' data reaches HTTP excerpts, failure
// messages and pages. Screenshots are images: the page HTML evidence is read
// instead, captured after the same in-page masking as the screenshot.
func TestReportsLeakNoSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa; `make selftest` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	runsDir := t.TempDir()
	runs := []struct{ id, defects, filter string }{
		{"canary", "result-wrong-applicant@DV09,submit-disabled@DV07,population-db-down",
			"(layer:api && (service:DV09 || service:DV07)) || (layer:browser && kind:e2e && service:DV07) || (kind:connection && db:tax) || system:sso"},
		{"relatives", "prefill-wrong-citizen@DV03,result-wrong-applicant@DV09,population-stale",
			"(layer:api && (service:DV03 || service:DV09 || service:DV18)) || (layer:browser && kind:e2e && service:DV03) || (kind:connection && db:tax)"},
	}
	consoles := map[string][]byte{}
	for _, r := range runs {
		out, _ := dvcqaRun(ctx, t, runsDir, r.id, "--defect", r.defects, "--label-filter", r.filter).CombinedOutput() // fails by design
		if _, err := os.Stat(filepath.Join(runsDir, r.id, "summary.json")); err != nil {
			t.Fatalf("run %s wrote no report: %v\n%s", r.id, err, tail(out))
		}
		if !strings.Contains(string(out), "[FAILED]") {
			t.Errorf("run %s printed no failure; the console check needs some:\n%s", r.id, tail(out))
		}
		consoles[r.id] = out
	}

	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	world, err := citizens.Generate(cat.Provinces, cat.Databases, tgt.Seed, citizens.DefaultPerProvince)
	if err != nil {
		t.Fatal(err)
	}
	canaries := personalCanaries(world, tgt.Province)
	// What the harness types into forms for relatives (a head of household's
	// name, a child's date of birth, a new address): personal as well.
	for _, svc := range cat.Services {
		for _, f := range svc.Form {
			if k := redact.KeyKind(f.Name); k != redact.KindNone && k != redact.KindProtocol && len([]rune(f.Example)) >= 6 {
				canaries[f.Example] = "a typed " + f.Name + " (fixtures example)"
			}
		}
	}
	for _, name := range []string{"gateway:province-01", "dvcqg:dvcqa-auditor", "dvcqg:portal-01", "payment:PORTAL-01", "db-internal"} {
		canaries[fixtures.MockSecret(tgt.Seed, name)] = "secret " + name
	}
	for _, c := range world.Applicants(tgt.Province) {
		canaries[c.Password] = "password of a test citizen"
	}
	token := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

	check := func(where, text string) {
		for value, what := range canaries {
			if strings.Contains(text, value) {
				t.Errorf("%s contains %s", where, what)
			}
		}
		if token.MatchString(text) {
			t.Errorf("%s contains a bearer token", where)
		}
		if strings.ContainsRune(text, utf8.RuneError) {
			t.Errorf("%s contains a broken character (U+FFFD): a cut split one", where)
		}
	}
	files := 0
	for _, r := range runs {
		check("the console of run "+r.id, string(consoles[r.id]))
		err = filepath.WalkDir(filepath.Join(runsDir, r.id), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, ".png") {
				return err
			}
			files++
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			check(r.id+"/"+filepath.Base(path), string(data))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 12 {
		t.Errorf("only %d report files were checked; each run should leave summary, html, md, junit, ginkgo.json and evidence", files)
	}
	t.Logf("%d report files and 2 consoles checked against %d canaries", files, len(canaries))
}

// personalCanaries is the personal data of every citizen of the province,
// by value: what the reports and the console must never show in clear.
// Values short or common enough to appear for other reasons (a gender, a
// commune alone) are not canaries.
func personalCanaries(w *citizens.World, province string) map[string]string {
	out := map[string]string{}
	add := func(v, what string) {
		if len([]rune(v)) >= 6 {
			out[v] = what
		}
	}
	for _, c := range w.Citizens {
		if c.Province != province {
			continue
		}
		add(c.PersonalID, "an unmasked personal ID")
		add(c.FullName, "a citizen's name")
		add(c.BirthDate, "a date of birth")
		if p := strings.Split(c.BirthDate, "-"); len(p) == 3 { // as a page may show it
			add(p[2]+"/"+p[1]+"/"+p[0], "a date of birth")
		}
		pop := c.Records["population"]
		for field, what := range map[string]string{
			"HoTenCha": "a father's name", "HoTenMe": "a mother's name", "HoTenVoChong": "a spouse's name",
			"ThuongTru": "an address (permanent residence)", "NoiOHienTai": "an address (current residence)",
			"SoDienThoai": "a phone number", "ThuDienTu": "an e-mail address", "SoCMND": "an old ID card number",
			"QueQuan": "a home town", "NoiDangKyKhaiSinh": "a place of birth",
		} {
			add(pop[field], what)
		}
	}
	return out
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// dvcqaBinary builds the command once for the tests that run it.
func dvcqaBinary(ctx context.Context, t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dvcqa-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "dvcqa")
		build := exec.CommandContext(ctx, "go", "build", "-o", binPath, "./cmd/dvcqa")
		build.Dir = suites.Root
		if out, err := build.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build dvcqa: %w\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// dvcqaRun is `dvcqa run` against the embedded world, writing run runID
// under runsDir, started from the module root.
func dvcqaRun(ctx context.Context, t *testing.T, runsDir, runID string, args ...string) *exec.Cmd {
	t.Helper()
	args = append([]string{"run", "--runs", runsDir, "--run-id", runID}, args...)
	cmd := exec.CommandContext(ctx, dvcqaBinary(ctx, t), args...)
	cmd.Dir = suites.Root
	cmd.Env = append(os.Environ(), vocab.EnvTarget+"=") // the flag's default must not come from the caller
	return cmd
}

// TestDiffListsTheRegressions: a healthy run, then a run with a seeded
// defect; `dvcqa diff --allow-mixed` (two keys: the seeded defect differs)
// lists exactly the specs the defect broke.
func TestDiffListsTheRegressions(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa twice; `make selftest` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	runsDir := t.TempDir()
	run := func(id string, extra ...string) {
		args := append([]string{"--label-filter", "layer:api && (service:DV09 || service:DV10)"}, extra...)
		_ = dvcqaRun(ctx, t, runsDir, id, args...).Run() // a filtered run fails the gate (services not run) by design
	}
	run("1-healthy")
	run("2-defect", "--defect", "result-unsigned@DV09")
	cmd := exec.CommandContext(ctx, dvcqaBinary(ctx, t), "diff", "--json", "--allow-mixed", "--runs", runsDir, "1-healthy", "2-defect")
	out, _ := cmd.Output()
	var d struct {
		Regressions []struct{ Name string } `json:"regressions"`
		Fixes       []struct{ Name string } `json:"fixes"`
	}
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("dvcqa diff --json: %v\n%s", err, out)
	}
	if len(d.Regressions) != 1 || !strings.Contains(d.Regressions[0].Name, "DV09") || !strings.Contains(d.Regressions[0].Name, "end to end") || len(d.Fixes) != 0 {
		t.Errorf("diff should list exactly DV09's end-to-end spec as regressed: %s", out)
	}
}
