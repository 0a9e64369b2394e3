package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeModule writes a tiny module with one test package that embeds a
// template, the shape of the suites' inputs.
func fakeModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":                    "module example.com/fake\n\ngo 1.26\n",
		"suites/suites_test.go":     "package suites\n\nimport (\n\t_ \"embed\"\n\t\"testing\"\n)\n\n//go:embed page.html.tmpl\nvar page string\n\nfunc TestPage(t *testing.T) {\n\tif page == \"\" {\n\t\tt.Fatal(\"empty\")\n\t}\n\tt.Log(page)\n}\n",
		"suites/page.html.tmpl":     "<p>một</p>\n",
		"runs/old/report.json":      "{}\n",
		"tools/a11y/node_modules/x": "x\n",
	}
	for name, body := range files {
		writeFile(t, filepath.Join(root, name), body)
	}
	return root
}

func writeFile(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustKey(t *testing.T, root string) string {
	t.Helper()
	key, reason, err := suitesKey(root, "./suites", os.Environ())
	if err != nil || key == "" {
		t.Fatalf("suitesKey: key %q, reason %q, err %v", key, reason, err)
	}
	return key
}

func TestSuitesKeyFollowsTheTree(t *testing.T) {
	root := fakeModule(t)
	base := mustKey(t, root)
	if again := mustKey(t, root); again != base {
		t.Fatalf("same tree, keys %s and %s", base, again)
	}
	// Output and installed tools are not inputs.
	writeFile(t, filepath.Join(root, "runs", "new", "report.json"), "{\"x\":1}\n")
	writeFile(t, filepath.Join(root, "tools", "a11y", "node_modules", "y"), "y\n")
	writeFile(t, filepath.Join(root, "suites", "suites.test"), "binary\n")
	if k := mustKey(t, root); k != base {
		t.Errorf("run output changed the key: %s → %s", base, k)
	}
	for _, edit := range []struct{ name, file, body string }{
		{"edited .go", "suites/suites_test.go", "package suites\n"},
		{"edited embedded template", "suites/page.html.tmpl", "<p>hai</p>\n"},
		{"new file", "suites/extra.go", "package suites\n"},
		{"go.sum", "go.sum", "example.org/m v1.0.0 h1:x\n"},
	} {
		before := mustKey(t, root)
		writeFile(t, filepath.Join(root, edit.file), edit.body)
		if k := mustKey(t, root); k == before {
			t.Errorf("%s: key unchanged (%s)", edit.name, k)
		}
	}
}

func TestSuitesKeyFollowsBuildEnv(t *testing.T) {
	root := fakeModule(t)
	base := mustKey(t, root)
	key, _, err := suitesKey(root, "./suites", append(os.Environ(), "GOFLAGS=-tags=other"))
	if err != nil {
		t.Fatal(err)
	}
	if key == base {
		t.Error("GOFLAGS changed but the key did not")
	}
	if key, _, _ := suitesKey(root, "./other", os.Environ()); key == base {
		t.Error("another package, same key")
	}
}

func TestSuitesKeyRefusesLocalReplace(t *testing.T) {
	root := fakeModule(t)
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/fake\n\ngo 1.26\n\nreplace example.org/m => ../m\n")
	key, reason, err := suitesKey(root, "./suites", os.Environ())
	if err != nil || key != "" || !strings.Contains(reason, "../m") {
		t.Fatalf("local replace: key %q, reason %q, err %v; want no key and the folder named", key, reason, err)
	}
}

// TestEnsureSuitesRebuildsAfterAnEdit builds the fake suites for real:
// built, then reused, then built again once the embedded file changed,
// and the binary run shows the new content (a stale binary would not).
func TestEnsureSuitesRebuildsAfterAnEdit(t *testing.T) {
	root := fakeModule(t)
	c := suiteCache{dir: t.TempDir(), keep: suiteCacheKeep}
	builds := 0
	build := func(out string) error {
		builds++
		cmd := exec.Command("go", "test", "-c", "-o", out, "./suites")
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go test -c: %v\n%s", err, b)
		}
		return nil
	}
	step := func(want string) string {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "suites.test")
		line, err := ensureSuites(root, "./suites", bin, os.Environ(), c, build)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(line, want) {
			t.Fatalf("console line %q, want %q…", line, want)
		}
		out, err := exec.Command(bin, "-test.v").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, out)
		}
		return string(out)
	}
	if out := step("suites: built"); !strings.Contains(out, "một") {
		t.Fatalf("first build does not print the template:\n%s", out)
	}
	step("suites: reused")
	writeFile(t, filepath.Join(root, "suites", "page.html.tmpl"), "<p>hai</p>\n")
	if out := step("suites: built"); !strings.Contains(out, "hai") {
		t.Fatalf("after the edit the binary is stale:\n%s", out)
	}
	if builds != 2 {
		t.Errorf("%d builds, want 2 (build, reuse, rebuild)", builds)
	}
}

// TestSuiteCacheConcurrentStores: runs storing one key at once all
// succeed and leave one whole binary, no temporary file.
func TestSuiteCacheConcurrentStores(t *testing.T) {
	c := suiteCache{dir: t.TempDir(), keep: suiteCacheKeep}
	key := strings.Repeat("ab", 32)
	body := bytes.Repeat([]byte("suites binary "), 1<<16)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		src := filepath.Join(t.TempDir(), "suites.test")
		if err := os.WriteFile(src, body, 0o755); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.store(key, src)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base(c.path(key)) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("cache holds %v, want only %s", names, filepath.Base(c.path(key)))
	}
	got, err := os.ReadFile(c.path(key))
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("cached binary: %d bytes (err %v), want %d", len(got), err, len(body))
	}
	dst := filepath.Join(t.TempDir(), "suites.test")
	if err := c.fetch(key, dst); err != nil {
		t.Fatalf("fetch: %v", err)
	}
}

func TestSuiteCachePruneKeepsTheNewest(t *testing.T) {
	c := suiteCache{dir: t.TempDir(), keep: 3}
	keys := []string{strings.Repeat("1", 64), strings.Repeat("2", 64), strings.Repeat("3", 64), strings.Repeat("4", 64), strings.Repeat("5", 64)}
	base := time.Now().Add(-time.Hour)
	for i, k := range keys {
		// One file each: a hard-linked source would share its times.
		src := filepath.Join(t.TempDir(), "suites.test")
		writeFile(t, src, "bin\n")
		if err := os.Chmod(src, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := c.store(k, src); err != nil {
			t.Fatal(err)
		}
		// Older keys were used longer ago.
		when := base.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(c.path(k), when, when); err != nil {
			t.Fatal(err)
		}
	}
	c.prune(keys[0]) // the oldest, but the current one: kept
	for i, k := range keys {
		_, err := os.Stat(c.path(k))
		if keep := i == 0 || i >= 3; keep != (err == nil) {
			t.Errorf("key %d: kept=%v, want %v", i, err == nil, keep)
		}
	}
}

// Another checkout with the same files has its own binary: the binary
// carries its source paths.
func TestSuitesKeyDiffersPerCheckout(t *testing.T) {
	if a, b := mustKey(t, fakeModule(t)), mustKey(t, fakeModule(t)); a == b {
		t.Errorf("two checkouts, one key %s", a)
	}
}

// A file edited while the suites build may be missing from the binary:
// such a build is used for its run but not cached.
func TestEnsureSuitesSkipsCacheWhenTreeChangesDuringBuild(t *testing.T) {
	root := fakeModule(t)
	c := suiteCache{dir: t.TempDir(), keep: suiteCacheKeep}
	bin := filepath.Join(t.TempDir(), "suites.test")
	line, err := ensureSuites(root, "./suites", bin, os.Environ(), c, func(out string) error {
		writeFile(t, filepath.Join(root, "suites", "page.html.tmpl"), "<p>ba</p>\n")
		return os.WriteFile(out, []byte("bin\n"), 0o755)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(line, "not cached") {
		t.Errorf("console line %q, want it to say the build was not cached", line)
	}
	if entries, _ := os.ReadDir(c.dir); len(entries) != 0 {
		t.Errorf("cache holds %d file(s) after a build over a changing tree", len(entries))
	}
}

// Runs started together on a cold cache each build, each run their own
// binary, and leave one cached binary that the next run reuses.
func TestEnsureSuitesConcurrentRuns(t *testing.T) {
	root := fakeModule(t)
	c := suiteCache{dir: t.TempDir(), keep: suiteCacheKeep}
	build := func(out string) error { return os.WriteFile(out, []byte("suites binary\n"), 0o755) }
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		bin := filepath.Join(t.TempDir(), "suites.test")
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, errs[i] = ensureSuites(root, "./suites", bin, os.Environ(), c, build); errs[i] == nil {
				if b, err := os.ReadFile(bin); err != nil || string(b) != "suites binary\n" {
					errs[i] = fmt.Errorf("run's binary %q, err %v", b, err)
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
	line, err := ensureSuites(root, "./suites", filepath.Join(t.TempDir(), "suites.test"), os.Environ(), c, func(string) error {
		t.Error("built again after the concurrent runs cached the suites")
		return nil
	})
	if err != nil || !strings.HasPrefix(line, "suites: reused") {
		t.Errorf("next run: %q, %v; want reused", line, err)
	}
}
