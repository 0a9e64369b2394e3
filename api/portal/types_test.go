package portal

import (
	"encoding/json"
	"strings"
	"testing"
)

// The contract (SubmitRequest) lets fields and attachments be left out,
// never be null: a portal validating its input refuses null.
func TestSubmitRequestNeverSendsNull(t *testing.T) {
	for _, tt := range []struct {
		req  SubmitRequest
		want string
	}{
		{SubmitRequest{ServiceID: "DV09"}, `{"service_id":"DV09"}`},
		{SubmitRequest{ServiceID: "DV09", Fields: map[string]string{}, Attachments: []AttachmentRef{}}, `{"service_id":"DV09"}`},
		{SubmitRequest{ServiceID: "DV09", Fields: map[string]string{"A": "1"}, Attachments: []AttachmentRef{{Type: "t", ID: "i"}}},
			`{"service_id":"DV09","fields":{"A":"1"},"attachments":[{"type":"t","id":"i"}]}`},
	} {
		data, err := json.Marshal(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != tt.want || strings.Contains(string(data), "null") {
			t.Errorf("Marshal(%+v) = %s, want %s", tt.req, data, tt.want)
		}
	}
}
