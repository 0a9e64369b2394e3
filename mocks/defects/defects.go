// Package defects is the registry of seeded defects of the mock world: named
// switches, each read by the one system that owns the behaviour, each
// declaring which specs must catch it. A harness is worth the defects it
// catches; the self-tests (package selftest) prove every entry is caught.
package defects

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Defect is one seeded failure mode and the expectation of the suites.
type Defect struct {
	Name        string `json:"name"`
	Param       string `json:"param,omitempty"` // what follows "name:" ("state", "field"); "" = none
	System      string `json:"system"`          // the mock that reads the switch
	Scopable    bool   `json:"scopable"`        // may be limited with @DVxx, @<province>, or both
	Description string `json:"description"`

	// The self-test: switch Example on, run the specs selected by Filter,
	// and expect exactly the specs matching Expect to fail, each failure
	// message containing Symptom; every other spec of Filter must pass.
	Example       string   `json:"example"`
	Filter        string   `json:"filter"`
	ExpectedSpecs []string `json:"expected_specs"`
	Symptom       string   `json:"symptom"`
	// Target is the target profile the self-test runs Example with
	// (module-relative, e.g. manual officers); "" = the default profile.
	Target string `json:"target,omitempty"`
}

// Switch is one defect switched on, possibly scoped.
type Switch struct {
	Name     string
	Param    string
	Service  string // "" = every service
	Province string // "" = every province
}

func (s Switch) String() string {
	out := s.Name
	if s.Param != "" {
		out += ":" + s.Param
	}
	if s.Service != "" {
		out += "@" + s.Service
	}
	if s.Province != "" {
		out += "@" + s.Province
	}
	return out
}

var (
	serviceScope  = regexp.MustCompile(`^DV[0-9]{2}$`)
	provinceScope = regexp.MustCompile(`^[0-9]{2}$`)
)

// Parse reads "name[:param][@DVxx][@NN]", e.g. "status-stuck:processing@DV09"
// or, limited to one province too, "status-stuck:processing@DV09@79".
func Parse(s string) (Switch, error) {
	s = strings.TrimSpace(s)
	var sw Switch
	rest, scopes, scoped := strings.Cut(s, "@")
	sw.Name, sw.Param, _ = strings.Cut(rest, ":")
	d, ok := Lookup(sw.Name)
	if !ok {
		return Switch{}, fmt.Errorf("unknown defect %q (dvcqa defects lists them)", sw.Name)
	}
	if (d.Param == "") != (sw.Param == "") {
		if d.Param == "" {
			return Switch{}, fmt.Errorf("defect %s takes no parameter", sw.Name)
		}
		return Switch{}, fmt.Errorf("defect %s needs a %s: %s:<%s>", sw.Name, d.Param, sw.Name, d.Param)
	}
	if scoped && !d.Scopable {
		return Switch{}, fmt.Errorf("defect %s applies to the whole world and cannot be scoped", sw.Name)
	}
	// A service, a province, or both: status-stuck:processing@DV09@79.
	for _, scope := range strings.Split(scopes, "@") {
		if !scoped {
			break
		}
		switch {
		case serviceScope.MatchString(scope) && sw.Service == "":
			sw.Service = scope
		case provinceScope.MatchString(scope) && sw.Province == "":
			sw.Province = scope
		case serviceScope.MatchString(scope), provinceScope.MatchString(scope):
			return Switch{}, fmt.Errorf("defect %s: scope %q given twice (one service and one province at most)", sw.Name, scope)
		default:
			return Switch{}, fmt.Errorf("defect %s: scope %q is neither a service (DV01) nor a province code (01)", sw.Name, scope)
		}
	}
	return sw, nil
}

// ParseList reads a comma-separated list of switches.
func ParseList(csv string) ([]Switch, error) {
	var out []Switch
	for _, part := range strings.Split(csv, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		sw, err := Parse(part)
		if err != nil {
			return nil, err
		}
		out = append(out, sw)
	}
	return out, nil
}

// Lookup finds a defect of the registry by name.
func Lookup(name string) (Defect, bool) {
	for _, d := range All() {
		if d.Name == name {
			return d, true
		}
	}
	return Defect{}, false
}

// All returns the registry, sorted by name.
func All() []Defect {
	out := append([]Defect(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Set holds the switches in force in a world; every system asks it. The
// zero value and a nil *Set have nothing switched on.
type Set struct {
	mu       sync.RWMutex
	switches []Switch
}

// NewSet returns a set with the switches on.
func NewSet(sw ...Switch) *Set { return &Set{switches: sw} }

// Replace switches the given defects on and every other one off.
func (s *Set) Replace(sw []Switch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.switches = append([]Switch(nil), sw...)
}

// List returns the switches in force.
func (s *Set) List() []Switch {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Switch(nil), s.switches...)
}

// Active reports whether the defect is on for this service and province
// ("" when the caller does not know), with its parameter.
func (s *Set) Active(name, service, province string) (param string, on bool) {
	if s == nil {
		return "", false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, sw := range s.switches {
		if sw.Name != name {
			continue
		}
		if sw.Service != "" && sw.Service != service {
			continue
		}
		if sw.Province != "" && sw.Province != province {
			continue
		}
		return sw.Param, true
	}
	return "", false
}
