package framework

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/ginkgo/v2"
	gtypes "github.com/onsi/gomega/types"

	"github.com/dvcqa/dvcqa/suites/framework/pii"
	"github.com/dvcqa/dvcqa/vocab"
)

// Answer names an answer a check reads: the system that told it and the
// operation that answered (as the system's protocol names it, for example
// "TraCuuHoSo" or "GET /api/v1/dossiers/{id}").
type Answer struct {
	System    string
	Operation string
}

// Diffs collects the fields of answers that differ from their references.
// A check builds the whole expected object, compares it with Compare and
// adds form rules for what cannot be predicted; Err is nil only when no
// field differs. A failure reads "system operation field: want X, got Y",
// one line per field.
type Diffs struct {
	list []vocab.FieldDiff
}

// Compare adds every field in which got differs from want (go-cmp's
// structural walk). Fields are named by their JSON names where the type has
// them.
func (d *Diffs) Compare(a Answer, want, got any, opts ...cmp.Option) {
	var r fieldReporter
	cmp.Equal(want, got, append(opts, cmp.Reporter(&r))...)
	for _, f := range r.diffs {
		d.add(a, f.path, f.want, f.got)
	}
}

// CompareField is Compare of a part of an answer, its paths under field.
func (d *Diffs) CompareField(a Answer, field string, want, got any, opts ...cmp.Option) {
	var r fieldReporter
	cmp.Equal(want, got, append(opts, cmp.Reporter(&r))...)
	for _, f := range r.diffs {
		p := field
		if f.path != "(whole answer)" {
			if strings.HasPrefix(f.path, "[") {
				p += f.path
			} else {
				p += "." + f.path
			}
		}
		d.add(a, p, f.want, f.got)
	}
}

// Field adds the field when got ≠ want (reflect.DeepEqual).
func (d *Diffs) Field(a Answer, field string, want, got any) {
	if !reflect.DeepEqual(want, got) {
		d.add(a, field, show(reflect.ValueOf(want)), show(reflect.ValueOf(got)))
	}
}

// Form adds the field when its value breaks a rule the harness can state
// without predicting the value (an id's shape, a time inside the run):
// the rule is what the failure says was wanted.
func (d *Diffs) Form(a Answer, field string, got any, ok bool, rule string) {
	if !ok {
		d.add(a, field, rule, show(reflect.ValueOf(got)))
	}
}

// Same adds the field when two systems tell the same fact differently:
// the reference is what the first system told.
func (d *Diffs) Same(a Answer, field string, first Answer, want, got any) {
	if !reflect.DeepEqual(want, got) {
		d.add(a, field, show(reflect.ValueOf(want))+" (as "+first.System+" "+first.Operation+" told it)", show(reflect.ValueOf(got)))
	}
}

// Empty reports whether no field differed.
func (d *Diffs) Empty() bool { return len(d.list) == 0 }

// List is the differing fields, in the order found.
func (d *Diffs) List() []vocab.FieldDiff { return d.list }

// Err is nil when no field differed, else an error that names what was
// checked and lists every differing field. The list is kept for the
// report (index.html shows expected and actual per field).
func (d *Diffs) Err(what string) error {
	if len(d.list) == 0 {
		return nil
	}
	record(d.list)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d field(s) differ from the reference", what, len(d.list))
	for _, f := range d.list {
		b.WriteString("\n  ")
		b.WriteString(f.String())
	}
	return errors.New(b.String())
}

// Expect fails the spec when a field differed.
func (d *Diffs) Expect(what string) {
	ginkgo.GinkgoHelper()
	if err := d.Err(what); err != nil {
		ginkgo.Fail(err.Error())
	}
}

func (d *Diffs) add(a Answer, field, want, got string) {
	f := vocab.FieldDiff{System: a.System, Operation: a.Operation, Field: field, Want: pii.Mask(want), Got: pii.Mask(got)}
	if f.Want == f.Got && want != got {
		// Personal data masks alike: say that the values differ.
		f.Got += " (masked personal data; differs from the expected value)"
	}
	f.Blame = firstTeller(f)
	d.list = append(d.list, f)
}

// The wrong values this spec has seen, so that a value one system told
// wrong and another repeats is blamed on the first. A Ginkgo process runs
// one spec at a time; resetFields clears it before each.
var (
	fieldsMu sync.Mutex
	told     = map[[2]string]string{} // {want, got} → first system
	recorded []vocab.FieldDiff
)

func firstTeller(f vocab.FieldDiff) string {
	fieldsMu.Lock()
	defer fieldsMu.Unlock()
	k := [2]string{f.Want, f.Got}
	if first, ok := told[k]; ok && first != f.System {
		return first
	}
	if _, ok := told[k]; !ok {
		told[k] = f.System
	}
	return ""
}

func record(list []vocab.FieldDiff) {
	fieldsMu.Lock()
	defer fieldsMu.Unlock()
	recorded = append([]vocab.FieldDiff(nil), list...)
}

// resetFields forgets the previous spec's wrong values.
func resetFields() {
	fieldsMu.Lock()
	defer fieldsMu.Unlock()
	told = map[[2]string]string{}
	recorded = nil
}

// recordedFields is the last list of differing fields of the spec.
func recordedFields() []vocab.FieldDiff {
	fieldsMu.Lock()
	defer fieldsMu.Unlock()
	return recorded
}

// fieldReporter is a go-cmp Reporter collecting each differing leaf with
// its path.
type fieldReporter struct {
	path  cmp.Path
	diffs []struct{ path, want, got string }
}

func (r *fieldReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *fieldReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *fieldReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.diffs = append(r.diffs, struct{ path, want, got string }{pathString(r.path), show(vx), show(vy)})
}

// pathString names a go-cmp path the way the wire does: JSON names of
// struct fields, [i] for list items, [key] for map entries.
func pathString(p cmp.Path) string {
	var b strings.Builder
	for i, st := range p {
		switch s := st.(type) {
		case cmp.StructField:
			name := s.Name()
			if i > 0 {
				if t := p[i-1].Type(); t.Kind() == reflect.Struct {
					if sf, ok := t.FieldByName(name); ok {
						if tag, _, _ := strings.Cut(sf.Tag.Get("json"), ","); tag != "" && tag != "-" {
							name = tag
						}
					}
				}
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(name)
		case cmp.SliceIndex:
			if key := elementKey(s); key != "" {
				fmt.Fprintf(&b, "[%s]", key)
				continue
			}
			k := s.Key()
			if k < 0 {
				kx, ky := s.SplitKeys()
				k = max(kx, ky)
			}
			fmt.Fprintf(&b, "[%d]", k)
		case cmp.MapIndex:
			fmt.Fprintf(&b, "[%v]", s.Key())
		}
	}
	if b.Len() == 0 {
		return "(whole answer)"
	}
	return b.String()
}

// keyFields name a list item better than its index: a form field by its
// name, an attachment by its type, a history entry by its state.
var keyFields = []string{"Name", "Type", "Status", "Step", "Kid"}

// elementKey is the key field of a list item of structs, "" when it has
// none (either side's item, whichever is present).
func elementKey(s cmp.SliceIndex) string {
	vx, vy := s.Values()
	for _, v := range []reflect.Value{vy, vx} {
		if !v.IsValid() || v.Kind() != reflect.Struct {
			continue
		}
		for _, name := range keyFields {
			if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
				return f.String()
			}
		}
	}
	return ""
}

// show prints a value for a failure line: strings quoted, times in Vietnam
// time, an absent value as (absent).
func show(v reflect.Value) string {
	if !v.IsValid() {
		return "(absent)"
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case string:
			return strconv.Quote(x)
		case time.Time:
			if x.IsZero() {
				return "(zero time)"
			}
			return x.In(vocab.Vietnam).Format("2006-01-02 15:04:05")
		case fmt.Stringer:
			return x.String()
		}
		switch v.Kind() {
		case reflect.Struct, reflect.Map, reflect.Slice, reflect.Array:
			if b, err := json.Marshal(v.Interface()); err == nil {
				return string(b)
			}
		}
	}
	return fmt.Sprintf("%v", v)
}

// NoFieldDiffs is the matcher of Diffs.Err inside gomega.Eventually: its
// failure is the error's own text, one line per differing field, not
// gomega's dump of an error value.
func NoFieldDiffs() gtypes.GomegaMatcher { return noFieldDiffs{} }

type noFieldDiffs struct{}

func (noFieldDiffs) Match(actual any) (bool, error) {
	if actual == nil {
		return true, nil
	}
	if _, ok := actual.(error); !ok {
		return false, fmt.Errorf("NoFieldDiffs wants the error of Diffs.Err, got %T", actual)
	}
	return false, nil
}

func (noFieldDiffs) FailureMessage(actual any) string { return actual.(error).Error() }

func (noFieldDiffs) NegatedFailureMessage(any) string {
	return "want fields that differ, got none"
}
