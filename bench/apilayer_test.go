package bench

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkAPILayer times the API layer as a user runs it, around the
// process: `dvcqa run --label-filter layer:api` against the embedded mock
// world, for the default province and for all 34 (`--provinces all`, 850
// end-to-end flows and their negative specs; aim ≤ 60 s wall). A dvcqa
// without --provinces gets a line saying so instead of the second figure.
func BenchmarkAPILayer(b *testing.B) {
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	scratch := b.TempDir()
	dvcqa := dvcqaBinary(b, root, scratch)
	runs := filepath.Join(scratch, "runs")
	// Untimed: the first run may build the suites into dvcqa's cache.
	if _, _, err := apiRun(b.Context(), dvcqa, root, runs); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		took, summary, err := apiRun(b.Context(), dvcqa, root, runs)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(took.Seconds(), "s/api-layer-1-province")
		figure("API layer, 1 province", "%.1f s wall (%s)", took.Seconds(), summary)
	}
	if !hasFlag(dvcqa, "provinces") {
		figure("API layer 34 provinces", "not measured: this dvcqa has no --provinces")
		return
	}
	took, summary, err := apiRun(b.Context(), dvcqa, root, runs, "--provinces", "all")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(took.Seconds(), "s/api-layer-34-provinces")
	figure("API layer 34 provinces", "%.1f s wall (aim ≤ 60 s) (%s)", took.Seconds(), summary)
}

// apiRun runs the API layer once and returns its wall time and dvcqa's
// specs line. A filtered run is partial: exit 1 with every spec passed is
// a good run; the summary is printed beside the figure either way.
func apiRun(ctx context.Context, dvcqa, root, runs string, extra ...string) (time.Duration, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	args := append([]string{"run", "--label-filter", "layer:api", "--runs", runs}, extra...)
	cmd := exec.CommandContext(ctx, dvcqa, args...)
	cmd.Dir = root
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return 0, "", errors.New("dvcqa " + strings.Join(args, " ") + ": " + err.Error() + "\n" + tail(string(out), 40))
	}
	m := specsLine.FindString(string(out))
	if m == "" {
		return 0, "", errors.New("dvcqa " + strings.Join(args, " ") + ": no specs line\n" + tail(string(out), 40))
	}
	return took, m, nil
}

// hasFlag reports whether `dvcqa run` knows --name (its usage lists it).
func hasFlag(dvcqa, name string) bool {
	out, _ := exec.Command(dvcqa, "run", "-h").CombinedOutput()
	return strings.Contains(string(out), "-"+name)
}
