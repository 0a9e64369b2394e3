package main

import (
	"flag"
	"io"
	"testing"
)

// --runs names the folder of run folders; --reports, its old name, still
// works; the default is runs/, outside every Go package.
func TestRunsFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{{nil, "runs"}, {[]string{"--runs", "a"}, "a"}, {[]string{"--reports", "b"}, "b"}} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var dir string
		runsFlag(fs, &dir)
		if err := fs.Parse(tc.args); err != nil || dir != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.args, dir, err, tc.want)
		}
	}
}
