package framework

import (
	"fmt"
	"sync"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/runconfig"
)

// Config is what a suite knows before RunSpecs: the run configuration
// (written by whoever started the suites, see package runconfig), the
// catalog (specs are generated from it) and the target profile (it sets the
// time budgets).
type Config struct {
	Run     runconfig.Config
	Catalog *fixtures.Catalog
	Target  *fixtures.Target
}

var (
	configOnce sync.Once
	config     *Config
	configErr  error
)

// LoadConfig reads the run configuration (vocab.EnvRunConfig; none means the
// embedded mock world), the catalog and the target profile, once per
// process. Spec trees are built from it at init time, so a broken file must
// not panic there: the error is kept and BeforeSuite reports it.
func LoadConfig() (*Config, error) {
	configOnce.Do(func() { config, configErr = loadConfig() })
	return config, configErr
}

func loadConfig() (*Config, error) {
	cat, err := fixtures.Load()
	if err != nil {
		return nil, fmt.Errorf("load fixtures: %w", err)
	}
	run, err := runconfig.FromEnv()
	if err != nil {
		return &Config{Catalog: cat}, err
	}
	c := &Config{Run: run, Catalog: cat}
	if run.Target != "" {
		c.Target, err = fixtures.LoadTarget(run.Target, cat)
	} else {
		c.Target, err = fixtures.DefaultTarget(cat)
	}
	if err != nil {
		return c, fmt.Errorf("load target profile: %w", err)
	}
	return c, nil
}

// RunConfig is the run configuration of this process (the zero Config when
// it could not be read; BeforeSuite then fails with the reason).
func RunConfig() runconfig.Config {
	if c, _ := LoadConfig(); c != nil {
		return c.Run
	}
	return runconfig.Config{}
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
