package platform

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// judged runs every negative spec's call against base and returns what
// each judge said, by spec.
func judged(t *testing.T, base string) map[string]error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: 2 * time.Second}
	out := map[string]error{}

	s := &sso.Client{Issuer: base + "/sso", ClientID: "dvcqa-portal", RedirectURI: base + "/portal/01/auth/callback", HTTP: hc}
	_, err := s.Login(ctx, "001090012345", "sai-mat-khau")
	out["sso wrong password"] = credentialsRefused(err)
	_, err = s.Refresh(ctx, "used-refresh-token")
	out["sso used refresh token"] = refreshRefused(err)

	p := &portal.Client{BaseURL: base + "/portal/01", Token: "eyJhbGciOiJSUzI1NiJ9.e30.AAAA", HTTP: hc}
	_, err = p.Form(ctx, "DV01")
	out["portal forged token"] = portalRefusal(err, portal.ReasonBadSignature)
	out["portal expired token"] = portalRefusal(err, portal.ReasonTokenExpired)

	d := &dvcqg.Client{BaseURL: base + "/dvcqg", Username: "portal-01", Password: "sai", DstCode: "DST01", AgencyID: "000.00.00.H01", HTTP: hc}
	out["dvcqg wrong password"] = sessionRefused(d.Login(ctx))
	_, err = d.Lookup(ctx, "000.00.00.H01-200101-9999")
	out["dvcqg not found"] = dossierNotFound(err)

	pay := &payment.Client{BaseURL: base + "/payment", PartnerCode: "PORTAL-01", Secret: "sai-khoa", HTTP: hc}
	_, err = pay.Init(ctx, payment.InitRequest{MaThamChieu: "DVCQA-1", SoTien: 10000, UrlCallback: base + "/cb", UrlTraVe: base + "/rt"})
	out["payment INIT wrong signature"] = paymentRefusal(err, http.StatusBadRequest, "07")
	_, err = pay.Query(ctx, "DVCQA-1")
	out["payment nothing created"] = paymentRefusal(err, http.StatusNotFound, "04")

	env := &framework.Env{Target: &fixtures.Target{URLs: fixtures.URLs{Portal: base + "/portal/01"}}, HTTP: hc}
	ans, err := env.PostPaymentCallback(ctx, payment.Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "X", SoTien: 1})
	out["portal forged callback"] = callbackAnswer(ans, err, http.StatusBadRequest, "07")
	out["portal short callback"] = callbackAnswer(ans, err, http.StatusBadRequest, "09")
	return out
}

// TestNegativeSpecsFailWhenTheSystemIsDown: with every system unreachable,
// or answering 500 or 404 pages, no negative platform spec passes. (Before
// issue 8 "refuses a wrong password" passed with the SSO down.)
func TestNegativeSpecsFailWhenTheSystemIsDown(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // a loopback port nobody listens on any more
	bases := map[string]string{"unreachable": closed.URL}
	for name, status := range map[string]int{"HTTP 500": http.StatusInternalServerError, "HTTP 404": http.StatusNotFound, "HTTP 502": http.StatusBadGateway} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "<html><body>error</body></html>", status)
		}))
		t.Cleanup(srv.Close)
		bases[name] = srv.URL
	}
	for name, base := range bases {
		for spec, err := range judged(t, base) {
			if err == nil {
				t.Errorf("%s: the %q spec passed", name, spec)
			}
		}
	}
}

// TestJudgesTellTheExactRefusal: each judge passes on the refusal the
// protocol prescribes and fails on a near miss.
func TestJudgesTellTheExactRefusal(t *testing.T) {
	for _, c := range []struct {
		name   string
		got    error
		passes bool
	}{
		{"sso credential error", credentialsRefused(&sso.CredentialsError{Status: 401, Message: "Số định danh hoặc mật khẩu không đúng"}), true},
		{"sso accepted", credentialsRefused(nil), false},
		{"dvcqg session -1", sessionRefused(&dvcqg.Error{Service: "session", Code: dvcqg.CodeFailed, Message: "Tên đăng nhập hoặc mật khẩu không đúng"}), true},
		{"dvcqg session accepted", sessionRefused(nil), false},
		{"dvcqg session other code", sessionRefused(&dvcqg.Error{Service: "session", Code: 2, Message: "Lỗi"}), false},
		{"dvcqg not found -1", dossierNotFound(&dvcqg.Error{Service: dvcqg.ServiceLookup, Code: dvcqg.CodeFailed, Message: dvcqg.MessageNotFound}), true},
		{"dvcqg not found code 2", dossierNotFound(&dvcqg.Error{Service: dvcqg.ServiceLookup, Code: 2, Message: dvcqg.MessageNotFound}), false},
		{"dvcqg invalid session", dossierNotFound(&dvcqg.Error{Service: dvcqg.ServiceLookup, Code: dvcqg.CodeFailed, Message: dvcqg.MessageInvalidSession}), false},
		{"payment 07", paymentRefusal(&payment.Error{Status: 400, MaLoi: "07"}, 400, "07"), true},
		{"payment 01", paymentRefusal(&payment.Error{Status: 400, MaLoi: "01"}, 400, "07"), false},
		{"portal bad signature", portalRefusal(&portal.APIError{Status: 401, Code: portal.CodeUnauthenticated, Reason: portal.ReasonBadSignature}, portal.ReasonBadSignature), true},
		{"portal 401 other reason", portalRefusal(&portal.APIError{Status: 401, Code: portal.CodeUnauthenticated, Reason: portal.ReasonMalformed}, portal.ReasonBadSignature), false},
		{"portal 403", portalRefusal(&portal.APIError{Status: 403, Code: "forbidden"}, portal.ReasonBadSignature), false},
		{"callback 07", callbackAnswer(&framework.CallbackAnswer{Status: 400, MaLoi: "07"}, nil, 400, "07"), true},
		{"callback 00", callbackAnswer(&framework.CallbackAnswer{Status: 200, MaLoi: "00"}, nil, 400, "07"), false},
		{"refresh rotated", refreshRotated("a", "b"), true},
		{"refresh same", refreshRotated("a", "a"), false},
	} {
		if (c.got == nil) != c.passes {
			t.Errorf("%s: judge said %v, want passes=%v", c.name, c.got, c.passes)
		}
	}
}

func TestDiscoveryProblems(t *testing.T) {
	iss := "http://127.0.0.1:1/sso"
	good := sso.Discovery{
		Issuer: iss, AuthorizationEndpoint: iss + "/authorize", TokenEndpoint: iss + "/token", UserinfoEndpoint: iss + "/userinfo",
		JWKSURI: iss + "/jwks", EndSessionEndpoint: iss + "/logout", ResponseTypesSupported: []string{"code"},
		GrantTypesSupported: []string{"authorization_code", "refresh_token"}, CodeChallengeMethodsSupported: []string{"S256"},
		IDTokenSigningAlgValuesSupported: []string{"RS256"}, SubjectTypesSupported: []string{"public"},
		ScopesSupported: []string{"openid", "profile"}, TokenEndpointAuthMethodsSupported: []string{"none", "client_secret_basic"},
	}
	if p := discoveryProblems(&good, iss); len(p) != 0 {
		t.Errorf("the contract's document: %v", p)
	}
	bad := good
	bad.CodeChallengeMethodsSupported, bad.GrantTypesSupported = nil, nil
	bad.UserinfoEndpoint = "http://elsewhere.test/userinfo"
	bad.TokenEndpointAuthMethodsSupported = nil
	p := discoveryProblems(&bad, iss)
	for _, want := range []string{"code_challenge_methods_supported", "grant_types_supported", "userinfo_endpoint", "token_endpoint_auth_methods_supported"} {
		if !strings.Contains(strings.Join(p, "\n"), want) {
			t.Errorf("problems %v do not name %s", p, want)
		}
	}
	if len(p) != 4 {
		t.Errorf("%d problems, want one per wrong field: %v", len(p), p)
	}
}

func TestJWKSProblems(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	sign := func(k *rsa.PrivateKey, kid string) string {
		input := b64([]byte(`{"alg":"RS256","kid":"`+kid+`"}`)) + "." + b64([]byte(`{"sub":"x"}`))
		sum := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return input + "." + b64(sig)
	}
	pub := jwk{Kty: "RSA", Use: "sig", Alg: "RS256", Kid: "k1", N: b64(key.N.Bytes()), E: b64(big.NewInt(int64(key.E)).Bytes())}
	if p := jwksProblems([]jwk{pub}, sign(key, "k1")); len(p) != 0 {
		t.Errorf("a good key and token: %v", p)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if p := jwksProblems([]jwk{pub}, sign(other, "k1")); len(p) != 1 || !strings.Contains(p[0], "does not verify") {
		t.Errorf("a token signed by another key: %v", p)
	}
	if p := jwksProblems([]jwk{pub}, sign(key, "k2")); len(p) != 1 || !strings.Contains(p[0], "does not hold") {
		t.Errorf("a token naming an unknown kid: %v", p)
	}
	hs := pub
	hs.Alg = "HS256"
	if p := jwksProblems([]jwk{hs}, sign(key, "k1")); len(p) != 1 {
		t.Errorf("an HS256 key: %v", p)
	}
}

func TestIdentityClaimProblems(t *testing.T) {
	const id, iss, client = "001090012345", "http://127.0.0.1:1/sso", "dvcqa-portal"
	now := time.Unix(1_800_000_000, 0)
	pop := map[string]string{"HoVaTen": "Nguyễn Thị Hoa", "NgayThangNamSinh": "1990-02-15", "GioiTinh": "Nữ", "ThuongTru": "Hà Nội", "SoDienThoai": "0912345678"}
	claims := map[string]any{"iss": iss, "aud": client, "exp": float64(now.Unix() + 600), "iat": float64(now.Unix()), "auth_time": float64(now.Unix()),
		"nonce": "n", "sub": id, "SoDinhDanh": id, "LoaiTaiKhoan": "1", "HoVaTen": pop["HoVaTen"], "NgayThangNamSinh": pop["NgayThangNamSinh"], "GioiTinh": pop["GioiTinh"]}
	if p := idTokenProblems(claims, iss, client, id, pop, now); len(p) != 0 {
		t.Errorf("a right ID token: %v", p)
	}
	claims["NgayThangNamSinh"], claims["aud"], claims["nonce"] = "1990-02-14", "other", ""
	if p := idTokenProblems(claims, iss, client, id, pop, now); len(p) != 3 {
		t.Errorf("three wrong claims, %d problems: %v", len(p), p)
	}

	info := map[string]any{"sub": id, "SoDinhDanh": id, "LoaiTaiKhoan": "1", "HoVaTen": pop["HoVaTen"], "NgayThangNamSinh": pop["NgayThangNamSinh"],
		"GioiTinh": pop["GioiTinh"], "ThuongTru": pop["ThuongTru"], "SoDienThoai": pop["SoDienThoai"]}
	if p := userinfoProblems(info, id, pop); len(p) != 0 {
		t.Errorf("a right userinfo: %v", p)
	}
	info["sub"], info["ThuDienTu"] = "001090000001", "x@example.vn"
	delete(info, "ThuongTru")
	if p := userinfoProblems(info, id, pop); len(p) != 3 {
		t.Errorf("another sub, an extra and a missing claim: %d problems: %v", len(p), p)
	}
}

func TestRefreshedIDTokenProblems(t *testing.T) {
	login := map[string]any{"iss": "i", "sub": "s", "aud": "a", "auth_time": float64(100), "SoDinhDanh": "s", "iat": float64(100), "exp": float64(700), "nonce": "n"}
	fresh := map[string]any{"iss": "i", "sub": "s", "aud": "a", "auth_time": float64(100), "SoDinhDanh": "s", "iat": float64(160), "exp": float64(760)}
	if p := refreshedIDTokenProblems(login, fresh); len(p) != 0 {
		t.Errorf("a right refreshed ID token: %v", p)
	}
	fresh["sub"], fresh["auth_time"], fresh["nonce"], fresh["exp"] = "other", float64(160), "m", float64(150)
	if p := refreshedIDTokenProblems(login, fresh); len(p) != 4 {
		t.Errorf("sub, auth_time, nonce and exp wrong, %d problems: %v", len(p), p)
	}
}
