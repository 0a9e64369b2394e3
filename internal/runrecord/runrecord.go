// Package runrecord keeps the record of what a run created on its target:
// the dossiers its specs submitted, so that `dvcqa cleanup <run-id>` can
// withdraw them from a shared staging portal afterwards. Each Ginkgo
// process writes its own part (dossiers.<n>.json) as soon as a dossier is
// created, so a run that dies still leaves its record; `dvcqa run` merges
// the parts into dossiers.json at the end. Every file is written whole
// through internal/atomicfile. No personal data: the citizen is named by
// the index of the test account (the target's accounts:, or the mock
// world's applicants).
package runrecord

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/dvcqa/dvcqa/internal/atomicfile"
)

// Marker is the note every dossier of the run carries ("dvcqa test run
// <run id>"): it tells test dossiers from real ones on a shared portal, and
// cleanup withdraws no dossier whose note says otherwise.
func Marker(runID string) string { return MarkerPrefix + runID }

// MarkerPrefix begins every run marker.
const MarkerPrefix = "dvcqa test run "

// File is the run's record, dossiers.json in the run folder.
const File = "dossiers.json"

// Dossier is one dossier a spec created.
type Dossier struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	ServiceID string    `json:"service_id"`
	Account   int       `json:"account"` // index of the test account that owns it; -1 when none of them does
	CreatedAt time.Time `json:"created_at"`
}

// Record is the content of dossiers.json (and of each part).
type Record struct {
	RunID    string    `json:"run_id"`
	Dossiers []Dossier `json:"dossiers"`
}

// partName is process n's part.
func partName(n int) string { return "dossiers." + strconv.Itoa(n) + ".json" }

// WritePart writes process n's part whole (the process's dossiers so far).
func WritePart(runDir string, n int, r Record) error {
	return write(filepath.Join(runDir, partName(n)), r)
}

func write(path string, r Record) error {
	if r.Dossiers == nil {
		r.Dossiers = []Dossier{}
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("run record: %w", err)
	}
	if err := atomicfile.WriteBytes(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("run record %s: %w", path, err)
	}
	return nil
}

// Read reads the run's record: dossiers.json and any part not merged yet,
// each dossier once, in the order created. A run without any is an empty
// record (it created nothing, or ran before records were kept).
func Read(runDir string) (Record, error) {
	var out Record
	paths := []string{filepath.Join(runDir, File)}
	parts, err := filepath.Glob(filepath.Join(runDir, "dossiers.*.json"))
	if err != nil {
		return out, err
	}
	sort.Strings(parts)
	paths = append(paths, parts...)
	seen := map[string]bool{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("run record: %w", err)
		}
		var r Record
		if err := json.Unmarshal(data, &r); err != nil {
			return out, fmt.Errorf("run record %s: %w", p, err)
		}
		if out.RunID == "" {
			out.RunID = r.RunID
		}
		for _, d := range r.Dossiers {
			if !seen[d.ID] {
				seen[d.ID] = true
				out.Dossiers = append(out.Dossiers, d)
			}
		}
	}
	slices.SortStableFunc(out.Dossiers, func(a, b Dossier) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// Merge writes dossiers.json from the parts (and an earlier dossiers.json),
// then removes the parts; the run ID is runID when the parts name none.
func Merge(runDir, runID string) (Record, error) {
	r, err := Read(runDir)
	if err != nil {
		return r, err
	}
	if r.RunID == "" {
		r.RunID = runID
	}
	if err := write(filepath.Join(runDir, File), r); err != nil {
		return r, err
	}
	parts, _ := filepath.Glob(filepath.Join(runDir, "dossiers.*.json"))
	for _, p := range parts {
		_ = os.Remove(p)
	}
	return r, nil
}
