package dvcqg

import "github.com/dvcqa/dvcqa/mocks/internal/httpx"

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = correct.
type Defects = httpx.Defects

// The seeded defects the national portal owns (mocks/defects registry).
const (
	// defectLoginAnyPassword: POST /api/session opens a session for a known
	// account whatever the password (the dstcode is still checked).
	defectLoginAnyPassword = "dvcqg-login-any-password" // session.go
	// defectNotFoundWrongCode: TraCuuHoSo of an unknown dossier says "not
	// found" with error_code 2 instead of the protocol's -1.
	defectNotFoundWrongCode = "dvcqg-notfound-wrong-code" // lookup.go
	// defectReceivedDateUTC: TraCuuHoSo serves NgayTiepNhan (received) in
	// UTC, seven hours before the Vietnam time it was synced in.
	defectReceivedDateUTC = "dvcqg-received-date-utc" // lookup.go
	// defectDateLayout: TraCuuHoSo serves every date (the dossier's and its
	// history's) as dd/MM/yyyy HH:mm:ss instead of yyyyMMddHHmmss.
	defectDateLayout = "dvcqg-date-layout" // lookup.go
	// defectProgressUnitDropped: TraCuuHoSo serves the progress entries
	// without the department that handled each step (PhongBanXuLy).
	defectProgressUnitDropped = "dvcqg-progress-unit-dropped" // lookup.go
)

// codeNotFoundWrong is the error_code the notfound defect answers.
const codeNotFoundWrong = 2

// defect reports whether a seeded defect is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The national portal's switches are world-wide, hence no service or
// province.
func (s *Server) defect(name string) bool {
	return httpx.On(s.defects, name)
}
