package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/reports"
)

// shardReport is a shard's Ginkgo report: every spec listed, as Ginkgo does.
func shardReport(id string) reports.Shard {
	rep := types.Report{SpecReports: types.SpecReports{{LeafNodeType: types.NodeTypeBeforeSuite}}}
	for _, s := range []string{"X", "Y", "Z"} {
		rep.SpecReports = append(rep.SpecReports, types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: s, State: types.SpecStateSkipped})
	}
	return reports.Shard{RunID: id, Province: "01", Reports: []types.Report{rep}}
}

func keptOf(sh reports.Shard) string {
	var out []string
	for _, sr := range sh.Reports[0].SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			out = append(out, sr.LeafNodeText)
		} else {
			out = append(out, sr.LeafNodeType.String())
		}
	}
	return strings.Join(out, ",")
}

func TestJoinShardsKeepsEachSpecOnce(t *testing.T) {
	shards := []reports.Shard{shardReport("s1"), shardReport("s2")}
	recs := []*runRecord{{}, {}}
	plans := []*shardPlan{{Index: 1, Count: 2, Specs: []string{"X"}, Total: 2}, {Index: 2, Count: 2, Specs: []string{"Y"}, Total: 2}}
	out, err := joinShards(shards, plans, recs)
	if err != nil {
		t.Fatal(err)
	}
	// Z was in no plan (left out by the label filter): kept once, from the first shard.
	got := []string{keptOf(out[0]), keptOf(out[1])}
	if want := []string{"BeforeSuite,X,Z", "BeforeSuite,Y"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	if keptOf(shards[0]) != "BeforeSuite,X,Y,Z" {
		t.Errorf("joinShards changed its input: %s", keptOf(shards[0]))
	}
	// Plain runs (no plan: provinces run apart) stay whole.
	plain, err := joinShards(shards, []*shardPlan{nil, nil}, recs)
	if err != nil || keptOf(plain[1]) != "BeforeSuite,X,Y,Z" {
		t.Errorf("plain runs: %v %v, want them whole", err, keptOf(plain[1]))
	}
}

func TestJoinShardsRefusesShardsOfDifferentRuns(t *testing.T) {
	shards := []reports.Shard{shardReport("s1"), shardReport("s2")}
	for name, c := range map[string]struct {
		plans []*shardPlan
		recs  []*runRecord
		want  string
	}{
		"spec in two shards": {[]*shardPlan{{Index: 1, Count: 2, Specs: []string{"X"}}, {Index: 2, Count: 2, Specs: []string{"X"}}},
			[]*runRecord{{}, {}}, `spec "X" is in shard s1 and in shard s2`},
		"another N": {[]*shardPlan{{Index: 1, Count: 2}, {Index: 2, Count: 3}},
			[]*runRecord{{}, {}}, "another is of 2 shards"},
		"another label filter": {[]*shardPlan{{Index: 1, Count: 2}, {Index: 2, Count: 2}},
			[]*runRecord{{Meta: reports.Meta{LabelFilter: "layer:api"}}, {}}, "label filters"},
		"a shard missing": {[]*shardPlan{{Index: 1, Count: 3, Specs: []string{"X"}, Total: 2}, {Index: 2, Count: 3, Specs: []string{"Y"}, Total: 2}},
			[]*runRecord{{}, {}}, "shard(s) 3/3 missing"},
		"the same shard twice": {[]*shardPlan{{Index: 1, Count: 2, Specs: []string{"X"}, Total: 2}, {Index: 1, Count: 2, Specs: []string{"Y"}, Total: 2}},
			[]*runRecord{{}, {}}, "both shard 1/2"},
		"split on different histories": {[]*shardPlan{{Index: 1, Count: 2, Specs: []string{"X"}, Total: 3}, {Index: 2, Count: 2, Specs: []string{"Y"}, Total: 3}},
			[]*runRecord{{}, {}}, "own 2 of the 3 specs"},
	} {
		if _, err := joinShards(shards, c.plans, c.recs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
}
