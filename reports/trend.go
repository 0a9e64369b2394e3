package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// AttachTrend records, for every service, database and platform system, its
// readiness in up to n earlier runs of the same key (oldest first) followed
// by this run's; runs of other keys are left out.
func AttachTrend(s *Summary, previous []*Summary, n int) {
	previous = SameKey(previous, KeyOf(s))
	if len(previous) > n {
		previous = previous[len(previous)-n:]
	}
	s.Trend = map[string][]string{}
	add := func(id string, past func(*Summary) string, now string) {
		var line []string
		for _, p := range previous {
			line = append(line, past(p))
		}
		s.Trend[id] = append(line, now)
	}
	for _, v := range s.Services {
		id := v.ID
		add(id, func(p *Summary) string {
			for _, pv := range p.Services {
				if pv.ID == id {
					return ReadinessOf(&pv)
				}
			}
			return ""
		}, v.Readiness)
	}
	for id, v := range s.NationalDBs {
		add(vocab.DB(id), func(p *Summary) string {
			if pv := p.NationalDBs[id]; pv != nil {
				return ReadinessOf(pv)
			}
			return ""
		}, v.Readiness)
	}
	for id, v := range s.Platform {
		add(vocab.Label(vocab.KeySystem, id), func(p *Summary) string {
			if pv := p.Platform[id]; pv != nil {
				return ReadinessOf(pv)
			}
			return ""
		}, v.Readiness)
	}
}

// RunKey is what makes two runs comparable: the same target (name and
// kind), province, label filter and seeded defects. Trends and diffs never
// mix runs of different keys: a healthy run next to one with a seeded
// defect, or a filtered run next to a full one, says nothing about
// progress.
type RunKey struct {
	Target      string `json:"target"`
	TargetKind  string `json:"target_kind"`
	Province    string `json:"province"`
	LabelFilter string `json:"label_filter"`
	Defects     string `json:"defects"` // sorted, comma-separated
}

// KeyOf is the key of a run's summary.
func KeyOf(s *Summary) RunKey {
	return RunKey{Target: s.Target.Name, TargetKind: s.Target.Kind, Province: s.Target.Province,
		LabelFilter: s.LabelFilter, Defects: DefectsKey(s.Target.Defects)}
}

// DefectsKey is a list of seeded defects in one order, each once.
func DefectsKey(defects []string) string {
	seen := map[string]bool{}
	for _, d := range defects {
		if d = strings.TrimSpace(d); d != "" {
			seen[d] = true
		}
	}
	return strings.Join(SortedKeys(seen), ",")
}

// Differences names the parts of two keys that differ, "defects: \"\" ≠
// \"result-unsigned@DV09\"", in a fixed order; none when they are equal.
func (k RunKey) Differences(o RunKey) []string {
	var out []string
	for _, p := range []struct{ name, a, b string }{
		{"target", k.Target, o.Target}, {"target kind", k.TargetKind, o.TargetKind},
		{"province", k.Province, o.Province}, {"label filter", k.LabelFilter, o.LabelFilter},
		{"seeded defects", k.Defects, o.Defects},
	} {
		if p.a != p.b {
			out = append(out, fmt.Sprintf("%s %q ≠ %q", p.name, p.a, p.b))
		}
	}
	return out
}

// String is the key in words.
func (k RunKey) String() string {
	s := fmt.Sprintf("target %s (%s), province %s", k.Target, k.TargetKind, k.Province)
	if k.LabelFilter != "" {
		s += fmt.Sprintf(", label filter %q", k.LabelFilter)
	}
	if k.Defects != "" {
		s += ", seeded defects " + k.Defects
	} else {
		s += ", no seeded defect"
	}
	return s
}

// SameKey keeps the runs whose key is key, in order.
func SameKey(runs []*Summary, key RunKey) []*Summary {
	var out []*Summary
	for _, r := range runs {
		if r != nil && KeyOf(r) == key {
			out = append(out, r)
		}
	}
	return out
}

// GateVerdict is a run's verdict in one word: pass when its go-live gate
// passed (exit 0), else fail.
func GateVerdict(s *Summary) string {
	if s.Gate.Passed {
		return Pass
	}
	return Fail
}

// Trend is the history of one key: its runs, oldest first, and the
// readiness of every item over them.
type Trend struct {
	Key   RunKey              `json:"key"`
	Runs  []TrendRun          `json:"runs"`
	Items map[string][]string `json:"items"` // item id → readiness per run, oldest first ("" where it did not exist)
}

// TrendRun is one run of a trend.
type TrendRun struct {
	RunID         string    `json:"run_id"`
	StartedAt     time.Time `json:"started_at"`
	Verdict       string    `json:"verdict"` // GateVerdict
	ServicesReady int       `json:"services_ready"`
	ServicesTotal int       `json:"services_total"`
	DBsReady      int       `json:"national_dbs_ready"`
	DBsTotal      int       `json:"national_dbs_total"`
	Specs         int       `json:"specs"`
	Passed        int       `json:"passed"`
	Failed        int       `json:"failed"`
	Skipped       int       `json:"skipped"`
}

// BuildTrend is the trend of key over runs (oldest first): the last n of
// the runs with that key; other runs are left out.
func BuildTrend(runs []*Summary, key RunKey, n int) *Trend {
	runs = SameKey(runs, key)
	if n > 0 && len(runs) > n {
		runs = runs[len(runs)-n:]
	}
	t := &Trend{Key: key, Runs: []TrendRun{}, Items: map[string][]string{}}
	for _, s := range runs {
		t.Runs = append(t.Runs, TrendRun{RunID: s.RunID, StartedAt: s.StartedAt, Verdict: GateVerdict(s),
			ServicesReady: s.Headline.ServicesReady, ServicesTotal: s.Headline.ServicesTotal,
			DBsReady: s.Headline.DBsReady, DBsTotal: s.Headline.DBsTotal,
			Specs: s.Totals.Specs, Passed: s.Totals.Passed, Failed: s.Totals.Failed, Skipped: s.Totals.Skipped})
	}
	if len(runs) > 0 {
		newest := *runs[len(runs)-1]
		AttachTrend(&newest, runs[:len(runs)-1], len(runs))
		t.Items = newest.Trend
	}
	return t
}
