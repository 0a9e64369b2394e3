package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// maxUpstreamAnswer bounds a database answer; records are small.
const maxUpstreamAnswer = 16 << 20

// forward asks the database server and maps its answer. Messages mask the
// value: it is usually a personal ID.
func (s *Server) forward(r *http.Request, dbID, key, value, requestID string) reply {
	ctx, cancel := context.WithTimeout(r.Context(), s.upstreamTimeout)
	defer cancel()
	target := s.dbURLs[dbID] + "/records?" + url.Values{key: {value}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return s.unavailable(dbID, "cannot build the request")
	}
	req.Header.Set(gwapi.HeaderInternalKey, s.internalKey)
	req.Header.Set(gwapi.HeaderRequestID, requestID)
	req.Header.Set("Accept", "application/json")

	resp, err := s.http.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxUpstreamAnswer))
		resp.Body.Close()
	}
	if err != nil {
		switch {
		case r.Context().Err() != nil:
			return reply{status: StatusClientGone, code: "client_closed_request"}
		case ctx.Err() != nil || isTimeout(err):
			return fail(http.StatusGatewayTimeout, "upstream_timeout",
				fmt.Sprintf("database %s did not answer within %v", dbID, s.upstreamTimeout),
				fmt.Sprintf("Cơ sở dữ liệu %s không phản hồi trong %v", dbID, s.upstreamTimeout), "")
		}
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // the URL holds the personal ID
		}
		return s.unavailable(dbID, err.Error())
	}

	notFound := s.notFound(dbID, key, value, false)
	switch {
	case resp.StatusCode == http.StatusOK:
		var ans gwapi.DatabaseAnswer
		if err := json.Unmarshal(body, &ans); err != nil {
			return badUpstream(dbID, "an answer that is not the expected JSON")
		}
		if len(ans.Records) == 0 {
			return notFound
		}
		return reply{status: http.StatusOK, body: gwapi.RecordsResponse{
			Database: dbID,
			Query:    map[string]string{key: value},
			Records:  ans.Records,
		}}
	case resp.StatusCode == http.StatusNotFound:
		// Only the database's own "no record" means no record; a 404 for a
		// wrong path is a misconfigured gateway, not an unknown person.
		var eb gwapi.ErrorBody
		if json.Unmarshal(body, &eb) == nil && eb.Error.Code == "not_found" {
			return notFound
		}
		return badUpstream(dbID, "404 without not_found (wrong database URL?)")
	case resp.StatusCode >= 500:
		return s.unavailable(dbID, fmt.Sprintf("answered %d", resp.StatusCode))
	default:
		return badUpstream(dbID, fmt.Sprintf("status %d", resp.StatusCode))
	}
}

// notFound is the answer for a lookup that found nothing; withIdentity:
// the query also named the person (ndxp), whose name and date of birth
// found nothing with the ID.
func (s *Server) notFound(dbID, key, value string, withIdentity bool) reply {
	if s.defect(defectUnknown200Empty) {
		// Seeded defect: "no record" looks like a successful, empty answer.
		return reply{status: http.StatusOK, body: gwapi.RecordsResponse{
			Database: dbID, Query: map[string]string{key: value}, Records: []gwapi.Record{}}}
	}
	msg := fmt.Sprintf("no record in %s for %s %s", dbID, key, gwapi.MaskID(value))
	msgVI := fmt.Sprintf("Không có bản ghi trong %s với %s %s", dbID, key, gwapi.MaskID(value))
	if withIdentity {
		msg += " with the name and date of birth sent"
		msgVI += " có họ tên và ngày sinh đã gửi"
	}
	return fail(http.StatusNotFound, "not_found", msg, msgVI, "")
}

func (s *Server) unavailable(dbID, why string) reply {
	return fail(http.StatusBadGateway, "upstream_unavailable",
		fmt.Sprintf("database %s is unavailable: %s", dbID, why),
		fmt.Sprintf("Cơ sở dữ liệu %s không sẵn sàng", dbID), "")
}

// badUpstream is a database that answered, but not per the protocol (the
// gateway validated the query, so a 400 or 401 there is a gateway fault).
func badUpstream(dbID, what string) reply {
	return fail(http.StatusBadGateway, "upstream_error",
		fmt.Sprintf("database %s sent %s", dbID, what),
		fmt.Sprintf("Cơ sở dữ liệu %s trả lời không đúng giao thức", dbID), "")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
