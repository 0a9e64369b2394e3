package framework

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/fixtures"
)

// Labels come from this one registry so that `--label-filter` expressions
// stay stable; nobody types a label string in a spec.
var (
	LayerAPI     = ginkgo.Label("layer:api")
	LayerBrowser = ginkgo.Label("layer:browser")

	KindE2E        = ginkgo.Label("kind:e2e")
	KindNegative   = ginkgo.Label("kind:negative")
	KindConnection = ginkgo.Label("kind:connection")
	KindPlatform   = ginkgo.Label("kind:platform")
	KindA11y       = ginkgo.Label("kind:a11y")

	SystemSSO     = ginkgo.Label("system:sso")
	SystemPayment = ginkgo.Label("system:payment")
	SystemDVCQG   = ginkgo.Label("system:dvcqg")
	SystemGateway = ginkgo.Label("system:gateway")
)

// Label prefixes of the per-item labels. The report builder (package
// reports) groups specs by the same strings; it keeps its own copy because
// data flows one way and reports never import the suites.
const (
	ServicePrefix = "service:"
	AgencyPrefix  = "agency:"
	DBPrefix      = "db:"
)

// ServiceLabels labels everything about one catalog service: its id, its
// agency and the national databases it relies on.
func ServiceLabels(s fixtures.Service) ginkgo.Labels {
	l := ginkgo.Labels{ServicePrefix + s.ID, AgencyPrefix + s.Agency}
	for _, db := range s.Databases {
		l = append(l, DBPrefix+db)
	}
	return l
}

// DBLabel labels a national-database connection spec.
func DBLabel(db string) ginkgo.Labels { return ginkgo.Labels{DBPrefix + db} }
