package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Shell reading for examples_test.go: enough of sh to take a dvcqa command
// line out of a CI file and split it as the shell would.

// joinContinued joins lines ending in a backslash (shell, Dockerfile).
func joinContinued(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

// trailingComment: the text before a match ends in a comment (YAML's and
// the shell's " #", Groovy's " //").
var trailingComment = regexp.MustCompile(`(^|\s)(#|//)`)

// expandShards does the shell's glob for the merge lines: runs/shard-* is
// the three shards' folders.
func expandShards(words []string) []string {
	var out []string
	for _, w := range words {
		if !strings.Contains(w, "*") {
			out = append(out, w)
			continue
		}
		for i := 1; i <= 3; i++ {
			out = append(out, strings.ReplaceAll(w, "*", strconv.Itoa(i)))
		}
	}
	return out
}

// cutShell keeps a command's own words: it stops at the first shell operator
// (; && || | > <) or comment outside quotes and outside {{ … }} templates.
func cutShell(s string) string {
	var quote byte
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case strings.HasPrefix(s[i:], "{{"):
			depth++
			i++
		case strings.HasPrefix(s[i:], "}}") && depth > 0:
			depth--
			i++
		case depth > 0:
		case c == '\'' || c == '"':
			quote = c
		case c == ';' || c == '|' || c == '&' || c == '>' || c == '<':
			return s[:i]
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		}
	}
	return s
}

// ciValues are what the CI systems put in the examples' variables and
// templates, for one shard of three.
var ciValues = map[string]string{
	"matrix.shard":       "1", // GitHub Actions
	"strategy.job-total": "3",
	"CI_NODE_INDEX":      "1", // GitLab
	"CI_NODE_TOTAL":      "3",
	"SHARD":              "1", // Jenkinsfile environment
	"SHARDS":             "3",
	"index + 1":          "1", // Testkube expressions
	"count":              "3",
	"DVCQA_STORE":        "postgres://dvcqa@db.example:5432/dvcqa",
}

var ciVarRE = regexp.MustCompile(`\$\{\{\s*(.+?)\s*\}\}|\{\{\s*(.+?)\s*\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

func substituteCI(t *testing.T, where, s string) string {
	t.Helper()
	return ciVarRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := ciVarRE.FindStringSubmatch(m)
		name := sub[1] + sub[2] + sub[3] + sub[4]
		v, ok := ciValues[name]
		if !ok {
			t.Errorf("%s: variable %q: not in ciValues (add what the CI system puts there)", where, name)
		}
		return v
	})
}

// shellWords splits a command into words with sh's quoting ('…', "…", \x).
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed %c quote in %q", quote, s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
