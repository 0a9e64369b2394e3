package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestWriteFileAtomic: a write that fails half-way leaves the old file
// whole and no temporary file; one that succeeds replaces it.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, JUnitFile)
	if err := WriteBytesAtomic(path, []byte("<old/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk gone")
	err := WriteFileAtomic(path, 0o644, func(w io.Writer) error {
		_, _ = io.WriteString(w, strings.Repeat("<half", 1<<16))
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v, want the writer's, naming %s", err, path)
	}
	if data, _ := os.ReadFile(path); string(data) != "<old/>" {
		t.Errorf("a failed write changed the file: %.40q", data)
	}
	if err := WriteBytesAtomic(path, []byte("<new/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "<new/>" {
		t.Errorf("file = %q", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestCopyLatestAtomic: latest is replaced whole, by runs finishing at the
// same time too, and no temporary folder is left.
func TestCopyLatestAtomic(t *testing.T) {
	root := t.TempDir()
	var runs []string
	for i := range 8 {
		dir := filepath.Join(root, fmt.Sprintf("run-%d", i))
		if err := os.MkdirAll(filepath.Join(dir, "evidence"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{SummaryFile, JUnitFile, filepath.Join("evidence", "page.html")} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(dir), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		runs = append(runs, dir)
	}
	if err := CopyLatest(root, runs[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(runs))
	for i, dir := range runs {
		wg.Go(func() { errs[i] = CopyLatest(root, dir) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	// One run's copy, whole.
	latest := filepath.Join(root, LatestDir)
	first, err := os.ReadFile(filepath.Join(latest, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{JUnitFile, filepath.Join("evidence", "page.html")} {
		if data, err := os.ReadFile(filepath.Join(latest, f)); err != nil || string(data) != string(first) {
			t.Errorf("latest mixes runs: %s = %q, %v; summary from %q", f, data, err, first)
		}
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary folder left: %s", e.Name())
		}
	}
}
