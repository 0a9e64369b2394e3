package portal

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// lookupTimeout bounds the national-data lookups of one request.
const lookupTimeout = 10 * time.Second

func (s *Server) handleForm(w http.ResponseWriter, r *http.Request, c citizen) {
	svc, ok := s.service(w, r.PathValue("id"))
	if !ok {
		return
	}
	form, err := s.form(r.Context(), svc, c)
	if err != nil {
		writeUpstream(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, form)
}

// form is the service's form for the citizen, prefilled from national data;
// the API and the web form (web_form.go) both show this one.
func (s *Server) form(ctx context.Context, svc *fixtures.Service, c citizen) (api.Form, error) {
	national, err := s.nationalValues(withApplicant(ctx, c), svc, c.ID) // ndxp names the applicant
	if err != nil {
		return api.Form{}, err
	}
	// Seeded defect prefill-missing-field:<field>: the form leaves that
	// field empty and editable; submit still fills it from national data.
	missing, _ := s.defect(defectPrefillMissingField, svc.ID)
	form := api.Form{ServiceID: svc.ID, Fields: make([]api.FormField, 0, len(svc.Form))}
	for _, f := range svc.Form {
		v, prefilled := national[f.Name]
		if missing != "" && f.Name == missing {
			v, prefilled = "", false
		}
		form.Fields = append(form.Fields, api.FormField{
			Name: f.Name, LabelVI: f.LabelVI, LabelEN: f.LabelEN, Type: f.Type, Required: f.Required,
			Options: f.Options, Value: v, Prefilled: prefilled, Source: f.PrefillFrom, ReadOnly: prefilled,
		})
	}
	return s.formAnswer(form), nil
}

func writeUpstream(w http.ResponseWriter, err error) {
	writeError(w, http.StatusBadGateway, api.CodeUpstream,
		"national data is unavailable: "+err.Error(), "Không lấy được dữ liệu từ cơ sở dữ liệu quốc gia, vui lòng thử lại sau")
}

// nationalValues reads the values national data holds for the service's
// prefilled fields, keyed by field name. Each database is asked once, by
// the citizen's personal ID; a field whose record or value is missing is
// absent (the citizen types it). Form and submit both read here, so they
// always agree.
func (s *Server) nationalValues(ctx context.Context, svc *fixtures.Service, citizenID string) (map[string]string, error) {
	out := map[string]string{}
	// An anonymous caller (only under the seeded defect auth-not-required)
	// has no national data to read.
	if citizenID == "" || s.opts.Data == nil || !slices.ContainsFunc(svc.Form, func(f fixtures.Field) bool { _, _, ok := f.Prefill(); return ok }) {
		return out, nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	records := map[string]map[string]string{} // db → first record (nil: none)
	lookup := func(db, id string) (map[string]string, error) {
		recs, err := s.opts.Data.Lookup(ctx, db, "SoDinhDanh", id, "prefill "+svc.ID)
		if err != nil {
			return nil, fmt.Errorf("lookup %s: %w", db, err)
		}
		if len(recs) > 0 {
			return recs[0], nil
		}
		return nil, nil
	}
	subject, err := s.prefillSubject(svc, citizenID, lookup, records)
	if err != nil {
		return nil, err
	}
	for _, f := range svc.Form {
		db, field, ok := f.Prefill()
		if !ok {
			continue
		}
		rec, seen := records[db]
		if !seen {
			if rec, err = lookup(db, subject); err != nil {
				return nil, err
			}
			records[db] = rec
		}
		if v := strings.TrimSpace(rec[field]); v != "" {
			out[f.Name] = normalise(f.Type, v)
		}
	}
	return out, nil
}

// prefillSubject is whose national records prefill the citizen's form:
// the citizen's own; the citizen is noted as the last one prefilled for.
//
// Seeded defect prefill-wrong-citizen: another citizen's records are read
// instead, a relative's from the citizen's population record (the head of
// household, else the spouse), or else the last other citizen this portal
// prefilled for, kept for that citizen so that form and submit agree even
// when others come in between; with neither, the citizen's own. A
// population record read for the citizen is kept in records when the
// subject stays the citizen.
func (s *Server) prefillSubject(svc *fixtures.Service, citizenID string,
	lookup func(db, id string) (map[string]string, error), records map[string]map[string]string) (string, error) {
	s.mu.Lock()
	other := s.prefilled.other(citizenID)
	s.prefilled.note(citizenID)
	s.mu.Unlock()
	if _, on := s.defect(defectPrefillWrongCitizen, svc.ID); !on {
		return citizenID, nil
	}
	pop, err := lookup("population", citizenID)
	if err != nil {
		return "", err
	}
	if head := pop["SoDinhDanhChuHo"]; head != "" && head != citizenID {
		return head, nil
	}
	if spouse := pop["SoDinhDanhVoChong"]; spouse != "" && spouse != citizenID {
		return spouse, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := s.prefilled.pin(citizenID, other); id != "" {
		return id, nil
	}
	records["population"] = pop
	return citizenID, nil
}

// prefillMemory remembers the last two distinct citizens prefilled for,
// newest first (enough to name the last one other than the caller), and
// for the seeded defect, which other citizen each one was given.
type prefillMemory struct {
	recent [2]string
	pinned map[string]string
}

func (m *prefillMemory) note(id string) {
	if m.recent[0] != id {
		m.recent[0], m.recent[1] = id, m.recent[0]
	}
}

func (m *prefillMemory) other(id string) string {
	if m.recent[0] != id {
		return m.recent[0]
	}
	return m.recent[1]
}

// pin returns the other citizen given to id before, else other (kept for
// next time); "" when there is none.
func (m *prefillMemory) pin(id, other string) string {
	if p, ok := m.pinned[id]; ok {
		return p
	}
	if other == "" {
		return ""
	}
	if m.pinned == nil {
		m.pinned = map[string]string{}
	}
	m.pinned[id] = other
	return other
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
