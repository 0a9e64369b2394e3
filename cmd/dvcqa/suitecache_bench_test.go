package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkSuitesReuse measures what a warm `dvcqa run` spends before the
// Ginkgo CLI starts, on this checkout's suites: "build" is `go test -c`
// with a warm Go build cache (what every run paid before the suites
// cache), "reuse" is the cache hit (key over the tree, then a link into
// the scratch folder), "key" the key alone.
func BenchmarkSuitesReuse(b *testing.B) {
	root, err := moduleRoot()
	if err != nil {
		b.Fatal(err)
	}
	env := os.Environ()
	build := func(out string) error {
		cmd := exec.Command("go", "test", "-c", "-o", out, "./suites")
		cmd.Dir, cmd.Env = root, env
		if o, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go test -c ./suites: %v\n%s", err, o)
		}
		return nil
	}
	scratch := b.TempDir()
	// Warm Go's build cache and the suites cache once, untimed.
	c := suiteCache{dir: b.TempDir(), keep: suiteCacheKeep}
	if _, err := ensureSuites(root, "./suites", filepath.Join(scratch, "warm.test"), env, c, build); err != nil {
		b.Fatal(err)
	}
	b.Run("build", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if err := build(filepath.Join(scratch, "build-"+strconv.Itoa(i)+".test")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reuse", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			line, err := ensureSuites(root, "./suites", filepath.Join(scratch, "reuse-"+strconv.Itoa(i)+".test"), env, c, build)
			if err != nil {
				b.Fatal(err)
			}
			if !strings.HasPrefix(line, "suites: reused") {
				b.Fatalf("warm cache not used: %s", line)
			}
		}
	})
	b.Run("key", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := suitesKey(root, "./suites", env); err != nil {
				b.Fatal(err)
			}
		}
	})
}
