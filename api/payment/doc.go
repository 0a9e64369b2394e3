// Package payment holds the wire types, signatures and a small client of the
// national payment platform that portals use to collect fees: INIT opens a
// transaction (giao dịch) for a partner's reference (mã tham chiếu), the
// citizen pays on the platform's page, the platform calls the partner back
// and QUERY reads the state. Every message is signed with MaXacThuc
// (authentication code), a SHA-256 over "|"-joined fields and the partner's
// secret. MaLoi "00" (error code) is success. Client.Dialect picks the
// dialect (dvcqa, or published: published.go, docs/dialects-payment.md);
// the answers are the same types in both.
package payment
