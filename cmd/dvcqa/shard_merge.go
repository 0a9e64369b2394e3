package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/reports"
)

// joinShards makes the shards of one sharded run (`dvcqa run --shard`)
// read as that run unsharded: every shard's Ginkgo report lists every spec,
// those of other shards as skipped, so each spec is kept once — from the
// shard whose plan owned it, or (a spec the label filter left out of every
// shard) from the first shard. Runs that were not shards (provinces run
// apart) are left whole. plans[i] is shards[i]'s plan, nil for a plain run.
func joinShards(shards []reports.Shard, plans []*shardPlan, recs []*runRecord) ([]reports.Shard, error) {
	owner := map[string]int{} // province + spec text → shard index
	first := map[string]int{} // province → first sharded shard
	count := 0
	for i, p := range plans {
		if p == nil {
			continue
		}
		if count == 0 {
			count = p.Count
		} else if p.Count != count {
			return nil, fmt.Errorf("merge: %s is shard %d/%d but another is of %d shards", shards[i].RunID, p.Index, p.Count, count)
		}
		prov := shards[i].Province
		if _, ok := first[prov]; !ok {
			first[prov] = i
		} else if err := sameShardKey(recs[first[prov]], recs[i]); err != nil {
			return nil, fmt.Errorf("merge: %s and %s are not shards of one run: %w", shards[first[prov]].RunID, shards[i].RunID, err)
		}
		for _, s := range p.Specs {
			k := prov + "\x00" + s
			if j, dup := owner[k]; dup {
				return nil, fmt.Errorf("merge: spec %q is in shard %s and in shard %s", s, shards[j].RunID, shards[i].RunID)
			}
			owner[k] = i
		}
	}
	if count == 0 {
		return shards, nil
	}
	if err := completeShards(shards, plans, owner, count); err != nil {
		return nil, err
	}
	out := make([]reports.Shard, len(shards))
	for i, sh := range shards {
		out[i] = sh
		if plans[i] == nil {
			continue
		}
		out[i].Reports = make([]types.Report, len(sh.Reports))
		for r, rep := range sh.Reports {
			kept := rep
			kept.SpecReports = nil
			for _, sr := range rep.SpecReports {
				if sr.LeafNodeType == types.NodeTypeIt {
					j, owned := owner[sh.Province+"\x00"+sr.FullText()]
					if (owned && j != i) || (!owned && first[sh.Province] != i) {
						continue
					}
				}
				kept.SpecReports = append(kept.SpecReports, sr)
			}
			out[i].Reports[r] = kept
		}
	}
	return out, nil
}

// sameShardKey refuses to join shards of different runs: another target,
// label filter or seeded defects would give another verdict.
func sameShardKey(a, b *runRecord) error {
	switch {
	case a.Meta.Target.Name != b.Meta.Target.Name:
		return fmt.Errorf("targets %q and %q", a.Meta.Target.Name, b.Meta.Target.Name)
	case a.Meta.LabelFilter != b.Meta.LabelFilter:
		return fmt.Errorf("label filters %q and %q", a.Meta.LabelFilter, b.Meta.LabelFilter)
	case strings.Join(a.Meta.Target.Defects, ",") != strings.Join(b.Meta.Target.Defects, ","):
		return fmt.Errorf("seeded defects %q and %q", a.Meta.Target.Defects, b.Meta.Target.Defects)
	}
	return nil
}

// uniqueDefects keeps each seeded defect once: shards of one run each
// list the run's defects.
func uniqueDefects(d []string) []string {
	var out []string
	for _, x := range d {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// completeShards wants, per province, each of the N shards once and all
// the specs the split listed: shards split on other histories (or other
// commits) would leave specs to no shard, and the merge would show them as
// not selected instead of failing.
func completeShards(shards []reports.Shard, plans []*shardPlan, owner map[string]int, count int) error {
	type prov struct {
		seen         map[int]string
		total, owned int
	}
	byProv := map[string]*prov{}
	for i, p := range plans {
		if p == nil {
			continue
		}
		pr := byProv[shards[i].Province]
		if pr == nil {
			pr = &prov{seen: map[int]string{}, total: p.Total}
			byProv[shards[i].Province] = pr
		}
		if other, dup := pr.seen[p.Index]; dup {
			return fmt.Errorf("merge: %s and %s are both shard %d/%d", other, shards[i].RunID, p.Index, count)
		}
		pr.seen[p.Index] = shards[i].RunID
		if p.Total != pr.total {
			return fmt.Errorf("merge: %s was split from %d specs, another shard from %d (another commit or label filter?)", shards[i].RunID, p.Total, pr.total)
		}
		pr.owned += len(p.Specs)
	}
	for name, pr := range byProv {
		if len(pr.seen) != count {
			var missing []string
			for i := 1; i <= count; i++ {
				if _, ok := pr.seen[i]; !ok {
					missing = append(missing, fmt.Sprintf("%d/%d", i, count))
				}
			}
			return fmt.Errorf("merge: province %s: shard(s) %s missing", name, strings.Join(missing, ", "))
		}
		if pr.owned != pr.total {
			return fmt.Errorf("merge: province %s: the shards own %d of the %d specs split (they were split on different histories: give every shard the same --runs folder or --store)", name, pr.owned, pr.total)
		}
	}
	return nil
}
