package payment

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/payment"
)

// TestTransactionsAreBounded: past MaxTransactions the oldest idle
// transactions go (QUERY then answers unknown reference), the newest stay;
// transactions still in use are never evicted, even over the bound.
func TestTransactionsAreBounded(t *testing.T) {
	p := newPlatformWith(t, 0, func(o *Options) { o.MaxTransactions, o.TransactionIdle = 2, time.Nanosecond })
	for i := 1; i <= 4; i++ {
		p.open(t, fmt.Sprint("REF-", i), 1000)
	}
	ctx := context.Background()
	_, err := p.client.Query(ctx, "REF-1")
	wantAPIError(t, "evicted reference", err, http.StatusNotFound, payment.CodeNotFound)
	if q, err := p.client.Query(ctx, "REF-4"); err != nil || q.SoTien != 1000 {
		t.Errorf("newest reference: %+v, %v", q, err)
	}
	if n, ev := len(p.srv.Transactions()), p.srv.Evicted(); n != 2 || ev != 2 {
		t.Errorf("kept %d, evicted %d; want 2, 2", n, ev)
	}

	busy := newPlatformWith(t, 0, func(o *Options) { o.MaxTransactions, o.TransactionIdle = 2, time.Hour })
	for i := 1; i <= 4; i++ {
		busy.open(t, fmt.Sprint("REF-", i), 1000)
	}
	if n := len(busy.srv.Transactions()); n != 4 {
		t.Errorf("in-use transactions: kept %d, want all 4", n)
	}
	if _, err := busy.client.Query(ctx, "REF-1"); err != nil {
		t.Errorf("an in-use transaction was lost: %v", err)
	}
}
