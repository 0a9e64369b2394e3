package runconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/vocab"
)

func TestWriteThenFromEnv(t *testing.T) {
	dir := t.TempDir()
	want := Config{RunID: "r1", Target: "/x/t.yaml", Defects: []string{"fee-wrong-amount@DV01"}, RunDir: dir,
		LabelFilter: "layer:api", BrowserURL: "http://127.0.0.1:9222"}
	entry, err := Write(dir, want)
	if err != nil {
		t.Fatal(err)
	}
	name, path, ok := strings.Cut(entry, "=")
	if !ok || name != vocab.EnvRunConfig || path != filepath.Join(dir, FileName) {
		t.Fatalf("env entry %q", entry)
	}
	t.Setenv(vocab.EnvRunConfig, path)
	got, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
}

func TestNoConfigIsTheEmbeddedDefault(t *testing.T) {
	t.Setenv(vocab.EnvRunConfig, "")
	got, err := FromEnv()
	if err != nil || !reflect.DeepEqual(got, Config{}) {
		t.Errorf("unset: %+v, %v; want the zero Config", got, err)
	}
}

func TestReadRefusesUnknownFieldsAndMissingFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(`{"target": "", "defect": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "defect") {
		t.Errorf("unknown field: %v", err)
	}
	if _, err := Read(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Error("missing file read without error")
	}
}

func TestSplitList(t *testing.T) {
	if got := SplitList(" a@DV01, ,b "); !reflect.DeepEqual(got, []string{"a@DV01", "b"}) {
		t.Errorf("SplitList: %q", got)
	}
	if got := SplitList(""); got != nil {
		t.Errorf("SplitList(\"\"): %q", got)
	}
}
