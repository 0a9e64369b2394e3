package world

import (
	"encoding/json"
	"net/http"

	"github.com/dvcqa/dvcqa/mocks/defects"
)

// defectsBody is the admin endpoint's JSON: the switches in force.
type defectsBody struct {
	Defects []string `json:"defects"`
}

// mountAdmin serves GET/PUT /admin/defects, so QA can switch seeded defects
// of a running world on and off. It is a mock-only endpoint on loopback.
func (w *World) mountAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/defects", func(rw http.ResponseWriter, _ *http.Request) {
		writeJSON(rw, w.defectList())
	})
	mux.HandleFunc("PUT /admin/defects", func(rw http.ResponseWriter, r *http.Request) {
		var body defectsBody
		if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, 1<<16)).Decode(&body); err != nil {
			rw.WriteHeader(http.StatusBadRequest)
			writeJSON(rw, map[string]any{"error": map[string]string{"code": "invalid_request", "message": "want {\"defects\": [\"name[:param][@scope]\", ...]}"}})
			return
		}
		var list []defects.Switch
		for _, s := range body.Defects {
			sw, err := defects.Parse(s)
			if err != nil {
				rw.WriteHeader(http.StatusUnprocessableEntity)
				writeJSON(rw, map[string]any{"error": map[string]string{"code": "unknown_defect", "message": err.Error()}})
				return
			}
			list = append(list, sw)
		}
		w.Defects.Replace(list)
		writeJSON(rw, w.defectList())
	})
}

func (w *World) defectList() defectsBody {
	out := defectsBody{Defects: []string{}}
	for _, sw := range w.Defects.List() {
		out.Defects = append(out.Defects, sw.String())
	}
	return out
}

// DefectSet parses switches ("name[:param][@scope]", blanks ignored) into a
// set for Options.Defects.
func DefectSet(switches ...string) (*defects.Set, error) {
	var list []defects.Switch
	for _, s := range switches {
		parsed, err := defects.ParseList(s)
		if err != nil {
			return nil, err
		}
		list = append(list, parsed...)
	}
	return defects.NewSet(list...), nil
}
