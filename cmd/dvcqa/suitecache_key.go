package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// suiteBuildEnv names the go env values that change what `go test -c`
// produces. GOVERSION follows GOTOOLCHAIN, so a switched toolchain is a
// new key too.
var suiteBuildEnv = []string{
	"GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT",
	"GOAMD64", "GOARM", "GOARM64", "GO386", "GOWORK",
	"CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS",
}

// suiteSkipDirs are module folders that never hold build inputs: run
// output, built binaries, the accessibility tool's npm packages, git.
var suiteSkipDirs = map[string]bool{
	"runs": true, "bin": true, ".git": true, filepath.Join("tools", "a11y", "node_modules"): true,
}

// suitesKey is the cache key of the suites binary built from pkg in the
// module at root with env. It hashes every file of the module (but the
// folders above and built binaries), not only the suites' dependencies:
// a superset costs a needless rebuild after, say, a README edit, while a
// missed input (an embedded template of any extension) would reuse a
// stale binary. Modules outside come in through go.mod and go.sum, whose
// versions are immutable. A local replace or a go.work brings in source
// the walk does not see: then reason says why there is no key.
func suitesKey(root, pkg string, env []string) (key, reason string, err error) {
	h := sha256.New()
	// The root too: the binary carries its source paths (Ginkgo's code
	// locations, runtime.Caller), so another checkout's is not this one's.
	fmt.Fprintf(h, "dvcqa suites cache v1\nroot %s\npkg %s\n", root, pkg)
	goenv, err := goEnv(root, env, suiteBuildEnv)
	if err != nil {
		return "", "", err
	}
	for i, name := range suiteBuildEnv {
		fmt.Fprintf(h, "env %s=%s\n", name, goenv[i])
	}
	if w := goenv[slices.Index(suiteBuildEnv, "GOWORK")]; w != "" && w != "off" {
		return "", "a go.work is in use (" + w + ")", nil
	}
	if local, err := localReplace(filepath.Join(root, "go.mod")); err != nil {
		return "", "", err
	} else if local != "" {
		return "", "go.mod replaces a module with the local folder " + local, nil
	}
	if err := hashTree(h, root); err != nil {
		return "", "", err
	}
	return hex.EncodeToString(h.Sum(nil)), "", nil
}

// goEnv asks the go command run by the build (same folder, same
// environment) for the named values, one a line.
func goEnv(root string, env, names []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{"env"}, names...)...)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(names) {
		return nil, fmt.Errorf("go env: %d values for %d names", len(lines), len(names))
	}
	return lines, nil
}

// localReplace returns the first local folder a replace directive of
// go.mod points at, or "".
func localReplace(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", fmt.Errorf("suites cache key: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		_, rhs, ok := strings.Cut(sc.Text(), "=>")
		if !ok {
			continue
		}
		fields := strings.Fields(rhs)
		if len(fields) == 0 {
			continue
		}
		if p := fields[0]; p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p) {
			return p, nil
		}
	}
	return "", sc.Err()
}

// hashTree writes every file under root (path, kind and content, in
// path order) into h, but the skipped folders and built binaries.
func hashTree(h io.Writer, root string) error {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if suiteSkipDirs[rel] {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == "dvcqa" || strings.HasSuffix(rel, ".test") || strings.HasSuffix(rel, ".out") {
			return nil // built binaries and profiles, git-ignored
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return fmt.Errorf("suites cache key: %w", err)
	}
	sort.Strings(files)
	buf := make([]byte, 64<<10)
	for _, rel := range files {
		if err := hashFile(h, root, rel, buf); err != nil {
			return fmt.Errorf("suites cache key: %w", err)
		}
	}
	return nil
}

func hashFile(h io.Writer, root, rel string, buf []byte) error {
	p := filepath.Join(root, rel)
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "link %q %q\n", filepath.ToSlash(rel), target)
		return nil
	case !fi.Mode().IsRegular():
		return nil // sockets, pipes: never build inputs
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(h, "file %q %d\n", filepath.ToSlash(rel), fi.Size())
	// One buffer for every file (io.Copy would take a new one each).
	n, err := io.CopyBuffer(h, onlyReader{f}, buf)
	if err != nil {
		return err
	}
	if n != fi.Size() {
		return fmt.Errorf("%s changed while it was read", rel)
	}
	return nil
}

// onlyReader hides the file's WriteTo, so that io.CopyBuffer uses buf.
type onlyReader struct{ io.Reader }
