package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// EnvCacheDir overrides where compiled suites are kept.
const EnvCacheDir = "DVCQA_CACHE_DIR"

// suiteCacheKeep is how many compiled suites the cache keeps (about 60 MB
// each): the current tree and a couple of branches switched between.
const suiteCacheKeep = 3

// suiteCacheDir is $DVCQA_CACHE_DIR, else the user's cache folder, else
// the checkout's runs/.cache (git-ignored).
func suiteCacheDir(root string) string {
	if d := os.Getenv(EnvCacheDir); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "dvcqa")
	}
	return filepath.Join(root, DefaultRunsDir, ".cache")
}

// suiteCache holds compiled suites binaries, one file per key.
type suiteCache struct {
	dir  string
	keep int
}

func (c suiteCache) path(key string) string {
	return filepath.Join(c.dir, "suites-"+key+".test")
}

// ensureSuites puts the suites binary for the tree at bin: the cached one
// when the key matches, else one build calls for (then cached). It
// returns the console line that says which. A cache that cannot be used
// is never a reason to fail the run: the suites are built instead.
func ensureSuites(root, pkg, bin string, env []string, c suiteCache, build func(out string) error) (string, error) {
	key, reason, err := suitesKey(root, pkg, env)
	if err != nil {
		reason = err.Error()
	}
	if key == "" {
		if err := build(bin); err != nil {
			return "", err
		}
		return "suites: built (no cache: " + reason + ")", nil
	}
	short := key[:12] + "…"
	if c.fetch(key, bin) == nil {
		return "suites: reused (cache key " + short + ")", nil
	}
	if err := build(bin); err != nil {
		return "", err
	}
	// A file edited during the build may or may not be in the binary:
	// cache it only if the tree still has the key it had before.
	if after, _, err := suitesKey(root, pkg, env); err != nil || after != key {
		return "suites: built (not cached: the checkout changed during the build)", nil
	}
	if err := c.store(key, bin); err != nil {
		return "suites: built (not cached: " + err.Error() + ")", nil
	}
	c.prune(key)
	return "suites: built (cached, key " + short + ")", nil
}

// fetch links (or, across file systems, copies) the cached binary to bin
// and marks it as used, for prune.
func (c suiteCache) fetch(key, bin string) error {
	src := c.path(key)
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o100 == 0 {
		return fmt.Errorf("%s: not an executable file", src)
	}
	if err := linkOrCopy(src, bin); err != nil {
		return err
	}
	now := time.Now()
	_ = os.Chtimes(src, now, now)
	return nil
}

// store puts the built binary into the cache under key: linked or copied
// to a temporary name, then renamed, so that a run started meanwhile
// finds a whole binary or none. Two runs storing one key both succeed;
// the last rename wins, with the same content.
func (c suiteCache) store(key, bin string) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("suites cache: %w", err)
	}
	tmp, err := os.CreateTemp(c.dir, ".suites-"+key[:12]+"-*.tmp")
	if err != nil {
		return fmt.Errorf("suites cache: %w", err)
	}
	name := tmp.Name()
	_ = tmp.Close()
	_ = os.Remove(name) // linkOrCopy makes it anew
	if err := linkOrCopy(bin, name); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("suites cache: %w", err)
	}
	if err := os.Rename(name, c.path(key)); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("suites cache: %w", err)
	}
	return nil
}

// prune keeps the c.keep most recently used binaries (current among them)
// and removes temporary files that a killed run left an hour ago or more.
func (c suiteCache) prune(current string) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type bin struct {
		name string
		used time.Time
	}
	var bins []bin
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			continue
		}
		switch name := e.Name(); {
		case strings.HasPrefix(name, ".suites-") && strings.HasSuffix(name, ".tmp"):
			if time.Since(fi.ModTime()) > time.Hour {
				_ = os.Remove(filepath.Join(c.dir, name))
			}
		case strings.HasPrefix(name, "suites-") && strings.HasSuffix(name, ".test") && name != filepath.Base(c.path(current)):
			bins = append(bins, bin{name, fi.ModTime()})
		}
	}
	sort.Slice(bins, func(i, j int) bool { return bins[i].used.After(bins[j].used) })
	for i, b := range bins {
		if i >= c.keep-1 { // the current one counts
			_ = os.Remove(filepath.Join(c.dir, b.name))
		}
	}
}

// linkOrCopy makes dst (which must not exist) the content of src: a hard
// link when both are on one file system, else an executable copy.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		_ = os.Remove(dst)
		return err
	}
	if err := out.Close(); err != nil {
		_ = os.Remove(dst)
		return err
	}
	return nil
}
