package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// TestParseRunArgs: every flag value of `dvcqa run` is checked before
// anything runs; unknown flags, flags after an argument and trailing
// arguments are refused, and --run-id stays one folder inside --runs.
func TestParseRunArgs(t *testing.T) {
	env := func(string) string { return "" }
	o, err := parseRunArgs(nil, env)
	if err != nil || o.procs != 2 || o.lang != "vi" || o.timeout != 20*time.Minute || o.runsDir != "runs" || o.suites != "./suites" {
		t.Fatalf("defaults: %+v, %v", o, err)
	}
	good := [][]string{
		{"--procs", "1", "--lang", "en", "--timeout", "90s", "--flake-attempts", "0"},
		{"--run-id", "20261201-120000-ab12", "--label-filter", "layer:api && service:DV09"},
		{"--run-id", "nightly.v2_x-1", "--flake-attempts=3", "--runs", "/tmp/r"},
	}
	for _, args := range good {
		if _, err := parseRunArgs(args, env); err != nil {
			t.Errorf("%q refused: %v", args, err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--procs", "-1"}, "--procs -1"},
		{[]string{"--procs", "0"}, "--procs 0"},
		{[]string{"--procs", "1000"}, "--procs 1000"},
		{[]string{"--procs", "two"}, "invalid value"},
		{[]string{"--lang", "fr"}, `--lang "fr"`},
		{[]string{"--timeout", "soon"}, "invalid value"},
		{[]string{"--timeout", "-5m"}, "--timeout -5m0s"},
		{[]string{"--timeout", "0s"}, "--timeout 0s"},
		{[]string{"--flake-attempts", "-2"}, "--flake-attempts -2"},
		{[]string{"--no-such-flag"}, "flag provided but not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--procs", "1", "layer:api"}, `unexpected argument "layer:api"`},
		{[]string{"./suites", "--procs", "-1"}, `unexpected argument "./suites"`},
		{[]string{"--label-filter", "layer:api &&"}, "--label-filter"},
		{[]string{"--label-filter", "(layer:api"}, "--label-filter"},
		{[]string{"--runs", ""}, "--runs"},
		{[]string{"--suites", " "}, "--suites"},
		{[]string{"--run-id", "../x"}, "--run-id"},
		{[]string{"--run-id", ".."}, "--run-id"},
		{[]string{"--run-id", "/tmp/x"}, "--run-id"},
		{[]string{"--run-id", "a/b"}, "--run-id"},
		{[]string{"--run-id", `a\b`}, "--run-id"},
		{[]string{"--run-id", "latest"}, "reserved"},
		{[]string{"--run-id", "previous"}, "reserved"},
		{[]string{"--run-id", ".hidden"}, "--run-id"},
		{[]string{"--run-id", "a b"}, "--run-id"},
		{[]string{"--run-id", strings.Repeat("x", 101)}, "--run-id"},
	} {
		_, err := parseRunArgs(tc.args, env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one saying %q", tc.args, err, tc.want)
		}
	}
	// All problems at once.
	_, err = parseRunArgs([]string{"--procs", "-1", "--lang", "xx", "--run-id", "../x"}, env)
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("three bad values should give three lines: %v", err)
	}
	if _, err := parseRunArgs([]string{"-h"}, env); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	if o, _ := parseRunArgs(nil, func(k string) string { return "from-env.yaml" }); o.target != "from-env.yaml" {
		t.Errorf("--target default from the environment: %q", o.target)
	}
	// The exit code of the command itself.
	var buf bytes.Buffer
	stderr = &buf
	defer func() { stderr = os.Stderr }()
	if code := runCmd([]string{"--procs", "-3"}); code != 2 || !strings.Contains(buf.String(), "--procs -3") {
		t.Errorf("runCmd --procs -3 = %d, %q; want 2 and the reason", code, buf.String())
	}
}

// TestRunChecksInputsBeforeTheRunFolder: a real target whose secret
// variables are unset is refused naming each with its file:line, and a bad
// waivers file is refused; neither leaves a run folder behind.
func TestRunChecksInputsBeforeTheRunFolder(t *testing.T) {
	staging, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "targets", "staging.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tg, err := fixtures.LoadTarget(staging, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tg.SecretEnvs() {
		t.Setenv(e.Name, "") // unset for the run (empty counts as unset)
	}
	if len(tg.SecretEnvs()) < 5 {
		t.Fatalf("staging example names %d secret variables", len(tg.SecretEnvs()))
	}
	badWaivers := filepath.Join(t.TempDir(), "waivers.yaml")
	if err := os.WriteFile(badWaivers, []byte("waivers:\n  - service: DV99\n    reason: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The staging example with submitting allowed: its two accounts are far
	// too few, which is refused naming the role that runs short.
	submitting := filepath.Join(t.TempDir(), "submitting.yaml")
	data, err := os.ReadFile(staging)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(submitting, bytes.Replace(data, []byte("allow:\n  submit: false"), []byte("allow:\n  submit: true"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	withSecrets := func(t *testing.T) { // the subtest's: unset again after it
		for _, e := range tg.SecretEnvs() {
			t.Setenv(e.Name, "set-for-the-test")
		}
	}
	for _, tc := range []struct {
		name  string
		args  []string
		want  []string
		setup func(*testing.T)
	}{
		{"too few accounts", []string{"--target", submitting}, []string{"accounts: 2 test citizens, the specs need", "role end-to-end needs 25 accounts (numbers 1 to 25), 23 of them missing", "allow.submit: false"}, withSecrets},
		{"unset secrets", []string{"--target", staging}, secretLines(staging, tg), nil},
		{"bad waivers", []string{"--waivers", badWaivers}, []string{badWaivers + ":"}, nil},
		{"unknown defect", []string{"--defect", "no-such-defect@DV09"}, []string{"no-such-defect"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			runs := filepath.Join(t.TempDir(), "runs")
			var buf bytes.Buffer
			stderr = &buf
			defer func() { stderr = os.Stderr }()
			code := runCmd(append(tc.args, "--runs", runs))
			if code != 2 {
				t.Errorf("exit %d, want 2; said %q", code, buf.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("message lacks %q:\n%s", w, buf.String())
				}
			}
			if _, err := os.Stat(runs); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused run left %s behind (%v)", runs, err)
			}
		})
	}
}

func secretLines(file string, tg *fixtures.Target) []string {
	var out []string
	for _, e := range tg.SecretEnvs() {
		out = append(out, file+":"+strconv.Itoa(e.Line)+": "+e.Field+": environment variable "+e.Name+" is not set")
	}
	return out
}

// TestCommandsRefuseTrailingArguments: the other commands refuse what they
// do not take, with exit 2, before doing anything.
func TestCommandsRefuseTrailingArguments(t *testing.T) {
	var buf bytes.Buffer
	stderr = &buf
	defer func() { stderr = os.Stderr }()
	for _, tc := range []struct {
		name string
		cmd  func([]string) int
		args []string
		want string
	}{
		{"catalog", catalogCmd, []string{"--json", "extra"}, `unexpected argument "extra"`},
		{"defects", defectsCmd, []string{"x"}, `unexpected argument "x"`},
		{"mock serve", mockCmd, []string{"serve", "8080"}, `unexpected argument "8080"`},
		{"mock serve --day", mockCmd, []string{"serve", "--day", "-1s"}, "--day -1s"},
		{"merge --run-id", mergeCmd, []string{"--run-id", "../x", "a", "b"}, "--run-id"},
		{"merge --lang", mergeCmd, []string{"--lang", "fr", "a", "b"}, "--lang"},
		{"report --lang", reportCmd, []string{"--lang", "fr", "a"}, "--lang"},
	} {
		buf.Reset()
		if code := tc.cmd(tc.args); code != 2 || !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%s %q = %d, %q; want 2 saying %q", tc.name, tc.args, code, buf.String(), tc.want)
		}
	}
}
