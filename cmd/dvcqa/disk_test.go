package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestFullDisk: on a full disk (a small tmpfs) rebuilding a run's reports
// and starting a run both exit 2 saying the disk is full, and no report
// file is left truncated: each is the old whole file, or none.
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa; `make procs` runs it")
	}
	if os.Geteuid() != 0 {
		t.Skipf("needs root to mount a small tmpfs (running as uid %d)", os.Geteuid())
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", mnt).CombinedOutput(); err != nil {
			t.Logf("umount %s: %v %s", mnt, err, out)
		}
	})
	bin, root := dvcqaBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	runs := filepath.Join(mnt, "runs")
	dvcqa := func(args ...string) (int, string) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), vocab.EnvTarget+"=", "TMPDIR="+t.TempDir())
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, out.String()
		case errors.As(err, &exit):
			return exit.ExitCode(), out.String()
		}
		t.Fatalf("dvcqa %v: %v", args, err)
		return -1, ""
	}
	// A run folder as a run leaves it (a few specs, no suites started: the
	// report builder does the writing), its reports built on the tmpfs.
	writeRunFolder(t, filepath.Join(runs, "first"))
	if code, out := dvcqa("report", "--runs", runs, "first"); code != 1 {
		t.Fatalf("building the reports on the tmpfs exited %d, want 1 (gate not passed):\n%s", code, out)
	}
	before := snapshot(t, runs)
	if _, ok := before[filepath.Join("first", reports.JUnitFile)]; !ok {
		t.Fatalf("no junit.xml written: %v", keys(before))
	}

	// Leave 16 KiB: small files fit, the summary and the page do not (their
	// writes start, then fail half-way).
	const slack = 16 << 10
	for _, f := range []string{reports.SummaryFile, "index.html"} {
		if n := len(before[filepath.Join("first", f)]); n <= slack {
			t.Fatalf("%s is %d bytes: it would fit in the %d bytes left", f, n, slack)
		}
	}
	filler := fill(t, mnt, slack)
	code, out := dvcqa("report", "--runs", runs, "first")
	if code != 2 || !strings.Contains(out, "is full (no space left on device)") {
		t.Errorf("rebuilding the reports on a full disk exited %d, want 2 saying the disk is full:\n%s", code, out)
	}
	t.Logf("report on a full disk: exit %d: %s", code, lastLine(out))
	after := snapshot(t, runs)
	if after[filepath.Join("first", reports.JUnitFile)] != before[filepath.Join("first", reports.JUnitFile)] {
		t.Error("junit.xml changed: rebuilt from the same files it is the same, or it is the old one")
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("%s disappeared", name)
		}
	}
	checkWhole(t, runs)

	// No space at all: a new run is refused and leaves no run folder.
	fill(t, mnt, 0)
	code, out = dvcqa("run", "--runs", runs, "--run-id", "second", "--label-filter", "layer:api && service:DV09")
	if code != 2 || !strings.Contains(out, "is full (no space left on device)") {
		t.Errorf("a run on a full disk exited %d, want 2 saying the disk is full:\n%s", code, out)
	}
	t.Logf("run on a full disk: exit %d: %s", code, lastLine(out))
	if _, err := os.Stat(filepath.Join(runs, "second", reports.JUnitFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a run on a full disk left junit.xml (%v)", err)
	}
	checkWhole(t, runs)
	_ = os.Remove(filler)
}

// fill writes a file in dir until the disk is full, then gives back leave
// bytes.
func fill(t *testing.T, dir string, leave int64) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "filler-")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	var n int64
	for {
		w, err := f.Write(chunk)
		n += int64(w)
		if err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	if err := f.Truncate(max(n-leave, 0)); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// snapshot is every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkWhole: no temporary file or folder is left, and every report file
// there is whole (JSON and XML parse, pages end).
func checkWhole(t *testing.T, dir string) {
	t.Helper()
	for name, data := range snapshot(t, dir) {
		base := filepath.Base(name)
		if strings.HasPrefix(base, ".") || strings.HasPrefix(strings.Split(name, string(filepath.Separator))[0], ".") {
			t.Errorf("temporary file left: %s", name)
			continue
		}
		switch {
		case strings.HasSuffix(base, ".json"):
			if !json.Valid([]byte(data)) {
				t.Errorf("%s is not whole JSON (%d bytes)", name, len(data))
			}
		case strings.HasSuffix(base, ".xml"):
			dec := xml.NewDecoder(strings.NewReader(data))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Errorf("%s is not whole XML: %v", name, err)
					break
				}
			}
		case base == "index.html":
			if !strings.HasSuffix(strings.TrimSpace(data), "</html>") {
				t.Errorf("%s is cut (%d bytes)", name, len(data))
			}
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// writeRunFolder writes run.json and a ginkgo.json of a few specs of DV09.
func writeRunFolder(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	rep := types.Report{SuiteDescription: "dvcqa", SuitePath: "/checkout/suites", SuiteSucceeded: true,
		StartTime: t0, EndTime: t0.Add(time.Minute), RunTime: time.Minute}
	for i, name := range []string{"API end-to-end", "negative: unauthenticated", "negative: wrong fee"} {
		rep.SpecReports = append(rep.SpecReports, types.SpecReport{
			ContainerHierarchyTexts: []string{"services", "DV09"}, LeafNodeText: name, LeafNodeType: types.NodeTypeIt,
			LeafNodeLabels: []string{"service:DV09", "layer:api"}, State: types.SpecStatePassed,
			StartTime: t0.Add(time.Duration(i) * time.Second), EndTime: t0.Add(time.Duration(i+1) * time.Second),
			RunTime: time.Second, ParallelProcess: 1, NumAttempts: 1})
	}
	ginkgo, err := json.Marshal([]types.Report{rep})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := json.Marshal(runRecord{Meta: reports.Meta{RunID: "first", StartedAt: t0, FinishedAt: t0.Add(time.Minute),
		Target: reports.TargetInfo{Name: "mock", Kind: "mock", Province: "01", Seed: 20250701}}, Province: "01"})
	if err != nil {
		t.Fatal(err)
	}
	// summary.json marks the folder as a run's; `dvcqa report` rewrites it.
	for name, data := range map[string][]byte{reports.GinkgoFile: ginkgo, runFile: rec, reports.SummaryFile: []byte("{}\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
