package framework

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// RunProvinces are the provinces a run over several provinces declares its
// specs for (runconfig.Config.Provinces, `dvcqa run --provinces`); nil when
// the run checks one province, the target's own, as every run did before.
func RunProvinces() []fixtures.Province {
	codes := RunConfig().Provinces
	if len(codes) < 2 {
		return nil
	}
	cat := Catalog()
	out := make([]fixtures.Province, 0, len(codes))
	for _, code := range codes {
		if p, ok := cat.Province(code); ok {
			out = append(out, *p)
		}
	}
	return out
}

// ProvinceLabel is the label of a province's specs: province:79.
func ProvinceLabel(code string) ginkgo.Labels {
	return ginkgo.Labels{vocab.Label(vocab.KeyProvince, code)}
}

// ProvinceText is how a province's specs begin: "79 Hồ Chí Minh".
func ProvinceText(p fixtures.Province) string { return p.Code + " " + p.NameVI }

// Describe is ginkgo.Describe for a suite's top-level container. In a run
// over several provinces it declares the container once per province, its
// text led by the province and labelled with it, so every spec runs against
// each province's own portal (the Framework picks the province's Env by the
// label); otherwise it is ginkgo.Describe. The body is called once per
// province, so each gets its own Framework.
func Describe(text string, args ...any) bool {
	ps := RunProvinces()
	if ps == nil {
		return ginkgo.Describe(text, args...)
	}
	for _, p := range ps {
		ginkgo.Describe(ProvinceText(p)+" · "+text, append([]any{ProvinceLabel(p.Code)}, args...)...)
	}
	return true
}

// specEnv is the Env of the running spec: its province's, set up on first
// use, when it carries a province label; else the process's.
func specEnv(labels []string) (*Env, error) {
	code := vocab.LabelValue(labels, vocab.KeyProvince)
	if code == "" {
		if e := Active(); e != nil {
			return e, nil
		}
		return nil, fmt.Errorf("target not set up; the suite's SynchronizedBeforeSuite must call framework.Setup")
	}
	return EnvFor(code)
}

// AddProvinces names the targets of a run's other provinces, each set up
// in this process when a spec of it first runs (EnvFor).
func AddProvinces(ts []fixtures.Target, cat *fixtures.Catalog) {
	envMu.Lock()
	defer envMu.Unlock()
	for i := range ts {
		t := ts[i]
		if envs[t.Province] == nil {
			pending[t.Province] = pendingEnv{t: &t, cat: cat}
		}
	}
}

type pendingEnv struct {
	t   *fixtures.Target
	cat *fixtures.Catalog
}

// EnvFor is the Env of a province of the run. A process sets a province up
// once (a spec of one province runs at a time per process); a failed setup
// is kept, so each of its specs fails with the same reason.
func EnvFor(code string) (*Env, error) {
	envMu.Lock()
	if e := envs[code]; e != nil {
		envMu.Unlock()
		return e, nil
	}
	if err := envErrs[code]; err != nil {
		envMu.Unlock()
		return nil, err
	}
	p, ok := pending[code]
	envMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("province %s is not one of this run's", code)
	}
	e, err := setup(p.t, p.cat)
	envMu.Lock()
	defer envMu.Unlock()
	if err != nil {
		err = fmt.Errorf("set up province %s: %w", code, err)
		envErrs[code] = err
		return nil, err
	}
	envs[code] = e
	return e, nil
}
