// Package dvcqg holds the wire types and a small client of the National
// Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG) integration that
// provincial one-stop systems use: a session login, then JSON calls to one
// service URL naming the service, e.g. DongBoHoSoMC (dossier sync),
// CapNhatTienDoHoSoMC (progress update), TraCuuHoSo (dossier lookup) and
// LayDanhSachTTHC (list of administrative procedures, thủ tục hành chính).
//
// The portal speaks one of three dialects (Client.Dialect, dialect.go;
// docs/dialects-dvcqg.md): envelope (the above, the default), opencps (as
// OpenCPS's integration calls it) and rest (one URL per operation with bare
// JSON arrays). The client returns the same typed results in each.
//
// Replies are protocol style: HTTP 200 with an error_code, 0 (number or
// string) meaning success. Field names are the portal's Vietnamese ones; a
// dossier is a hồ sơ, its code MaHoSo, the agency code madonvi.
package dvcqg
