package nationaldb

import (
	"hash/fnv"
	"maps"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = correct.
type Defects = httpx.Defects

// The seeded defects a database owns, named after its id (mocks/defects
// registry): "<db>-db-down", "<db>-db-slow", "<db>-stale",
// "<db>-identity-drift".
const (
	suffixDown  = "-db-down"
	suffixSlow  = "-db-slow"
	suffixStale = "-stale"
	// suffixDrift: the record's name is right but another identity field is
	// not (see driftedCopy).
	suffixDrift = "-identity-drift"
)

// slowDelay is how long a "<db>-db-slow" database waits before answering:
// past the deadline the world gives the gateway.
const slowDelay = 2 * time.Second

// defect reports whether "<db><suffix>" is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The switches are world-wide, hence no service or province.
func (s *Server) defect(suffix string) bool {
	return httpx.On(s.defects, s.db.ID+suffix)
}

// formerGivenNames are the given names (tên) a stale record may carry.
var formerGivenNames = []string{"An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh",
	"Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến"}

// staleCopy is the record as it stood before the citizen's last change (the
// "<db>-stale" defect): a former name, the given name (last word) replaced
// by one chosen from SoDinhDanh so it is deterministic and always differs,
// and NgayCapNhat (last update) one year earlier. Keys and every other field
// are unchanged, so a lookup by any key finds the same stale copy.
func staleCopy(rec gwapi.Record) gwapi.Record {
	out := maps.Clone(rec)
	if name := strings.Fields(rec["HoVaTen"]); len(name) > 0 {
		h := fnv.New32a()
		h.Write([]byte(rec["SoDinhDanh"]))
		i := int(h.Sum32() % uint32(len(formerGivenNames)))
		if strings.EqualFold(formerGivenNames[i], name[len(name)-1]) {
			i = (i + 1) % len(formerGivenNames) // the names are distinct: the next one differs
		}
		name[len(name)-1] = formerGivenNames[i]
		out["HoVaTen"] = strings.Join(name, " ")
	}
	if d, err := time.Parse(time.DateOnly, rec["NgayCapNhat"]); err == nil {
		out["NgayCapNhat"] = yearEarlier(d).Format(time.DateOnly)
	}
	return out
}

// yearEarlier is the same day a year before; 29 February becomes the 28th
// rather than rolling over into March.
func yearEarlier(d time.Time) time.Time {
	y, m, day := d.Date()
	prev := time.Date(y-1, m, day, 0, 0, 0, 0, time.UTC)
	if prev.Month() != m {
		prev = time.Date(y-1, m+1, 0, 0, 0, 0, 0, time.UTC) // day 0: the month's last day
	}
	return prev
}

// driftedCopy is the record with its identity drifted away from the other
// databases while the name stays right (the "<db>-identity-drift" defect): the
// date of birth one day earlier (a time-zone slip on import), the place of
// birth registration under the other kind of unit (Phường, ward, and Xã,
// commune, swapped, as after a merger of units recorded by hand).
func driftedCopy(rec gwapi.Record) gwapi.Record {
	out := maps.Clone(rec)
	if d, err := time.Parse(time.DateOnly, rec["NgayThangNamSinh"]); err == nil {
		out["NgayThangNamSinh"] = d.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if place, ok := rec["NoiDangKyKhaiSinh"]; ok {
		switch {
		case strings.HasPrefix(place, "Phường "):
			out["NoiDangKyKhaiSinh"] = "Xã " + strings.TrimPrefix(place, "Phường ")
		case strings.HasPrefix(place, "Xã "):
			out["NoiDangKyKhaiSinh"] = "Phường " + strings.TrimPrefix(place, "Xã ")
		default:
			out["NoiDangKyKhaiSinh"] = "Xã " + place
		}
	}
	return out
}
