package portal

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
)

// lookupTimeout bounds the national-data lookups of one request.
const lookupTimeout = 10 * time.Second

func (s *Server) handleForm(w http.ResponseWriter, r *http.Request, c citizen) {
	svc, ok := s.service(w, r.PathValue("id"))
	if !ok {
		return
	}
	national, err := s.nationalValues(r.Context(), svc, c.ID)
	if err != nil {
		writeUpstream(w, err)
		return
	}
	form := api.Form{ServiceID: svc.ID, Fields: make([]api.FormField, 0, len(svc.Form))}
	for _, f := range svc.Form {
		v, prefilled := national[f.Name]
		form.Fields = append(form.Fields, api.FormField{
			Name: f.Name, LabelVI: f.LabelVI, LabelEN: f.LabelEN, Type: f.Type, Required: f.Required,
			Options: f.Options, Value: v, Prefilled: prefilled, Source: f.PrefillFrom, ReadOnly: prefilled,
		})
	}
	writeJSON(w, http.StatusOK, form)
}

func writeUpstream(w http.ResponseWriter, err error) {
	writeError(w, http.StatusBadGateway, api.CodeUpstream,
		"national data is unavailable: "+err.Error(), "Không lấy được dữ liệu từ cơ sở dữ liệu quốc gia, vui lòng thử lại sau")
}

// nationalValues reads the values national data holds for the service's
// prefilled fields, keyed by field name. Each database is asked once, by
// the citizen's personal ID; a field whose record or value is missing is
// absent (the citizen types it).
func (s *Server) nationalValues(ctx context.Context, svc *fixtures.Service, citizenID string) (map[string]string, error) {
	out := map[string]string{}
	if s.opts.Data == nil {
		return out, nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	records := map[string]map[string]string{} // db → first record (nil: none)
	for _, f := range svc.Form {
		db, field, ok := f.Prefill()
		if !ok {
			continue
		}
		rec, seen := records[db]
		if !seen {
			recs, err := s.opts.Data.Lookup(ctx, db, "SoDinhDanh", citizenID, "prefill "+svc.ID)
			if err != nil {
				return nil, fmt.Errorf("lookup %s: %w", db, err)
			}
			if len(recs) > 0 {
				rec = recs[0]
			}
			records[db] = rec
		}
		if v := strings.TrimSpace(rec[field]); v != "" {
			out[f.Name] = normalise(f.Type, v)
		}
	}
	return out, nil
}

// normalise turns a national-data value into the form's format: databases
// write dates as yyyyMMdd or dd/MM/yyyy, forms as YYYY-MM-DD.
func normalise(typ, v string) string {
	if typ != "date" {
		return v
	}
	for _, layout := range []string{"20060102", "02/01/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return v
}
