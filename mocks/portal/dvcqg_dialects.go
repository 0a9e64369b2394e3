package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/dvcqa/dvcqa/vocab"
)

// The dialects in which the portal pushes to the national portal
// (vocab.Dialects["dvcqg"]; docs/dialects-dvcqg.md). This is the
// provincial system's side, written on its own: the mock national portal
// (mocks/dvcqg) and the harness (api/dvcqg) read the same messages with
// their own code.
//
//   - envelope: POST /api/session, then POST /api/service {session,
//     madonvi, service, isUpdating, data}.
//   - opencps (OpenCPS's DVCQGIntegrationActionImpl): POST
//     {adapter_url}/adapter/auth, then the same enveloped body to
//     {adapter_url}/adapter/integration with the dstcode header on every
//     call (the two paths are OpenCPS settings, unverified here).
//   - rest: POST /api/SynsTTHCC/Login, then POST
//     /api/SynsTTHCC/DongBoHoSoMC?MaDinhDanhDV={madonvi}&isUpdating=True|False
//     and /api/SynsTTHCC/CapNhatTienDoHoSoMC?MaDinhDanhDV={madonvi} with
//     the bare array as the body and the session in a "session" header
//     (the DongBoHoSoMC URL as a Hà Giang system posts it; the rest
//     unverified).
const (
	dialectOpenCPS = vocab.DialectDVCQGOpenCPS
	dialectRest    = vocab.DialectDVCQGRest

	restDVCQGBase = "/api/SynsTTHCC/"
)

// dialect is the portal's DVCQG dialect, envelope when unset.
func (p DVCQGPortal) dialect() string {
	return vocab.DialectOr(vocab.SystemDVCQG, p.Dialect)
}

func (p DVCQGPortal) loginPath() string {
	switch p.dialect() {
	case dialectOpenCPS:
		return "/adapter/auth"
	case dialectRest:
		return restDVCQGBase + "Login"
	}
	return "/api/session"
}

// servicePath is where an enveloped call goes; the portal only writes, so
// opencps's share endpoint is not needed here.
func (p DVCQGPortal) servicePath() string {
	if p.dialect() == dialectOpenCPS {
		return "/adapter/integration"
	}
	return "/api/service"
}

// callDstCode is the dstcode header of a service call: OpenCPS sends it on
// every call, the envelope dialect at login only.
func (p DVCQGPortal) callDstCode() string {
	if p.dialect() == dialectOpenCPS {
		return p.DstCode
	}
	return ""
}

// callRest sends fields["data"] as a bare array to the service's own URL,
// logging in again once after an invalid-session answer.
func (p DVCQGPortal) callRest(ctx context.Context, service string, fields map[string]any) error {
	q := url.Values{"MaDinhDanhDV": {p.AgencyID}}
	if flag, has := fields["isUpdating"].(string); has {
		q.Set("isUpdating", flag)
	}
	body, err := json.Marshal(fields["data"])
	if err != nil {
		return fmt.Errorf("dvcqg %s: %w", service, err)
	}
	for attempt := 0; ; attempt++ {
		session, err := p.sessionID(ctx)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.BaseURL+restDVCQGBase+service+"?"+q.Encode(), bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("dvcqg %s: %w", service, err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("session", session)
		status, raw, err := exchange(p.HTTP, req)
		if err != nil {
			return fmt.Errorf("dvcqg %s: %w", service, err)
		}
		var r dvcqgReply
		if err := json.Unmarshal(raw, &r); err != nil || len(r.ErrorCode) == 0 {
			return &answerError{system: "dvcqg", op: service, status: status, message: "reply is not the rest dialect's {error_code, message}"}
		}
		if r.ok() {
			return nil
		}
		if attempt == 0 && strings.Contains(r.Message, "Phiên làm việc không hợp lệ") {
			p.mu.Lock()
			if *p.session == session {
				*p.session = ""
			}
			p.mu.Unlock()
			continue
		}
		return &answerError{system: "dvcqg", op: service, status: status, code: string(r.ErrorCode), message: r.Message}
	}
}

// withDVCQGDialect gives the portal's own DVCQG client the dialect of the
// options (Options.DVCQGDialect); other NationalPortal implementations are
// left as they are.
func withDVCQGDialect(np NationalPortal, dialect string) NationalPortal {
	if p, isDVCQG := np.(DVCQGPortal); isDVCQG && dialect != "" {
		p.Dialect = dialect
		return p
	}
	return np
}
