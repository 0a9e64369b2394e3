package payment

import (
	"context"
	"net/http"
	"testing"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

func TestDefectInitUnsignedAccepted(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "payment-init-unsigned-accepted"})
	p := newPlatformWith(t, 0, func(o *Options) { o.Defects = set })
	ctx := context.Background()
	wrong := *p.client
	wrong.Secret = "sai-khoa"

	// Signed with the wrong secret, yet opened and queryable.
	opened, err := wrong.Init(ctx, p.initRequest("REF-1", 150000))
	if err != nil || opened.MaLoi != payment.CodeOK || opened.MaGiaoDich == "" {
		t.Fatalf("INIT with a wrong MaXacThuc and the defect on: %+v, %v", opened, err)
	}
	if tx := p.transaction(t, "REF-1"); tx.MaGiaoDich != opened.MaGiaoDich || tx.TrangThaiGD != payment.StatusPending {
		t.Errorf("stored = %+v", tx)
	}
	q, err := wrong.Query(ctx, "REF-1")
	if err != nil || q.MaGiaoDich != opened.MaGiaoDich {
		t.Errorf("QUERY with a wrong MaXacThuc and the defect on: %+v, %v", q, err)
	}
	// Only the signature goes unchecked.
	stranger := wrong
	stranger.PartnerCode = "PORTAL-99"
	_, err = stranger.Init(ctx, p.initRequest("REF-2", 150000))
	wantAPIError(t, "unknown partner", err, http.StatusUnauthorized, payment.CodeUnknownPartner)
	bad := p.initRequest("REF-3", 150000)
	bad.MaTienTe = "USD"
	_, err = wrong.Init(ctx, bad)
	wantAPIError(t, "malformed", err, http.StatusBadRequest, payment.CodeMalformed)

	set.Replace(nil)
	_, err = wrong.Init(ctx, p.initRequest("REF-4", 150000))
	wantAPIError(t, "INIT after the switch went off", err, http.StatusBadRequest, payment.CodeBadSignature)
	_, err = wrong.Query(ctx, "REF-1")
	wantAPIError(t, "QUERY after the switch went off", err, http.StatusBadRequest, payment.CodeBadSignature)
	if n := len(p.srv.Transactions()); n != 1 {
		t.Errorf("transactions = %d, want the one opened while the defect was on", n)
	}
	if _, err := p.client.Query(ctx, "REF-1"); err != nil {
		t.Errorf("a properly signed QUERY after the switch went off: %v", err)
	}
}

// The harness's client (api/payment) is the independent judge here: it
// signs and verifies with its own code.
func TestDefectSignatureFieldOrder(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "payment-signature-field-order"})
	p := newPlatformWith(t, 0, func(o *Options) { o.Defects = set })
	_, err := p.client.Init(context.Background(), p.initRequest("REF-1", 150000))
	wantAPIError(t, "genuine INIT with the defect on", err, http.StatusBadRequest, payment.CodeBadSignature)
	set.Replace(nil)
	p.open(t, "REF-1", 150000)
	set.Replace([]defects.Switch{{Name: "payment-signature-field-order"}})
	_, err = p.client.Query(context.Background(), "REF-1")
	wantAPIError(t, "genuine QUERY with the defect on", err, http.StatusBadRequest, payment.CodeBadSignature)
}

func TestDefectCallbackFieldOrder(t *testing.T) {
	for _, on := range []bool{false, true} {
		var set *defects.Set
		if on {
			set = defects.NewSet(defects.Switch{Name: "payment-callback-field-order"})
		}
		p := newPlatformWith(t, 0, func(o *Options) { o.Defects = set })
		opened := p.open(t, "REF-1", 150000) // INIT is checked right either way
		p.post(t, opened.MaGiaoDich, "confirm")
		_, accepted := p.rc.seen()
		if len(accepted) != 1 {
			t.Fatalf("defect %v: %d callbacks delivered", on, len(accepted))
		}
		if verifies := accepted[0].Verify(partnerSecret); verifies == on {
			t.Errorf("defect %v: callback verifies = %v", on, verifies)
		}
	}
}
