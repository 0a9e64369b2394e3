package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The CI examples (examples/ci) are documentation that people copy: these
// tests keep them parsing, shaped as shards + merge, and every dvcqa command
// line in them accepted by dvcqa's own flag parsing.

const ciDir = "../../examples/ci"

// ciFiles are the examples and the dvcqa subcommands each must contain.
var ciFiles = map[string][]string{
	"github-actions.yml":         {"merge", "run", "trial"},
	"gitlab-ci.yml":              {"merge", "run", "trial"},
	"Jenkinsfile":                {"merge", "run", "trial"},
	"testkube/testworkflow.yaml": {"merge", "run"},
}

func readCI(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ciDir, name))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	return string(b)
}

func parseYAML(t *testing.T, name string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(readCI(t, name)), &doc); err != nil {
		t.Fatalf("%s: not YAML: %v", name, err)
	}
	return doc
}

// dig walks nested maps by key; nil when a key is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// yamlText is a value rendered back to text, for "mentions" checks.
func yamlText(t *testing.T, v any) string {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatalf("render YAML: %v", err)
	}
	return string(b)
}

func TestCIGitHubWorkflowShardsThenMerges(t *testing.T) {
	doc := parseYAML(t, "github-actions.yml")
	shards, _ := dig(doc, "jobs", "shard", "strategy", "matrix", "shard").([]any)
	if len(shards) < 2 {
		t.Errorf("jobs.shard.strategy.matrix.shard = %v, want a list of 2 or more shards", dig(doc, "jobs", "shard", "strategy", "matrix"))
	}
	shardSteps := yamlText(t, dig(doc, "jobs", "shard", "steps"))
	for _, want := range []string{"actions/checkout", "go-version-file: go.mod", "make deps", "dvcqa run --shard", "actions/upload-artifact"} {
		if !strings.Contains(shardSteps, want) {
			t.Errorf("jobs.shard.steps: no %q", want)
		}
	}
	if needs := dig(doc, "jobs", "merge", "needs"); needs != "shard" && !slices.Contains(asList(needs), "shard") {
		t.Errorf("jobs.merge.needs = %v, want shard", needs)
	}
	mergeSteps := yamlText(t, dig(doc, "jobs", "merge", "steps"))
	for _, want := range []string{"actions/download-artifact", "dvcqa merge --run-id merged", "actions/upload-artifact", "RC: ${{ steps.merge.outputs.rc }}", `exit "${RC:-2}"`} {
		if !strings.Contains(mergeSteps, want) {
			t.Errorf("jobs.merge.steps: no %q", want)
		}
	}
	// yaml.v3 reads the key "on" as the string "on" (YAML 1.2), not true.
	if dig(doc, "on", "schedule") == nil {
		t.Error("on.schedule: missing (the nightly trial follow)")
	}
	if s := yamlText(t, dig(doc, "jobs", "trial-follow")); !strings.Contains(s, "schedule") || !strings.Contains(s, "dvcqa trial follow") {
		t.Errorf("jobs.trial-follow: want a scheduled `dvcqa trial follow`, got:\n%s", s)
	}
}

func asList(v any) []string {
	var out []string
	for _, e := range asAnyList(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asAnyList(v any) []any { l, _ := v.([]any); return l }

func TestCIGitLabShardsThenMerges(t *testing.T) {
	doc := parseYAML(t, "gitlab-ci.yml")
	var shardJob string
	for name, job := range doc {
		if p := dig(job, "parallel"); p != nil {
			if n, ok := p.(int); (ok && n >= 2) || dig(p, "matrix") != nil {
				shardJob = name
			}
		}
	}
	if shardJob == "" {
		t.Fatal("no job with parallel: N (N ≥ 2) or parallel: matrix:")
	}
	if s := yamlText(t, doc[shardJob]); !strings.Contains(s, "dvcqa run --shard") || dig(doc, shardJob, "artifacts", "paths") == nil {
		t.Errorf("job %s: want `dvcqa run --shard` and artifacts: paths:, got:\n%s", shardJob, s)
	}
	merge := dig(doc, "merge")
	if !slices.Contains(asList(dig(merge, "needs")), shardJob) {
		t.Errorf("merge.needs = %v, want %s", dig(merge, "needs"), shardJob)
	}
	if s := yamlText(t, dig(merge, "script")); !strings.Contains(s, "dvcqa merge") {
		t.Errorf("merge.script: no `dvcqa merge`: %s", s)
	}
	if dig(merge, "artifacts", "reports", "junit") == nil {
		t.Error("merge.artifacts.reports.junit: missing")
	}
	stages := asList(doc["stages"])
	for _, job := range []string{shardJob, "merge"} {
		if st, _ := dig(doc, job, "stage").(string); !slices.Contains(stages, st) {
			t.Errorf("job %s: stage %q not in stages %v", job, st, stages)
		}
	}
}

func TestCITestkubeWorkflowShardsThenMerges(t *testing.T) {
	doc := parseYAML(t, "testkube/testworkflow.yaml")
	if doc["apiVersion"] != "testworkflows.testkube.io/v1" || doc["kind"] != "TestWorkflow" {
		t.Errorf("apiVersion %v, kind %v: want testworkflows.testkube.io/v1 TestWorkflow", doc["apiVersion"], doc["kind"])
	}
	steps := asAnyList(dig(doc, "spec", "steps"))
	parallelAt, mergeAt := -1, -1
	for i, st := range steps {
		if p := dig(st, "parallel"); p != nil {
			if n, _ := dig(p, "count").(int); n >= 2 && strings.Contains(yamlText(t, p), "dvcqa run --shard") && dig(p, "fetch") != nil {
				parallelAt = i
			}
		}
		if s, _ := dig(st, "shell").(string); strings.Contains(s, "dvcqa merge") {
			mergeAt = i
		}
	}
	if parallelAt < 0 || mergeAt < parallelAt {
		t.Errorf("spec.steps: want a parallel step (count ≥ 2, dvcqa run --shard, fetch) then a dvcqa merge step; got parallel at %d, merge at %d", parallelAt, mergeAt)
	}
	if !strings.Contains(yamlText(t, steps), "artifacts:") {
		t.Error("spec.steps: no artifacts:")
	}
}

func TestCIJenkinsfileShardsThenMerges(t *testing.T) {
	s := readCI(t, "Jenkinsfile")
	for _, want := range []string{"pipeline {", "parallel {", "stash name:", "unstash ", "stage('Merge')", "dvcqa merge", "junit testResults: 'runs/merged/junit.xml'"} {
		if !strings.Contains(s, want) {
			t.Errorf("Jenkinsfile: no %q", want)
		}
	}
	if strings.Count(s, "{") != strings.Count(s, "}") {
		t.Errorf("Jenkinsfile: %d '{' for %d '}'", strings.Count(s, "{"), strings.Count(s, "}"))
	}
}

// dockerPackages are the Debian package names the image may install:
// scripts/setup.sh's (read from it) and these, all in Debian bookworm.
var dockerPackages = []string{"nodejs", "npm", "ca-certificates", "make", "git"}

// The image cannot be built here (no container engine); it is linted.
func TestCIDockerfileLint(t *testing.T) {
	text := readCI(t, "Dockerfile")
	var instrs [][2]string // instruction, arguments
	for _, line := range joinContinued(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		instrs = append(instrs, [2]string{strings.ToUpper(word), strings.TrimSpace(rest)})
	}
	if len(instrs) == 0 || instrs[0][0] != "FROM" || !strings.Contains(instrs[0][1], "bookworm") {
		t.Fatalf("first instruction %v: want FROM a Debian bookworm image", instrs[:min(1, len(instrs))])
	}
	setup, err := os.ReadFile("../../scripts/setup.sh")
	if err != nil {
		t.Fatal(err)
	}
	allowed := slices.Clone(dockerPackages)
	for _, m := range regexp.MustCompile(`missing\+=\(([a-z0-9.+-]+)\)`).FindAllStringSubmatch(string(setup), -1) {
		allowed = append(allowed, m[1])
	}
	var installed, entry, cmd []string
	for _, in := range instrs {
		switch in[0] {
		case "RUN":
			for _, part := range regexp.MustCompile(`&&|;`).Split(in[1], -1) {
				fields := strings.Fields(part)
				if i := slices.Index(fields, "install"); i > 0 && strings.HasSuffix(fields[i-1], "apt-get") {
					for _, f := range fields[i+1:] {
						if !strings.HasPrefix(f, "-") {
							installed = append(installed, f)
						}
					}
				}
			}
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(in[1]), &entry); err != nil {
				t.Errorf("ENTRYPOINT %s: want the exec (JSON) form: %v", in[1], err)
			}
		case "CMD":
			if err := json.Unmarshal([]byte(in[1]), &cmd); err != nil {
				t.Errorf("CMD %s: want the exec (JSON) form: %v", in[1], err)
			}
		}
	}
	for _, p := range append([]string{"chromium", "fonts-liberation2", "libxml2-utils", "npm"}, installed...) {
		if !slices.Contains(allowed, p) {
			t.Errorf("apt-get install %s: not a Debian package name used by scripts/setup.sh or listed in dockerPackages", p)
		}
		if !slices.Contains(installed, p) {
			t.Errorf("the image does not apt-get install %s", p)
		}
	}
	if !strings.Contains(text, "make deps build") {
		t.Error("no `make deps build` at build time")
	}
	if len(entry) != 1 || entry[0] != "bin/dvcqa" {
		t.Errorf("ENTRYPOINT %q: want [\"bin/dvcqa\"]", entry)
	}
	if len(cmd) > 0 && cmd[0] == "run" {
		if _, err := parseRunArgs(cmd[1:], func(string) string { return "" }); err != nil {
			t.Errorf("CMD %q: %v", cmd, err)
		}
	}
}

// dvcqaLineRE finds a dvcqa command in a line (bin/dvcqa, /src/bin/dvcqa or
// dvcqa on PATH), not the word in prose or a quoted message.
var dvcqaLineRE = regexp.MustCompile(`(?:^|[\s/])dvcqa\s+([a-z]+)(?:\s|$)`)

// ciCommand is one dvcqa command line of an example.
type ciCommand struct {
	where string // file:line
	sub   string
	args  []string
}

func ciCommands(t *testing.T, name string) []ciCommand {
	t.Helper()
	var out []ciCommand
	for i, line := range joinContinued(readCI(t, name)) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//") {
			continue
		}
		loc := dvcqaLineRE.FindStringSubmatchIndex(line)
		if loc == nil || trailingComment.MatchString(line[:loc[0]+1]) {
			continue
		}
		where := name + ":" + strconv.Itoa(i+1)
		sub := line[loc[2]:loc[3]]
		seg := substituteCI(t, where, cutShell(line[loc[3]:]))
		words, err := shellWords(seg)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		out = append(out, ciCommand{where: where, sub: sub, args: expandShards(words)})
	}
	return out
}

// Every dvcqa command line of every example is accepted by the flag parsing
// of the command it calls (run: parseRunArgs; merge: mergeCmd up to finding
// its runs; trial: the trial subcommand's flags).
func TestCIExampleCommandsParse(t *testing.T) {
	names := make([]string, 0, len(ciFiles))
	cmds := map[string][]ciCommand{}
	for name := range ciFiles {
		names = append(names, name)
		cmds[name] = ciCommands(t, name)
	}
	slices.Sort(names)
	t.Chdir(t.TempDir()) // merge finds no run here and makes no folder
	for _, name := range names {
		var subs []string
		for _, c := range cmds[name] {
			if !slices.Contains(subs, c.sub) {
				subs = append(subs, c.sub)
			}
			if err := checkCICommand(c); err != nil {
				t.Errorf("%s: dvcqa %s %s: %v", c.where, c.sub, strings.Join(c.args, " "), err)
			}
		}
		slices.Sort(subs)
		if !slices.Equal(subs, ciFiles[name]) {
			t.Errorf("%s: dvcqa subcommands found %v, want %v", name, subs, ciFiles[name])
		}
	}
	if left, _ := os.ReadDir("."); len(left) > 0 {
		t.Errorf("checking the merge lines left %d entries behind", len(left))
	}
}

func checkCICommand(c ciCommand) error {
	switch c.sub {
	case "run":
		_, err := parseRunArgs(c.args, func(string) string { return "" })
		return err
	case "merge":
		return checkMergeArgs(c.args)
	case "trial":
		if len(c.args) == 0 || !strings.Contains(trialUsage, "dvcqa trial "+c.args[0]+" ") {
			return fmt.Errorf("not a trial subcommand: %v", c.args)
		}
		f := newTrialFlags(c.args[0])
		if err := f.fs.Parse(c.args[1:]); err != nil {
			return err
		}
		if f.fs.NArg() > 0 {
			return fmt.Errorf("unexpected argument %q", f.fs.Arg(0))
		}
		return nil
	}
	return fmt.Errorf("no parse check for subcommand %q (add one)", c.sub)
}

// checkMergeArgs runs mergeCmd where its runs do not exist: flags and
// arguments it accepts get it as far as looking for the first run.
func checkMergeArgs(args []string) error {
	var out bytes.Buffer
	saved := stderr
	stderr = &out
	defer func() { stderr = saved }()
	// The flag package prints its own errors to os.Stderr.
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	savedOS := os.Stderr
	os.Stderr = w
	code := mergeCmd(args)
	os.Stderr = savedOS
	w.Close()
	flagOut, _ := readAllClose(r)
	msg := out.String()
	if strings.Contains(msg, "find run") && len(flagOut) == 0 {
		return nil
	}
	if first, _, _ := strings.Cut(string(flagOut), "\n"); first != "" {
		msg = first // the flag package's own message, not its usage dump
	}
	return fmt.Errorf("refused (exit %d): %s", code, strings.TrimSpace(msg))
}

func readAllClose(r *os.File) ([]byte, error) {
	defer r.Close()
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}
