package payment

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

const secret = "s3cret"

func sampleInit() InitRequest {
	return InitRequest{LoaiBanTin: MsgInit, MaDoiTac: "PORTAL-01", MaThamChieu: "HS-0001", SoTien: 150000, MaTienTe: "VND",
		ThongTinBienLai: Receipt{MaHoSo: "000.00.00.H01-260302-0001", ChiTiet: []ReceiptLine{{NoiDung: "Lệ phí", SoTien: 150000}}},
		UrlCallback:     "http://portal.test/cb", UrlTraVe: "http://portal.test/ret"}
}

func TestSignKnownAnswer(t *testing.T) {
	// Expected values from `printf '%s' '<fields>|s3cret' | sha256sum`.
	const initSig = "019796d7d64ed42524672ced09bfa46aca0fe7fde382ca960b2b4b4f931ffb67"
	sum := sha256.Sum256([]byte("INIT|PORTAL-01|HS-0001|150000|VND|http://portal.test/cb|http://portal.test/ret|s3cret"))
	if hex.EncodeToString(sum[:]) != initSig {
		t.Fatal("the known answer itself is wrong")
	}
	if got := Sign(secret, "INIT", "PORTAL-01", "HS-0001", "150000", "VND", "http://portal.test/cb", "http://portal.test/ret"); got != initSig {
		t.Errorf("Sign = %s, want %s", got, initSig)
	}
	r := sampleInit()
	r.Sign(secret)
	if r.MaXacThuc != initSig {
		t.Errorf("InitRequest.Sign = %s, want %s (field order)", r.MaXacThuc, initSig)
	}
	if got, want := QuerySignature("PORTAL-01", "HS-0001", secret), "dd14ec93fc8fcc6b563f60f850047b5badfbcf789d20107ef0576b92ca94291f"; got != want {
		t.Errorf("QuerySignature = %s, want %s", got, want)
	}
	cb := Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "HS-0001", MaGiaoDich: "GD1", SoTien: 150000, TrangThaiGD: StatusSuccess, ThoiGianGD: "20260302103000"}
	cb.Sign(secret)
	if want := "60d6ceaf1a3d2c742516260510f76f2894f1d71d4cce5bd472a141da891ceef4"; cb.MaXacThuc != want {
		t.Errorf("Callback.Sign = %s, want %s", cb.MaXacThuc, want)
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	r := sampleInit()
	r.Sign(secret)
	if !r.Verify(secret) {
		t.Fatal("a signed INIT does not verify")
	}
	if r.Verify("other") {
		t.Error("INIT verifies with another secret")
	}
	r.SoTien = 1500000
	if r.Verify(secret) {
		t.Error("INIT with a changed amount verifies")
	}

	cb := Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "HS-0001", MaGiaoDich: "GD1", SoTien: 150000, TrangThaiGD: StatusSuccess, ThoiGianGD: "20260302103000"}
	cb.Sign(secret)
	if !cb.Verify(secret) {
		t.Fatal("a signed callback does not verify")
	}
	cb.TrangThaiGD = StatusFailed
	if cb.Verify(secret) {
		t.Error("callback with a changed state verifies")
	}

	q := QueryRequest{LoaiBanTin: MsgGetBill, MaDoiTac: "PORTAL-01", MaThamChieu: "HS-0001"}
	q.Sign(secret)
	if !q.Verify(secret) || q.MaXacThuc == QuerySignature("PORTAL-01", "HS-0001", secret) {
		t.Error("GET_BILL signature must verify and differ from QUERY's")
	}
}
