package framework

import (
	"fmt"
	"os"
	"sync"

	"github.com/dvcqa/dvcqa/fixtures"
)

// TargetEnv names the environment variable holding the path of the target
// profile; empty means the embedded mock world.
const TargetEnv = "DVCQA_TARGET"

// Config is what a suite knows before RunSpecs: the catalog (specs are
// generated from it) and the target profile (it sets the time budgets).
type Config struct {
	Catalog *fixtures.Catalog
	Target  *fixtures.Target
}

var (
	configOnce sync.Once
	config     *Config
	configErr  error
)

// LoadConfig loads the catalog and the target profile named by DVCQA_TARGET
// once per process. Spec trees are built from it at init time, so a broken
// file must not panic there: the error is kept and BeforeSuite reports it.
func LoadConfig() (*Config, error) {
	configOnce.Do(func() {
		cat, err := fixtures.Load()
		if err != nil {
			configErr = fmt.Errorf("load fixtures: %w", err)
			return
		}
		var t *fixtures.Target
		if path := os.Getenv(TargetEnv); path != "" {
			t, err = fixtures.LoadTarget(path, cat)
		} else {
			t, err = fixtures.DefaultTarget(cat)
		}
		if err != nil {
			configErr = fmt.Errorf("load target profile: %w", err)
			config = &Config{Catalog: cat}
			return
		}
		config = &Config{Catalog: cat, Target: t}
	})
	return config, configErr
}

// Catalog returns the fixture catalog for building spec trees. An empty
// catalog is returned when loading failed; BeforeSuite then fails with the
// reason, so the run is red rather than empty.
func Catalog() *fixtures.Catalog {
	c, _ := LoadConfig()
	if c == nil || c.Catalog == nil {
		return &fixtures.Catalog{}
	}
	return c.Catalog
}

// SpecTimeouts returns the target's time budgets, with the defaults of the
// embedded profile when the target could not be loaded.
func SpecTimeouts() fixtures.TargetTimeouts {
	c, _ := LoadConfig()
	if c != nil && c.Target != nil {
		return c.Target.Timeouts
	}
	return fixtures.TargetTimeouts{Request: 10e9, Result: 60e9, Sync: 10e9, Spec: 120e9}
}
