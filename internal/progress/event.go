// Package progress carries a run's progress from the suite processes to
// the dvcqa console: each Ginkgo process sends one Event per finished spec
// over a Unix socket that `dvcqa run` listens on, and a Renderer turns the
// events into a checklist (one line per spec, or a live progress line on a
// terminal) with every failure in full. Ginkgo's parallel CLI holds each
// process's output back, so the events go around it.
package progress

import (
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/vocab"
)

// EnvSocket names the Unix socket the suites send their events to; unset,
// the suites send nothing (go test, dvcqa run -v).
const EnvSocket = "DVCQA_PROGRESS_SOCKET"

// Event kinds.
const (
	KindStart = "start" // the run's spec count, from process 1
	KindSpec  = "spec"  // one spec finished
)

// Event is one line on the socket (JSON).
type Event struct {
	Kind  string `json:"kind"`
	Total int    `json:"total,omitempty"` // KindStart: specs that will run

	State    string        `json:"state,omitempty"` // passed, failed, skipped, panicked, …
	Subject  string        `json:"subject,omitempty"`
	Text     string        `json:"text,omitempty"`      // the spec's own text
	FullText string        `json:"full_text,omitempty"` // containers and the spec
	Duration time.Duration `json:"duration,omitempty"`
	Attempts int           `json:"attempts,omitempty"` // more than 1: retried (--flake-attempts)
	Location string        `json:"location,omitempty"` // of the failure
	Node     string        `json:"node,omitempty"`     // the failing node's type: It, BeforeEach, …
	Message  string        `json:"message,omitempty"`
	Step     string        `json:"step,omitempty"` // the last By before the failure
	// Entries are the report entries Ginkgo shows with a failure (the
	// dossier, the evidence files), in order.
	Entries []Entry `json:"entries,omitempty"`
}

// Entry is one report entry: its name and its value as text.
type Entry struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Failed says whether the spec failed (any failure state).
func (e Event) Failed() bool {
	return e.Kind == KindSpec && e.State != "passed" && e.State != "skipped" && e.State != "pending"
}

// StartEvent is the run's spec count from the report before the suite.
func StartEvent(r types.Report) Event {
	return Event{Kind: KindStart, Total: r.PreRunStats.SpecsThatWillRun}
}

// SpecEvent summarises a finished spec; ok is false for a spec that never
// ran because the label filter left it out (it is no line of the run).
func SpecEvent(r types.SpecReport) (e Event, ok bool) {
	if r.State == types.SpecStateSkipped && r.Failure.Message == "" {
		return Event{}, false
	}
	if r.State == types.SpecStatePending {
		return Event{}, false
	}
	e = Event{Kind: KindSpec, State: r.State.String(), Subject: Subject(r.Labels()),
		Text: r.LeafNodeText, FullText: r.FullText(), Duration: r.RunTime, Attempts: r.NumAttempts}
	if r.State.Is(types.SpecStateFailureStates) || r.State == types.SpecStateSkipped {
		e.Message = r.Failure.Message
		if r.Failure.ForwardedPanic != "" {
			e.Message = strings.TrimSpace(e.Message + "\n" + r.Failure.ForwardedPanic)
		}
		if r.Failure.Location.FileName != "" {
			e.Location = r.Failure.Location.String()
		}
		if r.Failure.FailureNodeType != types.NodeTypeInvalid {
			e.Node = r.Failure.FailureNodeType.String()
		}
		e.Step = lastStep(r)
		if e.Failed() {
			for _, re := range r.ReportEntries {
				if re.Visibility == types.ReportEntryVisibilityAlways || re.Visibility == types.ReportEntryVisibilityFailureOrVerbose {
					e.Entries = append(e.Entries, Entry{Name: re.Name, Value: re.StringRepresentation()})
				}
			}
		}
	}
	return e, true
}

// Subject is the spec's service, database or system, from its labels:
// DV09, db:population, sso.
func Subject(labels []string) string {
	s := subject(labels)
	// A run over several provinces: the province first, "79 DV01 api".
	if p := vocab.LabelValue(labels, vocab.KeyProvince); p != "" {
		s = p + " " + s
	}
	return s
}

func subject(labels []string) string {
	if v := vocab.LabelValue(labels, vocab.KeyService); v != "" {
		// A service's API and browser specs read alike: the layer tells them apart.
		if l := vocab.LabelValue(labels, vocab.KeyLayer); l != "" {
			return v + " " + l
		}
		return v
	}
	if v := vocab.LabelValue(labels, vocab.KeyDB); v != "" {
		return vocab.DB(v)
	}
	return vocab.LabelValue(labels, vocab.KeySystem)
}

// lastStep is the text of the last step (By) the spec began, "" when none.
func lastStep(r types.SpecReport) string {
	step := ""
	for _, ev := range r.SpecEvents {
		if ev.SpecEventType == types.SpecEventByStart {
			step = ev.Message
		}
	}
	return step
}
