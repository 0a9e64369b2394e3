package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStagingTemplateRunLine: the run line the staging template tells QA to
// type is one `dvcqa run` accepts: every flag is parsed by the run
// command's own flag set (nothing runs). A template that named another
// command's flags (go tool ginkgo … -- -target=) failed with "flag provided
// but not defined".
func TestStagingTemplateRunLine(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "fixtures", "targets", "staging.example.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if c, ok := strings.CutPrefix(strings.TrimSpace(l), "#"); ok && strings.Contains(c, "run:") {
			_, cmd, _ := strings.Cut(c, "run:")
			lines = append(lines, strings.TrimSpace(cmd))
		}
	}
	if len(lines) != 1 {
		t.Fatalf("%s: want exactly one `run:` line in its comments, got %q", path, lines)
	}
	words := strings.Fields(lines[0])
	i := -1
	for j := 0; j+1 < len(words); j++ {
		if (words[j] == "dvcqa" || strings.HasSuffix(words[j], "/cmd/dvcqa")) && words[j+1] == "run" {
			i = j + 2
			break
		}
	}
	if i < 0 {
		t.Fatalf("run line %q is not a `dvcqa run` command", lines[0])
	}
	if words[0] != "dvcqa" && !(len(words) > 2 && words[0] == "go" && words[1] == "run") {
		t.Errorf("run line %q: want dvcqa run … or go run ./cmd/dvcqa run …", lines[0])
	}
	o, err := parseRunArgs(words[i:], func(string) string { return "" })
	if err != nil {
		t.Fatalf("run line %q: dvcqa run refuses its flags: %v", lines[0], err)
	}
	if o.target != "path/to/copy.yaml" {
		t.Errorf("run line %q: --target = %q, want the copy of the template", lines[0], o.target)
	}
}
