package framework

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// Labels come from this one registry, built from the shared vocabulary
// (package vocab, which the report builder reads too), so that
// `--label-filter` expressions stay stable; nobody types a label string in
// a spec.
var (
	LayerAPI     = ginkgo.Label(vocab.Label(vocab.KeyLayer, vocab.LayerAPI))
	LayerBrowser = ginkgo.Label(vocab.Label(vocab.KeyLayer, vocab.LayerBrowser))

	KindE2E        = Kind(vocab.KindE2E)
	KindNegative   = Kind(vocab.KindNegative)
	KindConnection = Kind(vocab.KindConnection)
	KindPlatform   = Kind(vocab.KindPlatform)
	KindA11y       = Kind(vocab.KindA11y)

	SystemSSO     = ginkgo.Label(vocab.Label(vocab.KeySystem, vocab.SystemSSO))
	SystemPayment = ginkgo.Label(vocab.Label(vocab.KeySystem, vocab.SystemPayment))
	SystemDVCQG   = ginkgo.Label(vocab.Label(vocab.KeySystem, vocab.SystemDVCQG))
	SystemGateway = ginkgo.Label(vocab.Label(vocab.KeySystem, vocab.SystemGateway))
)

// Kind labels a spec with its kind (vocab.Kind…): the report builder fills
// the service-matrix column of that kind (vocab.Columns) from it.
func Kind(kind string) ginkgo.Labels { return ginkgo.Label(vocab.Label(vocab.KeyKind, kind)) }

// ServiceLabels labels everything about one catalog service: its id, its
// agency and the national databases it relies on.
func ServiceLabels(s fixtures.Service) ginkgo.Labels {
	l := ginkgo.Labels{vocab.Label(vocab.KeyService, s.ID), vocab.Label(vocab.KeyAgency, s.Agency)}
	for _, db := range s.Databases {
		l = append(l, vocab.DB(db))
	}
	return l
}

// DBLabel labels a national-database connection spec.
func DBLabel(db string) ginkgo.Labels { return ginkgo.Labels{vocab.DB(db)} }
