package portal

import "github.com/dvcqa/dvcqa/api/dvcqg"

// States of a dossier that the catalog's workflows may name beyond the
// portal's happy path (see the constants in types.go).
const (
	StatusRejected            = "rejected"
	StatusSupplementRequested = "supplement_requested"
	StatusWithdrawn           = "withdrawn"
	StatusStopped             = "stopped"
)

// stateCodes maps each workflow state to the national portal's status
// (dvcqg.Status): the harness's own reference, paired by the published
// meaning of each status, not taken from fixtures or a mock.
var stateCodes = map[string]dvcqg.Status{
	StatusSubmitted:           dvcqg.StatusNew,
	StatusAccepted:            dvcqg.StatusAccepted,
	StatusRejected:            dvcqg.StatusRejected,
	StatusProcessing:          dvcqg.StatusProcessing,
	StatusSupplementRequested: dvcqg.StatusSupplementRequested,
	StatusPaymentRequired:     dvcqg.StatusPaymentRequired,
	StatusWithdrawn:           dvcqg.StatusWithdrawn,
	StatusStopped:             dvcqg.StatusStopped,
	StatusFinished:            dvcqg.StatusFinished,
	StatusDelivered:           dvcqg.StatusDelivered,
}

// StatusCode is the national portal's status (Dossier.StatusCode, and
// TrangThaiHoSo once synced) of a workflow state; ok is false for a state
// the reference does not know.
func StatusCode(state string) (code int, ok bool) {
	s, ok := stateCodes[state]
	return int(s), ok
}
