// The one suite entry of dvcqa: it blank-imports the spec packages, and it
// is the one place that may start the embedded mock world.
package suites_test

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/progress"
	"github.com/dvcqa/dvcqa/mocks/world"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
	"github.com/dvcqa/dvcqa/vocab"

	_ "github.com/dvcqa/dvcqa/suites/nationaldb"
	_ "github.com/dvcqa/dvcqa/suites/platform"
	_ "github.com/dvcqa/dvcqa/suites/services"
)

func TestSuites(t *testing.T) {
	// Failure messages are masked before Ginkgo sees them, so neither the
	// console nor ginkgo.json carries a raw ID, name, date of birth or
	// address; one more frame to skip, this function's.
	gomega.RegisterFailHandler(func(message string, callerSkip ...int) {
		skip := 1
		if len(callerSkip) > 0 {
			skip += callerSkip[0]
		}
		ginkgo.Fail(pii.Mask(message), skip)
	})
	ginkgo.RunSpecs(t, "dvcqa")
}

// firstEnv is process 1's Env, set up by the first function below to ask
// every system in its dialect; nil in the other processes.
var firstEnv *framework.Env

// Process 1 resolves the target (starting the embedded world when the
// profile names no URLs, with the run configuration's seeded defects) and
// hands the resolved profile to every process.
var _ = ginkgo.SynchronizedBeforeSuite(func(ctx ginkgo.SpecContext) []byte {
	cfg, err := framework.LoadConfig()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "dvcqa configuration")
	t := *cfg.Target
	switches, err := world.DefectSet(append(slices.Clone(t.Defects), cfg.Run.Defects...)...)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "seeded defects of target %s / the run configuration", t.Name)
	var w *world.World
	if t.Embedded() {
		var err error
		// officers.mode names the world's officer mode in the same words
		// (automatic, manual: docs/officers.md).
		w, err = world.Start(world.Options{Seed: t.Seed, Catalog: cfg.Catalog, Defects: switches, Dialects: t.Dialects(), Officers: t.OfficerMode()})
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "start the embedded mock world")
		ginkgo.DeferCleanup(w.Close)
		t.URLs = w.URLs(t.Province)
		if t.Portal.ResultCAFile == "" {
			// Result signatures are verified against a pinned CA only, never
			// one the portal serves: pin the world's, as a team pins its
			// portal's with portal.result_ca_file.
			f, err := os.CreateTemp(cfg.Run.RunDir, "result-ca-*.pem")
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "write the embedded world's result CA")
			_, err = f.Write(w.ResultCAPEM())
			gomega.Expect(errors.Join(err, f.Close())).To(gomega.Succeed(), "write the embedded world's result CA")
			ginkgo.DeferCleanup(os.Remove, f.Name())
			t.Portal.ResultCAFile = f.Name()
		}
	} else if len(switches.List()) > 0 {
		ginkgo.Fail("seeded defects switch on only in the embedded world; start `dvcqa mock serve --defect ...` for a standalone one")
	}
	// A run over several provinces: a profile per province, the first one
	// the processes' own (dialects are checked and health taken through it).
	var provinces []fixtures.Target
	if codes := cfg.Run.Provinces; len(codes) > 0 {
		for _, code := range codes {
			portalURL := ""
			if w != nil {
				portalURL = w.URLs(code).Portal
			}
			pt, err := t.ForProvince(code, portalURL, cfg.Catalog)
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "province %s of the run", code)
			provinces = append(provinces, pt)
		}
		t, provinces = provinces[0], provinces[1:]
	}
	// A profile naming the wrong dialect stops the run here, once, for
	// every process (a setup error of its own is reported by each below).
	// Process 1 keeps this Env for its specs rather than set up twice.
	if env, err := framework.Setup(&t, cfg.Catalog); err == nil {
		if err := env.CheckDialects(ctx); err != nil {
			ginkgo.Fail(err.Error())
		}
		firstEnv = env
	}
	data, err := json.Marshal(suiteTargets{Target: t, Provinces: provinces})
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return data
}, func(ctx ginkgo.SpecContext, data []byte) {
	cfg, err := framework.LoadConfig()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "dvcqa configuration")
	var st suiteTargets
	gomega.Expect(json.Unmarshal(data, &st)).To(gomega.Succeed())
	t := st.Target
	env := firstEnv // process 1: set up above, from the same profile
	if env == nil {
		env, err = framework.Setup(&t, cfg.Catalog)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "set up target %s", t.Name)
	}
	framework.AddProvinces(st.Provinces, cfg.Catalog)
	if ginkgo.GinkgoParallelProcess() == 1 {
		if note := env.CitizenSharing(); note != "" {
			ginkgo.AddReportEntry("test citizens shared", note, ginkgo.ReportEntryVisibilityAlways)
		}
		if note := env.SSOSessionNote(); note != "" {
			ginkgo.AddReportEntry(vocab.EntrySSOSession, note, ginkgo.ReportEntryVisibilityAlways)
		}
		// Every dependency's health at the start of the run, for BLOCKED
		// verdicts and the report's system versions.
		env.ReportHealth(ctx)
	}
}, ginkgo.NodeTimeout(2*time.Minute))

// suiteTargets is what process 1 hands every process: the resolved profile
// and, in a run over several provinces, the other provinces' profiles.
type suiteTargets struct {
	Target    fixtures.Target   `json:"target"`
	Provinces []fixtures.Target `json:"provinces,omitempty"`
}

// Each process closes its own Chromium (if a browser spec started one);
// process 1 then stops the embedded world through DeferCleanup.
var _ = ginkgo.SynchronizedAfterSuite(func(ctx ginkgo.SpecContext) {
	browser.CloseProcess()
}, func(ctx ginkgo.SpecContext) {}, ginkgo.NodeTimeout(time.Minute))

// progressOut sends each finished spec to dvcqa's console (nothing when
// the run did not ask: go test, dvcqa run -v). Ginkgo's parallel CLI holds
// a process's output back, so the console hears from the processes
// directly. The messages come from the report, masked already.
var progressOut progress.Sender

var _ = ginkgo.ReportBeforeSuite(func(r ginkgo.Report) {
	if err := progressOut.Send(progress.StartEvent(r)); err != nil {
		ginkgo.GinkgoWriter.Printf("dvcqa console: %v\n", err)
	}
})

var _ = ginkgo.ReportAfterEach(func(r ginkgo.SpecReport) {
	if e, ok := progress.SpecEvent(r); ok {
		if err := progressOut.Send(e); err != nil {
			ginkgo.GinkgoWriter.Printf("dvcqa console: %v\n", err)
		}
	}
})
