package officer

import (
	"slices"
	"testing"
)

// TestNextTable is the contract's table (docs/officers.md), row by row, as
// read by eye: every (state, action) pair it allows and where it leads.
func TestNextTable(t *testing.T) {
	allowed := map[[2]string]string{
		{"submitted", Receive}:           "accepted",
		{"payment_required", Receive}:    "accepted",
		{"accepted", Assign}:             "processing",
		{"processing", Approve}:          "processing",
		{"processing", Sign}:             "finished",
		{"finished", Return}:             "delivered",
		{"accepted", RequestDocuments}:   "supplement_requested",
		{"processing", RequestDocuments}: "supplement_requested",
		{"submitted", Refuse}:            "rejected",
		{"payment_required", Refuse}:     "rejected",
		{"accepted", Refuse}:             "rejected",
		{"processing", Refuse}:           "rejected",
	}
	states := []string{"submitted", "payment_required", "accepted", "processing", "finished", "delivered", "rejected", "supplement_requested", "withdrawn"}
	for _, s := range states {
		for _, a := range append(slices.Clone(AllActions), "fly") {
			to, ok := Next(s, a)
			want, wantOK := allowed[[2]string{s, a}]
			if ok != wantOK || to != want {
				t.Errorf("Next(%s, %s) = %q, %v; want %q, %v", s, a, to, ok, want, wantOK)
			}
		}
	}
}

func TestAllowed(t *testing.T) {
	for _, c := range []struct {
		state             string
		approved, payable bool
		want              []string
	}{
		{"submitted", false, true, []string{Receive, Refuse}},
		{"payment_required", false, false, []string{Refuse}},
		{"payment_required", false, true, []string{Receive, Refuse}},
		{"accepted", false, true, []string{Assign, RequestDocuments, Refuse}},
		{"processing", false, true, []string{Approve, RequestDocuments, Refuse}},
		{"processing", true, true, []string{Sign, RequestDocuments, Refuse}},
		{"finished", true, true, []string{Return}},
		{"delivered", true, true, []string{}},
		{"rejected", false, true, []string{}},
	} {
		if got := Allowed(c.state, c.approved, c.payable); !slices.Equal(got, c.want) {
			t.Errorf("Allowed(%s, approved %v, payable %v) = %v, want %v", c.state, c.approved, c.payable, got, c.want)
		}
	}
}

func TestProcessingReachesDelivered(t *testing.T) {
	state, approved := "submitted", false
	for _, a := range Processing {
		if !slices.Contains(Allowed(state, approved, true), a) {
			t.Fatalf("%s not allowed in %s (approved %v)", a, state, approved)
		}
		state, _ = Next(state, a)
		approved = ApprovedAfter(approved, a)
	}
	if state != "delivered" || !approved {
		t.Errorf("processing ends in %s, approved %v", state, approved)
	}
}
