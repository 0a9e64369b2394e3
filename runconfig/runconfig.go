// Package runconfig is the configuration of one run of the suites: which
// target, which seeded defects, where the run folder is. Whoever starts the
// suites (`dvcqa run`, the self-tests, the benchmarks) writes it as one JSON
// file into the run folder and names that file in one environment variable,
// vocab.EnvRunConfig; every Ginkgo process of the run reads the same file,
// once (framework.LoadConfig). Without the variable the suites run with the
// zero Config: the embedded mock world, no extra defects, evidence in a
// temporary folder — what `go test ./suites` gives.
package runconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dvcqa/dvcqa/internal/atomicfile"
	"github.com/dvcqa/dvcqa/vocab"
)

// FileName is the configuration's name inside the run folder.
const FileName = "run-config.json"

// Config is what the suites are told about their run.
type Config struct {
	// RunID names the run (informational: the report builder has its own).
	RunID string `json:"run_id,omitempty"`
	// Target is the absolute path of the target profile; "" means the
	// embedded mock world (fixtures/targets/mock.yaml).
	Target string `json:"target,omitempty"`
	// Defects are seeded defects switched on in the embedded world on top of
	// the target's own defects: list, e.g. "status-stuck:processing@DV09".
	Defects []string `json:"defects,omitempty"`
	// RunDir is the run folder: evidence goes under <RunDir>/evidence. ""
	// means a temporary folder.
	RunDir string `json:"run_dir,omitempty"`
	// LabelFilter is the Ginkgo label filter of the run, as given to Ginkgo
	// (informational: Ginkgo itself applies it).
	LabelFilter string `json:"label_filter,omitempty"`
	// BrowserURL is a list of remote browsers' DevTools endpoints, comma-
	// or space-separated (http://host:port, ws://…; docs/browser.md); it
	// overrides the target's browser.remote_url. "" means the target's,
	// else a local Chromium. `dvcqa run` fills it in from
	// vocab.EnvBrowserURL.
	BrowserURL string `json:"browser_url,omitempty"`
	// Provinces are the province codes of a run over several provinces
	// (`dvcqa run --provinces`): every spec is declared once per province,
	// each against its own portal. Empty: the target's own province.
	Provinces []string `json:"provinces,omitempty"`
}

// SplitList splits a comma-separated list (a --defect flag), dropping empty
// items.
func SplitList(csv string) []string {
	var out []string
	for _, s := range strings.Split(csv, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Write writes c as dir/FileName and returns the environment entry that
// points the suites at it ("DVCQA_RUN_CONFIG=/abs/dir/run-config.json"),
// to append to the suites' environment.
func Write(dir string, c Config) (envEntry string, err error) {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	path, err := filepath.Abs(filepath.Join(dir, FileName))
	if err != nil {
		return "", err
	}
	if err := atomicfile.WriteBytes(path, append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("run configuration: %w", err)
	}
	return vocab.EnvRunConfig + "=" + path, nil
}

// Read reads a configuration file. Unknown fields are an error, so a
// configuration written by another version of dvcqa is not half read.
func Read(path string) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("run configuration: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("run configuration %s: %w", path, err)
	}
	return c, nil
}

// FromEnv reads the configuration named by vocab.EnvRunConfig; unset or
// empty, it is the zero Config (the embedded mock world).
func FromEnv() (Config, error) {
	path := os.Getenv(vocab.EnvRunConfig)
	if path == "" {
		return Config{}, nil
	}
	return Read(path)
}
