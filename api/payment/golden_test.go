package payment

import "testing"

// Golden vectors of MaXacThuc (authentication code). No worked example of
// the signature is published: the platform's public field lists (INIT:
// LoaiBanTin|PhienBan|MaDoiTac|…|Ip|secret; callback: LoaiBanTin|MaLoi|…;
// protocols-public.md) give the order but no sample values or digests, and
// the dvcqa contract (docs/contracts.md, "Payment platform") signs a
// shorter field list. Each digest below was therefore computed outside Go,
// by coreutils over the literal string written next to it:
//
//	printf '%s' '<string>' | sha256sum
//
// so the vector depends neither on this package's joining nor on Go's
// hashing.
const goldenSecret = "khoa-bi-mat"

func TestInitSignatureGoldenVectors(t *testing.T) {
	r := InitRequest{
		LoaiBanTin: MsgInit, MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", SoTien: 150000, MaTienTe: "VND",
		UrlCallback: "http://127.0.0.1:8080/portal/01/api/v1/payment/callback",
		UrlTraVe:    "http://127.0.0.1:8080/portal/01/payment/return",
		// Not signed by the contract: changing it must not change MaXacThuc.
		ThongTinBienLai: Receipt{MaHoSo: "000.00.01.H22-260424-0001"},
	}
	// 'INIT|PORTAL-01|DVCQA-000123|150000|VND|http://127.0.0.1:8080/portal/01/api/v1/payment/callback|http://127.0.0.1:8080/portal/01/payment/return|khoa-bi-mat'
	const want = "a58ecbb157d5e62a4b374dc2723b2948769e7e2a154a8f7edea98d2df1ab47e2"
	r.Sign(goldenSecret)
	if r.MaXacThuc != want {
		t.Errorf("INIT MaXacThuc = %s, want %s", r.MaXacThuc, want)
	}
	if !r.Verify(goldenSecret) {
		t.Error("INIT with the golden MaXacThuc does not verify")
	}
	r.ThongTinBienLai.MaHoSo = "other"
	if !r.Verify(goldenSecret) {
		t.Error("INIT signature covers the receipt, which the contract does not sign")
	}
	r.UrlCallback = "http://127.0.0.1:9999/attacker"
	if r.Verify(goldenSecret) {
		t.Error("INIT with another callback URL still verifies")
	}
}

func TestQuerySignatureGoldenVectors(t *testing.T) {
	// 'QUERY|PORTAL-01|DVCQA-000123|khoa-bi-mat'
	if got, want := QuerySignature("PORTAL-01", "DVCQA-000123", goldenSecret), "9f36c7f7a7240022782ff016323cca32c2b384e319de520639ea237d5e9114cd"; got != want {
		t.Errorf("QUERY MaXacThuc = %s, want %s", got, want)
	}
	// 'GET_BILL|PORTAL-01|DVCQA-000123|khoa-bi-mat'
	q := QueryRequest{LoaiBanTin: MsgGetBill, MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123"}
	q.Sign(goldenSecret)
	if want := "f2c4021c65d4374f8e11e6b64a333fef4fc2037078bfac83148f31dc0f50063b"; q.MaXacThuc != want {
		t.Errorf("GET_BILL MaXacThuc = %s, want %s", q.MaXacThuc, want)
	}
}

func TestCallbackSignatureGoldenVectors(t *testing.T) {
	for _, tt := range []struct {
		cb     Callback
		secret string
		want   string
		signed string // the literal given to sha256sum
	}{
		{Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", MaGiaoDich: "GD20260424000001", SoTien: 150000, TrangThaiGD: StatusSuccess, ThoiGianGD: "20260424103000"},
			goldenSecret, "f7506f38a69ae6024140a888db0d04cedb4d12df271c8b3fcc61294190747177",
			"PORTAL-01|DVCQA-000123|GD20260424000001|150000|1|20260424103000|khoa-bi-mat"},
		{Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", MaGiaoDich: "GD20260424000001", SoTien: 150000, TrangThaiGD: StatusFailed, ThoiGianGD: "20260424103000"},
			goldenSecret, "e7033464f4e3908a9dfa00f4b665ddd9f0e26750426542fed8ecd19979d5c053",
			"PORTAL-01|DVCQA-000123|GD20260424000001|150000|4|20260424103000|khoa-bi-mat"},
		// UTF-8 text and a zero amount: bytes are hashed as written.
		{Callback{MaDoiTac: "PORTAL-79", MaThamChieu: "Lệ phí 01", MaGiaoDich: "GD1", SoTien: 0, TrangThaiGD: StatusPending, ThoiGianGD: "20261231235959"},
			"bí mật", "c5c1e586d590cfdefa81fff8564c28fd9fb63394f6dd0494b6847c1226431c6c",
			"PORTAL-79|Lệ phí 01|GD1|0|3|20261231235959|bí mật"},
	} {
		cb := tt.cb
		cb.Sign(tt.secret)
		if cb.MaXacThuc != tt.want {
			t.Errorf("callback MaXacThuc over %q = %s, want %s", tt.signed, cb.MaXacThuc, tt.want)
		}
		if !cb.Verify(tt.secret) || cb.Verify(tt.secret+"x") {
			t.Errorf("callback over %q: Verify disagrees with the golden signature", tt.signed)
		}
	}
}
