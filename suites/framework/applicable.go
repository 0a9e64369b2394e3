package framework

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/vocab"
)

// NotApplicable ends the spec as not applicable to this target, with the
// reason (which must name the profile setting that makes it so, e.g.
// "sso.dialect wso2: …"). Unlike a plain Skip it leaves no check NOT
// VERIFIED; an item none of whose specs ran is still not verified.
func NotApplicable(reason string) {
	ginkgo.GinkgoHelper()
	ginkgo.Skip(vocab.NotApplicable + reason)
}
