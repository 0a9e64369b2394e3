package payment

import "testing"

// The digests were computed outside Go from docs/contracts.md's field lists:
// printf '%s' 'INIT|PORTAL-01|R1|200000|VND|http://p/cb|http://p/ret|sec' | sha256sum
// (likewise for QUERY and the callback).
func TestSignerExamples(t *testing.T) {
	const (
		initSig  = "e5a505c92c8cf894e58bcd23f972e041b32ac5a55d5995207e63670f9db19de5"
		querySig = "bf9d13bf17796448fff31534aae050b3909d7d4d77287f633e28a8b9a51bea70"
		cbSig    = "e1caedf5feb9f8de8f4fb035f00173b9f9055238262b0b7b02643caab34c49d3"
	)
	in := InitRequest{LoaiBanTin: MsgInit, MaDoiTac: "PORTAL-01", MaThamChieu: "R1", SoTien: 200000, MaTienTe: "VND",
		UrlCallback: "http://p/cb", UrlTraVe: "http://p/ret", MaXacThuc: initSig}
	q := QueryRequest{LoaiBanTin: MsgQuery, MaDoiTac: "PORTAL-01", MaThamChieu: "R1", MaXacThuc: querySig}
	cb := Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "R1", MaGiaoDich: "GD1", SoTien: 200000, TrangThaiGD: StatusSuccess, ThoiGianGD: "20260302083000"}
	for _, c := range []struct {
		name     string
		g        signer
		wantGood bool
	}{{"protocol order", signer{}, true}, {"seeded defect: reversed order", signer{reversed: true}, false}} {
		if got := c.g.initOK(in, "sec"); got != c.wantGood {
			t.Errorf("%s: INIT verifies = %v", c.name, got)
		}
		if got := c.g.queryOK(q, "sec"); got != c.wantGood {
			t.Errorf("%s: QUERY verifies = %v", c.name, got)
		}
		signed := cb
		c.g.sign(&signed, "sec")
		if got := signed.MaXacThuc == cbSig; got != c.wantGood {
			t.Errorf("%s: callback MaXacThuc = %s", c.name, signed.MaXacThuc)
		}
	}
	if (signer{}).initOK(in, "other secret") {
		t.Error("INIT verifies with another secret")
	}
	tampered := in
	tampered.SoTien = 2000
	if (signer{}).initOK(tampered, "sec") {
		t.Error("INIT verifies after its amount changed")
	}
}
