package payment

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
)

// Sign is hex(SHA-256(fields joined by "|", then "|" and the secret)).
func Sign(secret string, fields ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(fields, "|") + "|" + secret))
	return hex.EncodeToString(sum[:])
}

// verify compares in constant time so a forger learns nothing from timing.
func verify(got, want string) bool { return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 }

func (r InitRequest) signature(secret string) string {
	return Sign(secret, r.LoaiBanTin, r.MaDoiTac, r.MaThamChieu, strconv.FormatInt(r.SoTien, 10),
		r.MaTienTe, r.UrlCallback, r.UrlTraVe)
}

// Sign sets MaXacThuc over LoaiBanTin|MaDoiTac|MaThamChieu|SoTien|MaTienTe|UrlCallback|UrlTraVe.
func (r *InitRequest) Sign(secret string) { r.MaXacThuc = r.signature(secret) }

// Verify checks MaXacThuc.
func (r InitRequest) Verify(secret string) bool { return verify(r.MaXacThuc, r.signature(secret)) }

// QuerySignature is the MaXacThuc of a QUERY: QUERY|MaDoiTac|MaThamChieu.
func QuerySignature(partner, ref, secret string) string { return Sign(secret, MsgQuery, partner, ref) }

// Sign sets MaXacThuc over LoaiBanTin|MaDoiTac|MaThamChieu, the shape of
// QUERY and GET_BILL alike.
func (r *QueryRequest) Sign(secret string) {
	r.MaXacThuc = Sign(secret, r.LoaiBanTin, r.MaDoiTac, r.MaThamChieu)
}

// Verify checks MaXacThuc.
func (r QueryRequest) Verify(secret string) bool {
	return verify(r.MaXacThuc, Sign(secret, r.LoaiBanTin, r.MaDoiTac, r.MaThamChieu))
}

func (cb Callback) signature(secret string) string {
	return Sign(secret, cb.MaDoiTac, cb.MaThamChieu, cb.MaGiaoDich, strconv.FormatInt(cb.SoTien, 10),
		cb.TrangThaiGD, cb.ThoiGianGD)
}

// Sign sets MaXacThuc over MaDoiTac|MaThamChieu|MaGiaoDich|SoTien|TrangThaiGD|ThoiGianGD,
// and the published dialect's signature of the same confirmation
// (published.go) for Client.CallbackBody.
func (cb *Callback) Sign(secret string) {
	cb.MaXacThuc = cb.signature(secret)
	cb.publishedSig = publishedCallbackSignature(publishedCallback(*cb), secret)
}

// Verify checks MaXacThuc; the portal must reject a callback that fails it.
func (cb Callback) Verify(secret string) bool { return verify(cb.MaXacThuc, cb.signature(secret)) }
