package reports

import "github.com/dvcqa/dvcqa/vocab"

// AttachTrend records, for every service, database and platform system, its
// readiness in up to n earlier runs (oldest first) followed by this run's.
func AttachTrend(s *Summary, previous []*Summary, n int) {
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
