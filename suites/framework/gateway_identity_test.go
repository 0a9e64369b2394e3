package framework

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestNDXPQueryIdentityIsLearnt: the name and date of birth an ndxp query
// sends in its JSON body are learnt by the masker (learnRequest), so that a
// report quoting them masks them; the answer's XML is masked in the log.
func TestNDXPQueryIdentityIsLearnt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			_, _ = io.WriteString(w, `{"access_token":"t","token_type":"Bearer","expires_in":3600}`)
			return
		}
		_, _ = io.WriteString(w, `{"message":"<Envelope><Body><CongdanCollection><CongDan><SoDinhDanh>001077004321</SoDinhDanh>`+
			`<HoVaTen><Ho>Khổng</Ho><ChuDem>Minh</ChuDem><Ten>Triết</Ten></HoVaTen><NgayThangNamSinh>19770819</NgayThangNamSinh>`+
			`<ThuongTru><ChiTiet>Số 7, ngõ 3, phố Huế, Phường Hai Bà Trưng, Hà Nội</ChiTiet></ThuongTru></CongDan></CongdanCollection></Body></Envelope>"}`)
	}))
	defer srv.Close()
	log := &httpLog{next: http.DefaultTransport}
	c := &gateway.Client{BaseURL: srv.URL, ClientID: "province-01", ClientSecret: "s", Dialect: vocab.DialectGatewayNDXP,
		HTTP: &http.Client{Transport: log},
		Identity: func(string) (gateway.Identity, error) {
			return gateway.Identity{FullName: "Khổng Minh Triết", DateOfBirth: "1977-08-19"}, nil
		}}
	if _, err := c.Lookup(context.Background(), "population", "SoDinhDanh", "001077004321", ""); err != nil {
		t.Fatal(err)
	}
	m := pii.Mask("name Khổng Minh Triết born 19770819")
	for _, leak := range []string{"Khổng Minh Triết", "19770819"} {
		if strings.Contains(m, leak) {
			t.Errorf("%q sent in the ndxp query is not known to the masker: %s", leak, m)
		}
	}
	out := log.String()
	if !strings.Contains(out, "POST /api/v1/population/query → 200") {
		t.Errorf("log: %s", out)
	}
	// The answer's SOAP XML, in the log's excerpt: the name's parts and the
	// address are masked too (internal/redact, xml.go).
	for _, leak := range []string{"Khổng", "Minh", "Triết", "phố Huế", "19770819", "001077004321"} {
		if strings.Contains(out, leak) {
			t.Errorf("the HTTP log shows %q: %s", leak, out)
		}
	}
}

func TestGatewayIdentity(t *testing.T) {
	e := &Env{citizens: []Citizen{
		{PersonalID: "001085012345", FullName: "Trần Anh Đạt", DateOfBirth: "1985-03-14"},
		{PersonalID: "001090000001", FullName: "Lê Na", DateOfBirth: "1990"},
		{PersonalID: "001090000002", identityGap: "set profile key accounts[2].full_name_env"},
	}}
	for id, want := range map[string]gateway.Identity{
		"001085012345": {FullName: "Trần Anh Đạt", DateOfBirth: "1985-03-14"},
		"001090000001": {FullName: "Lê Na", BirthYear: "1990"},
		"001099000000": placeholderIdentity, // no test citizen: the unknown-ID spec
	} {
		if got, err := e.gatewayIdentity(id); err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", id, got, err, want)
		}
	}
	if _, err := e.gatewayIdentity("001090000002"); err == nil || !strings.Contains(err.Error(), "accounts[2].full_name_env") {
		t.Errorf("missing key: %v", err)
	}
}

func TestAccountIdentity(t *testing.T) {
	t.Setenv("DVCQA_T_NAME", "Trần Anh Đạt")
	t.Setenv("DVCQA_T_DOB", "1985-03-14")
	c := accountIdentity(0, fixtures.Account{FullNameEnv: "DVCQA_T_NAME", DateOfBirthEnv: "DVCQA_T_DOB"}, Citizen{PersonalID: "001085012345"})
	if c.FullName != "Trần Anh Đạt" || c.DateOfBirth != "1985-03-14" || c.identityGap != "" {
		t.Errorf("%+v", c)
	}
	c = accountIdentity(1, fixtures.Account{FullNameEnv: "DVCQA_T_NAME"}, Citizen{})
	if !strings.Contains(c.identityGap, "accounts[1].date_of_birth_env") || strings.Contains(c.identityGap, "full_name_env") {
		t.Errorf("gap %q", c.identityGap)
	}
}
