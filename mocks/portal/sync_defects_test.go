package portal

import (
	"testing"

	"github.com/dvcqa/dvcqa/mocks/defects"
)

// TestSyncDefects: each seeded defect of the national sync changes what
// the national portal is told of a DV09 dossier, and only that; scoped to
// another service or province it changes nothing.
func TestSyncDefects(t *testing.T) {
	national := func(e *env) (NationalDossier, []ProgressEntry) {
		d := e.deliveredBirth(e.as(an))
		e.portal.sync.close() // every push tried
		var last NationalDossier
		var progress []ProgressEntry
		for _, c := range e.national.callsFor(d.Code) {
			if c.Kind == "sync" {
				last = c.Dossier
			} else {
				progress = append(progress, c.Progress)
			}
		}
		return last, progress
	}
	checks := map[string]func(t *testing.T, hs NationalDossier, p []ProgressEntry, broken bool){
		defectNationalChannelInPerson: func(t *testing.T, hs NationalDossier, _ []ProgressEntry, broken bool) {
			expect(t, (hs.KenhThucHien == "1") == broken, "KenhThucHien %q (broken %v)", hs.KenhThucHien, broken)
		},
		defectNationalVNeIDUnmarked: func(t *testing.T, hs NationalDossier, _ []ProgressEntry, broken bool) {
			expect(t, (hs.TaiKhoanDuocXacThucVoiVNeID == "0") == broken, "TaiKhoanDuocXacThucVoiVNeID %q (broken %v)", hs.TaiKhoanDuocXacThucVoiVNeID, broken)
		},
		defectNationalUnitWrong: func(t *testing.T, hs NationalDossier, _ []ProgressEntry, broken bool) {
			expect(t, (hs.DonViXuLy == "Trung tâm Phục vụ hành chính công tỉnh Hà Tây") == broken, "DonViXuLy %q (broken %v)", hs.DonViXuLy, broken)
		},
		defectNationalTitleDropped: func(t *testing.T, _ NationalDossier, p []ProgressEntry, broken bool) {
			expect(t, len(p) > 0, "no progress entries")
			for _, e := range p {
				expect(t, (e.ChucDanh == "") == broken, "progress %d ChucDanh %q (broken %v)", e.TrangThai, e.ChucDanh, broken)
			}
		},
	}
	for name, check := range checks {
		t.Run(name, func(t *testing.T) {
			for _, v := range []struct {
				sw     defects.Switch
				broken bool
			}{{defects.Switch{Name: name, Service: "DV09"}, true}, {defects.Switch{Name: name, Service: "DV12"}, false}, {defects.Switch{Name: name, Province: "02"}, false}} {
				hs, p := national(newEnvWith(t, worldDay, defects.NewSet(v.sw)))
				check(t, hs, p, v.broken)
			}
		})
	}
	for _, name := range []string{defectNationalReceivedDateOff, defectNationalFieldCodeWrong, defectNationalChannelInPerson,
		defectNationalVNeIDUnmarked, defectNationalPaidUnmarked, defectNationalUnitWrong, defectNationalTitleDropped} {
		if d, ok := defects.Lookup(name); !ok || d.System != "portal" || d.Param != "" {
			t.Errorf("defect %q: registry entry %+v (found %v)", name, d, ok)
		}
	}
}
