package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/dvcqa/dvcqa/suites/framework/browser"
)

// The physical floor of a browser flow is what the flow cannot go below on
// this machine however fast its driver is: the time the browser spends
// loading the flow's pages plus the time the mock spends processing the
// dossier. Precisely, measured on the harness side in an untimed pass of
// the same flow, in the same tab:
//
//   - every page load: loadEventEnd − startTime of the document's Navigation
//     Timing entry (performance.getEntriesByType('navigation')), for every
//     navigation of the flow except the reloads made while waiting for the
//     status (waiting is the mock's processing, below), plus the last of
//     those reloads (the one showing "delivered"); plus the duration of the
//     result download (the fetch's Resource Timing entry);
//   - the mock's processing: from the moment the dossier page after the
//     last citizen action (the payment, or the submit where there is no fee)
//     is shown, to the moment the dossier's status is "delivered", seen by
//     polling the dossier page every pollEvery by plain HTTP from the bench
//     with the tab's cookies, not through the browser.
//
// Typing, clicks and the driver's round trips are not in the floor: they
// are what a faster driver removes.
type floor struct {
	Loads      time.Duration // the page loads and the download
	Processing time.Duration // submit (or pay) answered → delivered
	Pages      int           // page loads counted
}

func (f floor) total() time.Duration { return f.Loads + f.Processing }

// pollEvery is the status poller's interval: fine against a processing of
// hundreds of milliseconds, and light for the mock.
const pollEvery = 5 * time.Millisecond

// navEntry is one document's Navigation Timing, as navScript stores it.
type navEntry struct {
	URL  string  `json:"url"`
	Type string  `json:"type"` // navigate | reload | back_forward
	Dur  float64 `json:"dur"`  // loadEventEnd − startTime, ms
}

// navScript runs in every document of the probed tab, in a world of its
// own (the page's scripts never see it): once the load event has ended, it
// appends the document's navigation entry to localStorage under key (the
// mock's pages share one origin). A page left before that records what it
// has at pagehide.
func navScript(key string) string {
	return `(() => { let done = false; const rec = () => { if (done) return; done = true;
  const e = performance.getEntriesByType('navigation')[0]; if (!e) return;
  const l = JSON.parse(localStorage.getItem(` + strconv.Quote(key) + `) || '[]');
  l.push({url: e.name, type: e.type, dur: (e.loadEventEnd || e.responseEnd) - e.startTime});
  localStorage.setItem(` + strconv.Quote(key) + `, JSON.stringify(l)); };
  addEventListener('load', () => setTimeout(rec, 0)); addEventListener('pagehide', rec); })();`
}

// probe measures one flow's floor; its methods are called between the
// flow's steps.
type probe struct {
	tab      *browser.Tab
	key      string
	statusRe *regexp.Regexp
	want     string
	seen     chan time.Time // when the poller saw want
	started  time.Time
}

func newProbe(tab *browser.Tab, statusAttr, want string) (*probe, error) {
	p := &probe{tab: tab, key: "dvcqa-bench-navs-" + strconv.FormatInt(time.Now().UnixNano(), 36), want: want,
		statusRe: regexp.MustCompile(regexp.QuoteMeta(statusAttr) + `="([^"]*)"`), seen: make(chan time.Time, 1)}
	err := tab.Do("inject the navigation timing recorder", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: navScript(p.key), WorldName: "dvcqa-bench"})
		return err
	}))
	return p, err
}

// startPolling starts the plain-HTTP poller on the dossier page the tab
// shows now, with the tab's cookies; processing is counted from now.
func (p *probe) startPolling(ctx context.Context) error {
	loc, err := p.tab.Location()
	if err != nil {
		return err
	}
	var cookies []*network.Cookie
	err = p.tab.Do("read the cookies", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{loc}})
		cookies = res.Cookies
		return err
	}))
	if err != nil {
		return err
	}
	var pairs []string
	for _, c := range cookies {
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	p.started = time.Now()
	go p.poll(ctx, loc, strings.Join(pairs, "; "))
	return nil
}

func (p *probe) poll(ctx context.Context, url, cookie string) {
	client := &http.Client{Timeout: 5 * time.Second}
	for ctx.Err() == nil {
		if p.check(ctx, client, url, cookie) {
			p.seen <- time.Now()
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(pollEvery):
		}
	}
}

// check is one poll: whether the dossier page says the wanted status.
func (p *probe) check(ctx context.Context, client *http.Client, url, cookie string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return false
	}
	m := p.statusRe.FindSubmatch(body)
	return m != nil && string(m[1]) == p.want
}

// finish reads the flow's navigation entries and the download's timing
// from the tab (on the result page) and waits for the poller's answer.
func (p *probe) finish(wait time.Duration) (floor, error) {
	var raw string
	var downloads []float64
	js := `[localStorage.getItem(` + strconv.Quote(p.key) + `) || '[]',
  performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch').map(e => e.duration)]`
	var out []json.RawMessage
	if err := p.tab.Evaluate(js, &out); err != nil {
		return floor{}, fmt.Errorf("read the navigation timings: %w", err)
	}
	if len(out) != 2 || json.Unmarshal(out[0], &raw) != nil || json.Unmarshal(out[1], &downloads) != nil {
		return floor{}, fmt.Errorf("read the navigation timings: unexpected %s", out)
	}
	var navs []navEntry
	if err := json.Unmarshal([]byte(raw), &navs); err != nil {
		return floor{}, fmt.Errorf("read the navigation timings: %w", err)
	}
	if os.Getenv("DVCQA_BENCH_DEBUG") != "" {
		fmt.Printf("navs %+v downloads %v\n", navs, downloads)
	}
	f := floor{}
	lastReload := -1
	for i, n := range navs {
		if n.Type == "reload" {
			lastReload = i
			continue
		}
		f.Loads += msDur(n.Dur)
		f.Pages++
	}
	if lastReload >= 0 {
		f.Loads += msDur(navs[lastReload].Dur)
		f.Pages++
	}
	for _, d := range downloads {
		f.Loads += msDur(d)
	}
	if p.started.IsZero() {
		return f, fmt.Errorf("the status poller never started")
	}
	select {
	case t := <-p.seen:
		f.Processing = t.Sub(p.started)
	case <-time.After(wait):
		return f, fmt.Errorf("the status poller did not see %q within %s of the flow's end", p.want, wait)
	}
	return f, nil
}

func msDur(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
