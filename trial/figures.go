package trial

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
	"github.com/dvcqa/dvcqa/vocab"
)

// Figures are a campaign's counts as the ministries report them
// (docs/trial.md defines each).
type Figures struct {
	Submitted int `json:"submitted"`
	Received  int `json:"received"`   // reached accepted (tiếp nhận)
	InProcess int `json:"in_process"` // received, not yet in a final state
	Returned  int `json:"returned"`   // delivered (trả kết quả)
	OnTime    int `json:"on_time"`    // returned by the due date
	Overdue   int `json:"overdue"`    // returned after it, or not returned and past it
	// OnTimePct is OnTime / Returned in percent (đúng hạn), nil before any return.
	OnTimePct *float64 `json:"on_time_pct"`
	Synced    int      `json:"synced"` // DVCQG's latest status is the portal's latest
	// SyncedPct is Synced / Submitted in percent, nil without dossiers.
	SyncedPct *float64 `json:"synced_pct"`
	// Lag of DVCQG behind the portal, over every portal transition DVCQG
	// also has: median and max, in seconds; nil when none matched.
	LagMedianSeconds *float64 `json:"lag_median_seconds"`
	LagMaxSeconds    *float64 `json:"lag_max_seconds"`
	LagSamples       int      `json:"lag_samples"`
	WithFee          int      `json:"with_fee"`
	Paid             int      `json:"paid"` // fee paid, as the portal recorded it
	Withdrawn        int      `json:"withdrawn"`
	Errors           int      `json:"errors"` // dossiers whose last follow could not read a system
	lags             []time.Duration
}

// Group is the figures of one service, one province, or one of each.
type Group struct {
	Service  string `json:"service,omitempty"`
	Province string `json:"province,omitempty"`
	Figures
}

// DossierLine is one dossier's evaluation, for the report's detail table.
type DossierLine struct {
	Code        string    `json:"code"`
	Service     string    `json:"service"`
	Province    string    `json:"province"`
	Account     string    `json:"account"`
	Status      string    `json:"status"`
	AcceptedAt  time.Time `json:"accepted_at,omitzero"`
	Due         time.Time `json:"due,omitzero"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	OnTime      bool      `json:"on_time"`
	Overdue     bool      `json:"overdue"`
	Synced      bool      `json:"synced"`
	FeeVND      int64     `json:"fee_vnd"`
	Paid        bool      `json:"paid"`
	LastError   string    `json:"last_error,omitempty"`
}

// Report is a campaign's figures overall, per service, per province and
// per service × province, with each dossier's line.
type Report struct {
	Campaign    string        `json:"campaign"`
	Target      string        `json:"target"`
	Marker      string        `json:"marker"`
	CreatedAt   time.Time     `json:"created_at"`
	GeneratedAt time.Time     `json:"generated_at"`
	Headline    string        `json:"headline"`
	Overall     Figures       `json:"overall"`
	ByService   []Group       `json:"by_service"`
	ByProvince  []Group       `json:"by_province"`
	Cells       []Group       `json:"cells"` // service × province
	Dossiers    []DossierLine `json:"dossiers"`
}

// Compute evaluates the ledger at now. The due date is the harness's own
// reference: the portal's acceptance time plus the catalog's processing
// days in working days of cal (never the portal's appointment).
func Compute(c *Campaign, ds []Dossier, trs []Transition, cal *refs.WorkingCalendar, now time.Time) *Report {
	bySource := map[string]map[string][]Transition{}
	for _, t := range trs {
		if bySource[t.Code] == nil {
			bySource[t.Code] = map[string][]Transition{}
		}
		bySource[t.Code][t.Source] = append(bySource[t.Code][t.Source], t)
	}
	r := &Report{Campaign: c.ID, Target: c.Options.TargetName, Marker: c.Marker, CreatedAt: c.CreatedAt, GeneratedAt: now}
	services, provinces, cells := map[string]*Figures{}, map[string]*Figures{}, map[[2]string]*Figures{}
	for _, d := range ds {
		line, lags := evaluate(d, bySource[d.Code][SourcePortal], bySource[d.Code][SourceDVCQG], cal, now)
		r.Dossiers = append(r.Dossiers, line)
		for _, f := range []*Figures{&r.Overall, get(services, d.ServiceID), get(provinces, d.Province), get(cells, [2]string{d.ServiceID, d.Province})} {
			f.add(line, lags)
		}
	}
	r.Overall.finish()
	for _, id := range sortedKeys(services) {
		services[id].finish()
		r.ByService = append(r.ByService, Group{Service: id, Figures: *services[id]})
	}
	for _, id := range sortedKeys(provinces) {
		provinces[id].finish()
		r.ByProvince = append(r.ByProvince, Group{Province: id, Figures: *provinces[id]})
	}
	keys := make([][2]string, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"|"+a[1], b[0]+"|"+b[1]) })
	for _, k := range keys {
		cells[k].finish()
		r.Cells = append(r.Cells, Group{Service: k[0], Province: k[1], Figures: *cells[k]})
	}
	r.Headline = Headline(c.ID, r.Overall)
	return r
}

func get[K comparable](m map[K]*Figures, k K) *Figures {
	if m[k] == nil {
		m[k] = &Figures{}
	}
	return m[k]
}

func sortedKeys(m map[string]*Figures) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// evaluate judges one dossier from its transitions on each system (each
// in seq order).
func evaluate(d Dossier, own, national []Transition, cal *refs.WorkingCalendar, now time.Time) (DossierLine, []time.Duration) {
	l := DossierLine{Code: d.Code, Service: d.ServiceID, Province: d.Province, Account: d.AccountRef, Status: d.Status,
		FeeVND: d.FeeVND, Paid: d.FeeVND > 0 && !d.PaidAt.IsZero(), LastError: d.LastError}
	latest := ""
	for _, t := range own {
		switch t.State {
		case portal.StatusAccepted:
			if l.AcceptedAt.IsZero() {
				l.AcceptedAt = t.At
			}
		case portal.StatusDelivered:
			if l.DeliveredAt.IsZero() {
				l.DeliveredAt = t.At
			}
		}
		latest = t.State
	}
	if latest != "" {
		l.Status = latest
	}
	if !l.AcceptedAt.IsZero() {
		l.Due = cal.Appointment(l.AcceptedAt, d.ProcessingDays)
		switch {
		case !l.DeliveredAt.IsZero():
			l.OnTime = !l.DeliveredAt.After(l.Due)
			l.Overdue = !l.OnTime
		case !final(latest):
			l.Overdue = now.After(l.Due)
		}
	}
	if len(own) > 0 && len(national) > 0 {
		l.Synced = national[len(national)-1].StatusCode == own[len(own)-1].StatusCode
	}
	// Lag: each portal transition against DVCQG's next entry of the same
	// status, in order (a status may recur, e.g. processing after a
	// supplement).
	var lags []time.Duration
	next := 0
	for _, t := range own {
		for j := next; j < len(national); j++ {
			if national[j].StatusCode == t.StatusCode {
				lags = append(lags, national[j].At.Sub(t.At))
				next = j + 1
				break
			}
		}
	}
	return l, lags
}

func (f *Figures) add(l DossierLine, lags []time.Duration) {
	f.Submitted++
	if !l.AcceptedAt.IsZero() {
		f.Received++
		if !final(l.Status) {
			f.InProcess++
		}
	}
	if !l.DeliveredAt.IsZero() {
		f.Returned++
	}
	if l.OnTime {
		f.OnTime++
	}
	if l.Overdue {
		f.Overdue++
	}
	if l.Synced {
		f.Synced++
	}
	if l.FeeVND > 0 {
		f.WithFee++
		if l.Paid {
			f.Paid++
		}
	}
	if l.Status == portal.StatusWithdrawn {
		f.Withdrawn++
	}
	if l.LastError != "" {
		f.Errors++
	}
	f.lags = append(f.lags, lags...)
}

func (f *Figures) finish() {
	f.OnTimePct = pct(f.OnTime, f.Returned)
	f.SyncedPct = pct(f.Synced, f.Submitted)
	f.LagSamples = len(f.lags)
	if len(f.lags) > 0 {
		s := slices.Clone(f.lags)
		slices.Sort(s)
		med := s[len(s)/2]
		if len(s)%2 == 0 {
			med = (s[len(s)/2-1] + s[len(s)/2]) / 2
		}
		m, x := med.Seconds(), s[len(s)-1].Seconds()
		f.LagMedianSeconds, f.LagMaxSeconds = &m, &x
	}
}

func pct(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	v := float64(n) * 100 / float64(of)
	return &v
}

// Percent writes a percentage the Vietnamese way: two decimals after a
// decimal comma ("83,33%"); "—" when there is nothing to divide by.
func Percent(p *float64) string {
	if p == nil {
		return "—"
	}
	return strings.Replace(fmt.Sprintf("%.2f", *p), ".", ",", 1) + "%"
}

// AllReturned says whether every dossier of f has been returned: only then
// do overdue and unsynchronised dossiers fail the JUnit cell.
func (f Figures) AllReturned() bool { return f.Submitted > 0 && f.Returned == f.Submitted }

// Unsynced is how many dossiers DVCQG does not show in their latest state.
func (f Figures) Unsynced() int { return f.Submitted - f.Synced }

// Headline is the campaign's one line in the ministries' form.
func Headline(id string, f Figures) string {
	return fmt.Sprintf("Thử nghiệm %s: %d/%d hồ sơ trả kết quả · %s đúng hạn · đồng bộ DVCQG %s · thanh toán trực tuyến %d/%d",
		id, f.Returned, f.Submitted, Percent(f.OnTimePct), Percent(f.SyncedPct), f.Paid, f.WithFee)
}

// when is a time in Vietnam time for the reports; "—" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(vocab.Vietnam).Format("2006-01-02 15:04")
}
