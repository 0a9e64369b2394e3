package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/portal"
	"github.com/dvcqa/dvcqa/mocks/world"
	"github.com/dvcqa/dvcqa/vocab"
)

func mockCmd(args []string) int {
	if len(args) == 0 || args[0] != "serve" {
		return fail("usage: dvcqa mock serve [--addr 127.0.0.1:8080] [--allow-remote] [--seed N] [--day 10ms] [--province 01] [--write-target FILE] [--defect D] [--dialect dvcqg=opencps,...] [--officers automatic|manual] [--tls [--tls-client-ca]]")
	}
	fs := flag.NewFlagSet("mock serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (loopback unless --allow-remote)")
	allowRemote := fs.Bool("allow-remote", false, "allow a non-loopback --addr (other machines can then reach the mock and its seed-derived credentials)")
	seed := fs.Int64("seed", 0, "world seed (default: the embedded target's seed)")
	day := fs.Duration("day", world.DefaultDay, "real duration of one world day (compressed clock)")
	province := fs.String("province", "", "province of the written target file (default: the embedded target's)")
	writeTarget := fs.String("write-target", "", "write a target profile pointing at this mock world to FILE")
	defectList := fs.String("defect", "", "seeded defects to switch on, e.g. result-unsigned@DV09 (see dvcqa defects)")
	dialectList := fs.String("dialect", "", "protocol dialects the systems speak, e.g. dvcqg=opencps,payment=published (default: each system's first; see docs/dialects.md)")
	officers := fs.String("officers", portal.OfficersAutomatic, "who moves dossiers: automatic (the portals' synthetic officers) or manual (only officers acting in the back office, docs/officers.md)")
	tlsFlags := addTLSFlags(fs) // https (mock_tls.go)
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return fail("mock serve: unexpected argument %q (flags go before it; it takes none)", fs.Arg(0))
	}
	if *officers != portal.OfficersAutomatic && *officers != portal.OfficersManual {
		return fail("mock serve: --officers %q: want automatic or manual", *officers)
	}
	if *day <= 0 {
		return fail("mock serve: --day %s: want a positive duration, e.g. 10ms", *day)
	}
	if err := world.CheckAddr(*addr, *allowRemote); err != nil {
		return fail("mock serve: --addr %s is not a loopback address: refusing without --allow-remote (the mock's passwords derive from a public seed)", *addr)
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	target, err := fixtures.DefaultTarget(cat)
	if err != nil {
		return fail("%v", err)
	}
	if *seed != 0 {
		target.Seed = *seed
	}
	if *province != "" {
		if _, ok := cat.Province(*province); !ok {
			return fail("unknown province code %q", *province)
		}
		target.Province = *province
	}

	set, err := world.DefectSet(*defectList)
	if err != nil {
		return fail("%v", err)
	}
	dialects, err := parseDialects(*dialectList)
	if err != nil {
		return fail("mock serve: --dialect: %v", err)
	}
	target.SSO.Dialect, target.Gateway.Dialect = dialects[vocab.SystemSSO], dialects[vocab.SystemGateway]
	target.DVCQG.Dialect, target.Payment.Dialect = dialects[vocab.SystemDVCQG], dialects[vocab.SystemPayment]
	target.SetSSODialect(target.SSO.Dialect) // the written profile gets the dialect's client_auth and acr_values
	tlsConfig, err := tlsFlags.config(*addr, *writeTarget)
	if err != nil {
		return fail("mock serve: %v", err)
	}
	start := time.Now()
	w, err := world.Start(world.Options{Addr: *addr, AllowRemote: *allowRemote, Seed: target.Seed, Day: *day, Catalog: cat, Defects: set, Dialects: dialects, TLS: tlsConfig,
		Officers: *officers})
	if err != nil {
		return fail("%v", err)
	}
	defer w.Close()
	target.Name = "mock-standalone"
	target.URLs = w.URLs(target.Province)
	if *writeTarget != "" {
		// The token first: whoever waits for the target file finds it there.
		if err := writeAdminToken(*writeTarget+AdminTokenSuffix, w.AdminToken()); err != nil {
			return fail("%v", err)
		}
		if err := tlsFlags.write(*writeTarget, target); err != nil {
			return fail("%v", err)
		}
		// The result CA beside it, pinned: the harness verifies results
		// with it, not with what the portal under test publishes.
		if err := os.WriteFile(*writeTarget+ResultCASuffix, w.ResultCAPEM(), 0o644); err != nil {
			return fail("write the result CA: %v", err)
		}
		target.Portal.ResultCAFile = filepath.Base(*writeTarget + ResultCASuffix)
		if err := writeMockTarget(*writeTarget, target, *officers); err != nil {
			return fail("%v", err)
		}
	}
	if !world.IsLoopbackAddr(*addr) {
		fmt.Fprintf(os.Stderr, "WARNING: the mock world listens on %s, reachable from other machines as %s (--allow-remote).\n"+
			"         Its citizens' passwords and clients' secrets derive from the seed and are NOT secret; never put real data in it.\n", *addr, w.URL)
	}

	fmt.Printf("dvcqa mock world (seed %d, one world day = %s) up in %s at %s\n", target.Seed, *day, time.Since(start).Round(time.Millisecond), w.URL)
	fmt.Printf("  sso (OIDC issuer)   %s\n", target.URLs.SSO)
	fmt.Printf("  gateway (NDXP)      %s\n", target.URLs.Gateway)
	for _, db := range cat.Databases {
		fmt.Printf("    %-22s %s/db/%s\n", db.ID, w.URL, db.ID)
	}
	fmt.Printf("  national portal     %s\n", target.URLs.DVCQG)
	fmt.Printf("  payment platform    %s\n", target.URLs.Payment)
	fmt.Printf("  portals             %s/portal/{01..96} (province %s: %s)\n", w.URL, target.Province, target.URLs.Portal)
	fmt.Printf("  index               %s/  · every system answers GET <url>/healthz\n", w.URL)
	fmt.Printf("  dialects            dvcqg %s · payment %s · gateway %s · sso %s\n", target.Dialects()[vocab.SystemDVCQG],
		target.Dialects()[vocab.SystemPayment], target.Dialects()[vocab.SystemGateway], target.Dialects()[vocab.SystemSSO])
	fmt.Printf("  seeded defects      %s/admin/defects (GET, PUT {\"defects\":[...]}); on: %v\n", w.URL, set.List())
	// Printed once, here, for the person who started it; never written into a run's reports.
	fmt.Printf("  admin token         %s  (Authorization: Bearer <token> on /admin/*)\n", w.AdminToken())
	if a := w.Citizens.Applicants(target.Province); len(a) > 0 {
		// Synthetic, seed-derived credentials, printed so QA can log in by hand.
		fmt.Printf("  test citizen        %s (%s) password %s\n", a[0].PersonalID, a[0].FullName, a[0].Password)
	}
	user := portal.OfficerUsername(target.Province) // seed-derived too, like the citizen's
	fmt.Printf("  officers            %s · back office %s/backoffice (%s password %s)\n", *officers, target.URLs.Portal,
		user, fixtures.MockSecret(target.Seed, "officer:"+user))
	if *writeTarget != "" {
		fmt.Printf("  target profile      %s  (dvcqa run --target %s)\n", *writeTarget, *writeTarget)
		fmt.Printf("  admin token file    %s%s  (mode 0600)\n", *writeTarget, AdminTokenSuffix)
		tlsFlags.print(*writeTarget)
	}
	fmt.Println("Ctrl-C stops it.")

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	<-sigs
	return 0
}

// AdminTokenSuffix names the file beside the written target that holds the
// admin token: its own file, readable by its owner only, so the target
// profile (which people copy and commit) never carries it.
const AdminTokenSuffix = ".admin-token"

// ResultCASuffix names the file beside the written target that holds the
// CA certifying the world's result signers (portal.result_ca_file).
const ResultCASuffix = ".result-ca.pem"

func writeAdminToken(path, token string) error {
	// Remove first: WriteFile keeps an existing file's looser mode.
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write admin token: %w", err)
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return fmt.Errorf("write admin token: %w", err)
	}
	return nil
}

// writeTargetFile writes a mock target profile with the world's URLs.
// Secrets are not in it: a mock target derives them from the seed.
func writeTargetFile(path string, t *fixtures.Target) error {
	return writeMockTarget(path, t, portal.OfficersAutomatic)
}

// writeMockTarget is writeTargetFile with, for manual officers, the
// officers section (docs/officers.md) added as YAML: the driver, and the
// account whose password the seed gives.
func writeMockTarget(path string, t *fixtures.Target, officers string) error {
	var doc yaml.Node
	if err := doc.Encode(t); err != nil {
		return fmt.Errorf("write target: %w", err)
	}
	if officers == portal.OfficersManual {
		setKey(&doc, "officers", map[string]string{"mode": portal.OfficersManual, "driver": "api", "username": portal.OfficerUsername(t.Province)})
	}
	data, err := yaml.Marshal(&doc)
	if err != nil {
		return fmt.Errorf("write target: %w", err)
	}
	header := "# Written by `dvcqa mock serve`: a mock world. Secrets derive from the seed; the admin token is in the file beside it (" + AdminTokenSuffix + ").\n"
	if err := os.WriteFile(path, append([]byte(header), data...), 0o644); err != nil {
		return fmt.Errorf("write target: %w", err)
	}
	return nil
}

// setKey sets a top-level key of the mapping doc to v, replacing the
// value that is there (the profile's own officers section, once
// fixtures.Target has one).
func setKey(doc *yaml.Node, key string, v any) {
	var val yaml.Node
	_ = val.Encode(v) // a map of strings always encodes
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == key {
			doc.Content[i+1] = &val
			return
		}
	}
	doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &val)
}

// parseDialects reads "system=dialect,…" (--dialect) into a map, refusing
// unknown systems and dialects by name.
func parseDialects(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		sys, d, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want system=dialect, e.g. dvcqg=opencps", kv)
		}
		known, ok := vocab.Dialects[sys]
		if !ok {
			return nil, fmt.Errorf("%q: unknown system %q (want dvcqg, payment, gateway or sso)", kv, sys)
		}
		if !vocab.KnownDialect(sys, d) || d == "" {
			return nil, fmt.Errorf("%q: %s has no dialect %q (it has %s)", kv, sys, d, strings.Join(known, ", "))
		}
		if _, dup := out[sys]; dup {
			return nil, fmt.Errorf("%q: a second dialect for %s", kv, sys)
		}
		out[sys] = d
	}
	return out, nil
}
