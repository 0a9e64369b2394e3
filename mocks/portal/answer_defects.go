package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// Seeded defects of single fields of the portal's answers, each wrong in
// a field the harness did not pick before it compared whole answers
// (registered in mocks/defects/registry_answers.go).
const (
	defectCatalogAttachmentLimit = "catalog-attachment-limit-wrong" // catalogAnswer
	defectFormLabelWrong         = "form-label-wrong"               // formAnswer
	defectReceiptHashWrong       = "upload-receipt-hash-wrong"      // receiptAnswer
	defectReadbackFieldLost      = "dossier-readback-field-lost"    // readBackAnswer
	defectDeliveredAtDrift       = "delivered-at-drift"             // dossierAnswer
	defectHistoryOfficerBlank    = "history-officer-blank"          // dossierAnswer
	defectTransactionIDOwn       = "payment-transaction-id-own"     // payment.go, handlePaymentCallback
	defectBillPayerUppercase     = "payment-payer-name-uppercase"   // payment.go, startPayment
	defectResultDocumentNo       = "result-document-no-wrong"       // result.go, issueResult
)

// catalogAnswer: catalog-attachment-limit-wrong halves every attachment's
// size limit in the catalog entry (the upload still enforces the real one).
func (s *Server) catalogAnswer(e wire.Service) wire.Service {
	if _, on := s.defect(defectCatalogAttachmentLimit, e.ID); on {
		e.Attachments = slices.Clone(e.Attachments)
		for i := range e.Attachments {
			e.Attachments[i].MaxSizeKB /= 2
		}
	}
	return e
}

// formAnswer: form-label-wrong labels the form's first field with its
// English label in the Vietnamese one.
func (s *Server) formAnswer(f wire.Form) wire.Form {
	if _, on := s.defect(defectFormLabelWrong, f.ServiceID); on && len(f.Fields) > 0 {
		f.Fields[0].LabelVI = f.Fields[0].LabelEN
	}
	return f
}

// receiptAnswer: upload-receipt-hash-wrong states the SHA-256 of the file
// name instead of the bytes. Uploads name no service, so the switch is
// world-wide.
func (s *Server) receiptAnswer(a wire.Attachment) wire.Attachment {
	if _, on := s.defect(defectReceiptHashWrong, ""); on {
		a.SHA256 = sha256Hex([]byte(a.Filename))
	}
	return a
}

// readBackAnswer: dossier-readback-field-lost drops the last submitted
// field (by name) when the dossier is read back; the submit answer still
// echoes it.
func (s *Server) readBackAnswer(v wire.Dossier) wire.Dossier {
	if _, on := s.defect(defectReadbackFieldLost, v.ServiceID); on && len(v.Fields) > 0 {
		names := make([]string, 0, len(v.Fields))
		for k := range v.Fields {
			names = append(names, k)
		}
		slices.Sort(names)
		delete(v.Fields, names[len(names)-1])
	}
	return v
}

// dossierAnswer: delivered-at-drift states delivered_at an hour after the
// delivery the history records; history-officer-blank leaves the
// processing step's officer unnamed (the national portal still hears the
// name).
func (s *Server) dossierAnswer(v wire.Dossier) wire.Dossier {
	if _, on := s.defect(defectDeliveredAtDrift, v.ServiceID); on && !v.DeliveredAt.IsZero() {
		v.DeliveredAt = v.DeliveredAt.Add(time.Hour)
	}
	if _, on := s.defect(defectHistoryOfficerBlank, v.ServiceID); on {
		for i := range v.History {
			if v.History[i].Status == wire.StatusProcessing {
				v.History[i].Officer = ""
			}
		}
	}
	return v
}

// payerName: payment-payer-name-uppercase sends the payer's name in
// capitals on the receipt.
func (s *Server) payerName(serviceID, name string) string {
	if _, on := s.defect(defectBillPayerUppercase, serviceID); on {
		return strings.ToUpper(name)
	}
	return name
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
