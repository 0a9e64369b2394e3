package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/internal/redact"
)

// File names inside a run folder.
const (
	SummaryFile = "summary.json"
	GinkgoFile  = "ginkgo.json"
	JUnitFile   = "junit.xml"
	LatestDir   = "latest"
)

// WriteSummary writes summary.json into dir.
func WriteSummary(dir string, s *Summary) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	return WriteBytesAtomic(filepath.Join(dir, SummaryFile), append(data, '\n'), 0o644)
}

// MaskJSONFile rewrites a JSON file with every string value masked. Only
// strings are touched, so numbers (durations in nanoseconds can have twelve
// digits) keep their meaning.
func MaskJSONFile(path string, m *redact.Masker) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("mask %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("mask %s: %w", path, err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(maskValue(v, m)); err != nil {
		return fmt.Errorf("mask %s: %w", path, err)
	}
	return WriteBytesAtomic(path, buf.Bytes(), 0o644)
}

// ginkgoTime: a value under a key ending in Time that is exactly an
// RFC 3339 instant, as Ginkgo writes its clock.
func ginkgoTime(key string, v any) bool {
	s, ok := v.(string)
	if !ok || !strings.HasSuffix(key, "Time") {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func maskValue(v any, m *redact.Masker) any {
	switch x := v.(type) {
	case string:
		return m.Text(x)
	case []any:
		for i := range x {
			x[i] = maskValue(x[i], m)
		}
	case map[string]any:
		for k, e := range x {
			if ginkgoTime(k, e) {
				continue // Ginkgo's own clock (StartTime, EndTime, Time): thousands, none personal
			}
			x[k] = maskValue(e, m)
		}
	}
	return v
}

// MaskTextFile rewrites a text file (junit.xml) masked. JUnit's numbers are
// short decimals, which the ID pattern never matches.
func MaskTextFile(path string, m *redact.Masker) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("mask %s: %w", path, err)
	}
	return WriteBytesAtomic(path, []byte(m.Text(string(data))), 0o644)
}

// CopyLatest makes root/latest a copy of the run folder (a copy, not a
// symlink, so it survives archiving by CI systems). The copy is made in a
// folder of its own unique name (.latest-<random>), then swapped with the
// old latest in one step, so latest is always a whole run and two runs
// finishing at once never share a temporary folder.
func CopyLatest(root, runDir string) (err error) {
	latest := filepath.Join(root, LatestDir)
	tmp, err := os.MkdirTemp(root, "."+LatestDir+"-*")
	if err != nil {
		return fmt.Errorf("latest: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(tmp); rerr != nil && err == nil {
			err = fmt.Errorf("latest: remove the old copy: %w", rerr)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("latest: %w", err)
	}
	err = filepath.WalkDir(runDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(runDir, path)
		if err != nil || rel == "." {
			return err
		}
		if d.IsDir() {
			return os.Mkdir(filepath.Join(tmp, rel), 0o755)
		}
		return copyFile(path, filepath.Join(tmp, rel))
	})
	if err != nil {
		return fmt.Errorf("latest: %w", err)
	}
	// First latest: a plain rename. Else (or when another run made one in
	// between) an exchange; the old copy, now at tmp, is removed.
	if err := os.Rename(tmp, latest); err == nil {
		return nil
	}
	if err := exchange(tmp, latest); err != nil {
		return fmt.Errorf("latest: replace %s: %w", latest, err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// MaskEvidence masks the text evidence files (page HTML, console logs) of a
// run folder; screenshots were masked in the page before capture. Pages
// are masked as HTML: form controls by the field they are named after.
func MaskEvidence(runDir string, m *redact.Masker) error {
	return filepath.WalkDir(filepath.Join(runDir, "evidence"), func(path string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasSuffix(path, ".html"):
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("mask %s: %w", path, err)
			}
			return WriteBytesAtomic(path, []byte(m.Body("text/html", data)), 0o644)
		case strings.HasSuffix(path, ".txt"):
			return MaskTextFile(path, m)
		}
		return nil
	})
}
