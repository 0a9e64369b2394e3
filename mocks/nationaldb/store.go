package nationaldb

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dvcqa/dvcqa/fixtures"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// store holds one database's records, indexed by each lookup key. It is
// read-only after newStore, so lookups need no lock.
type store struct {
	records []map[string]string
	index   map[string]map[string][]int // key → value → positions in records (one-to-many)
}

// newStore copies and indexes records, rejecting data the server could not
// serve faithfully: unknown fields, malformed personal IDs in key fields
// (unreachable by a valid query), records that no key can reach. Failing
// here surfaces fixture drift at world start.
func newStore(db fixtures.Database, records []map[string]string) (*store, error) {
	s := &store{index: make(map[string]map[string][]int, len(db.Keys))}
	for _, k := range db.Keys {
		if len(db.Fields) > 0 && !slices.Contains(db.Fields, k) {
			return nil, fmt.Errorf("database %s: key %s is not one of its fields", db.ID, k)
		}
		s.index[k] = map[string][]int{}
	}
	for i, rec := range records {
		for f := range rec {
			if len(db.Fields) > 0 && !slices.Contains(db.Fields, f) {
				return nil, fmt.Errorf("database %s: record %d: unknown field %s", db.ID, i, f)
			}
		}
		reachable := false
		for _, k := range db.Keys {
			v := rec[k]
			if gwapi.IsPersonalIDKey(k) && v != "" && !gwapi.ValidPersonalID(v) {
				return nil, fmt.Errorf("database %s: record %d: %s %s is not 12 digits", db.ID, i, k, gwapi.MaskID(v))
			}
			if v != "" {
				s.index[k][v] = append(s.index[k][v], len(s.records))
				reachable = true
			}
		}
		if !reachable {
			return nil, fmt.Errorf("database %s: record %d has no value for any key (%v)", db.ID, i, db.Keys)
		}
		s.records = append(s.records, maps.Clone(rec))
	}
	return s, nil
}

// find returns copies of the records whose key equals value, in input order,
// so callers cannot change the store.
func (s *store) find(key, value string) []gwapi.Record {
	pos := s.index[key][value]
	out := make([]gwapi.Record, len(pos))
	for i, p := range pos {
		out[i] = maps.Clone(s.records[p])
	}
	return out
}
