package services

import (
	"context"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/resultpdf"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// webDownload is the result PDF the result page's link downloads.
var webDownload = framework.Answer{System: "portal", Operation: "web: downloaded result"}

// checkResult verifies the result PDF the API answers against the pinned
// CA (portal.result_ca_file, never the portal's own word) and holds what
// it states to the dossier and the catalog.
func checkResult(ctx context.Context, f *framework.Framework, svc fixtures.Service, p *portal.Client, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	res, err := p.Result(ctx, d.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "download the result of %s", d.Code)
	gomega.Expect(res.MediaType).To(gomega.Equal(portal.MediaTypePDF), "media type of the result of %s", d.Code)
	doc := verifyResult(f, res.PDF, "the result of "+d.Code)
	var diffs framework.Diffs
	diffs.Field(ansResult, "document_no (the number the PDF states)", doc.DocumentNo, res.DocumentNo)
	resultDiffs(&diffs, ansResult, svc, d, provinceName(f), *doc)
	diffs.Expect("result document of " + d.Code + " ≠ the dossier and the catalog")
}

// verifyResult checks a result PDF's signature, chain and validity and
// reads what it states; what names the PDF in the failure.
func verifyResult(f *framework.Framework, pdf []byte, what string) *portal.ResultDocument {
	ginkgo.GinkgoHelper()
	doc, err := resultpdf.VerifyResultPDF(pdf, pinnedResultCA(f), time.Now())
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "signature of %s does not verify", what)
	return doc
}

// pinnedResultCA is the trust anchor of result signatures: the profile's
// portal.result_ca_file, out of band. A CA the portal under test serves
// proves nothing about its own signatures, so without the file the check
// fails (it is not skipped: an unchecked signature is no pass).
func pinnedResultCA(f *framework.Framework) []byte {
	ginkgo.GinkgoHelper()
	if f.Target.Portal.ResultCAFile == "" {
		ginkgo.Fail("no pinned result CA: set portal.result_ca_file in the target profile to the PEM of the CA that certifies the portal's result signers (the harness never trusts a CA served by the portal under test)")
	}
	ca, err := f.Target.ResultCA()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the pinned result CA")
	return ca
}

// provinceName is the target province's Vietnamese name ("" when the
// catalog does not know it).
func provinceName(f *framework.Framework) string {
	if pr, ok := f.Catalog.Province(f.Target.Province); ok {
		return pr.NameVI
	}
	return ""
}
