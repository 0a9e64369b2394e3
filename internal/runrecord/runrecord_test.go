package runrecord

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPartsMergeOnce: each process's part, rewritten whole as it grows,
// merges into dossiers.json with every dossier once, in creation order;
// the parts go, and a part written after a merge is still read.
func TestPartsMergeOnce(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	a := Dossier{ID: "hs-a", Code: "A", ServiceID: "DV01", Account: 0, CreatedAt: t0.Add(2 * time.Second)}
	b := Dossier{ID: "hs-b", Code: "B", ServiceID: "DV02", Account: 3, CreatedAt: t0}
	c := Dossier{ID: "hs-c", Code: "C", ServiceID: "DV03", Account: -1, CreatedAt: t0.Add(time.Second)}
	if err := WritePart(dir, 1, Record{RunID: "r1", Dossiers: []Dossier{a}}); err != nil {
		t.Fatal(err)
	}
	if err := WritePart(dir, 2, Record{RunID: "r1", Dossiers: []Dossier{b, a}}); err != nil {
		t.Fatal(err)
	}
	r, err := Merge(dir, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if r.RunID != "r1" || len(r.Dossiers) != 2 || r.Dossiers[0].ID != "hs-b" || r.Dossiers[1].ID != "hs-a" {
		t.Fatalf("merged %+v", r)
	}
	if parts, _ := filepath.Glob(filepath.Join(dir, "dossiers.*.json")); len(parts) != 0 {
		t.Errorf("parts left after the merge: %v", parts)
	}
	if _, err := os.Stat(filepath.Join(dir, File)); err != nil {
		t.Fatal(err)
	}
	if err := WritePart(dir, 3, Record{RunID: "r1", Dossiers: []Dossier{c}}); err != nil {
		t.Fatal(err)
	}
	r, err = Read(dir)
	if err != nil || len(r.Dossiers) != 3 || r.Dossiers[1].ID != "hs-c" || r.Dossiers[1].Account != -1 {
		t.Fatalf("read after a late part: %+v, %v", r, err)
	}
	if r, err := Read(t.TempDir()); err != nil || len(r.Dossiers) != 0 {
		t.Errorf("a run without a record: %+v, %v", r, err)
	}
	if Marker("r1") != "dvcqa test run r1" {
		t.Errorf("marker %q", Marker("r1"))
	}
}
