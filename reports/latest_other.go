//go:build !linux

package reports

import (
	"os"
	"path/filepath"
)

// exchange swaps a and b with two renames (no atomic exchange here): b is
// missing for the moment between them.
func exchange(a, b string) error {
	old, err := os.MkdirTemp(filepath.Dir(b), ".latest-old-*")
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil {
		return err
	}
	if err := os.Rename(b, old); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		_ = os.Rename(old, b)
		return err
	}
	return os.Rename(old, a)
}
