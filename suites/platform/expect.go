package platform

import (
	"errors"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/portal"
)

// expectStatus asserts err is the portal's error answer with the status.
func expectStatus(err error, status int, what string) {
	ginkgo.GinkgoHelper()
	gomega.Expect(err).To(gomega.HaveOccurred(), "%s was accepted; want HTTP %d", what, status)
	var ae *portal.APIError
	gomega.Expect(errors.As(err, &ae)).To(gomega.BeTrue(), "%s: want an HTTP %d error answer, got %v", what, status, err)
	gomega.Expect(ae.Status).To(gomega.Equal(status), "%s answered HTTP %d, want %d", what, ae.Status, status)
}
