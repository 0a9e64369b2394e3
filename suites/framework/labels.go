package framework

import (
	"strings"

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

// Label prefixes, shared with the report builder, which groups specs by them.
const (
	ServicePrefix = "service:"
	AgencyPrefix  = "agency:"
	DBPrefix      = "db:"
	SystemPrefix  = "system:"
	KindPrefix    = "kind:"
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

// LabelValue returns the value of the first label with the prefix, or "".
func LabelValue(labels []string, prefix string) string {
	for _, l := range labels {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimPrefix(l, prefix)
		}
	}
	return ""
}
