// Command dvcqa runs the integration suites of Vietnam's public-service
// portals against the embedded mock world or a target profile, serves the
// mock world standalone, and lists the service catalog.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `dvcqa — integration-test harness for Vietnam's public-service portals

Usage:
  dvcqa run [--target FILE] [--defect NAME[,NAME]] [--label-filter EXPR] [--procs N] [--runs DIR]
            [--waivers FILE] [--flake-attempts N] [--lang vi|en] [--store URL] [--shard I/N] [-v]
                         run all suites (default: against the embedded mock world); -v: Ginkgo's own output
  dvcqa mock serve [--addr 127.0.0.1:8080] [--seed N] [--day 10ms] [--defect NAME[,NAME]] [--write-target FILE]
                   [--officers automatic|manual] [--dialect SYS=NAME,…] [--tls [--tls-client-ca]]
                         run the mock world standalone
  dvcqa auth save --target FILE --out FILE [--personal-id ID] [--password-env VAR] | [--browser [--browser-url ws://…]]
                         save an SSO login session for sso.login: session (mode 0600, outside any repository);
                         --browser: a person logs in by hand in a (remote) Chromium window
  dvcqa defects [--json] list the seeded defects of the mock world and the specs that catch them
  dvcqa report [--lang en] [--waivers FILE] <run>   rebuild a run's reports from its files
  dvcqa diff [--store URL] [--allow-mixed] <old-run> <new-run>
                         regressions, fixes, new/removed, flaky, slower specs, between runs of one key
                         (target, province, label filter, seeded defects)
  dvcqa trend [--store URL] [--last N] [--like RUN] [--json]
                         the runs of the newest run's key (or RUN's), oldest first, and the readiness that changed
  dvcqa merge <run> <run>...                        combine shards (--shard I/N, provinces) into one run
  dvcqa cleanup <run-id> [--runs DIR] [--target FILE]
                         withdraw the dossiers a run created (its dossiers.json) through the portal's API;
                         exit 1 when some could not be withdrawn (each listed with the portal's reason)
  dvcqa trial start|follow|officers|report|cleanup [--store URL] [--id NAME|latest] …
                         a trial campaign (chạy thử nghiệm): test dossiers submitted once, followed over days
                         on the portal and DVCQG in a store, reported as the ministries' figures (dvcqa trial -h)
  dvcqa catalog [--json] list the 25 essential online public services

Exit codes: 0 the go-live gate passed; 1 it failed; 2 the harness could not run.
<run> is a run id under runs/ (--runs DIR; --reports is its old name), a run folder, "latest" or "previous".
--store URL (env DVCQA_STORE): sqlite:path/to/dvcqa.db or postgres://…; run records the run there, diff and trend read from it.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	args := os.Args[2:]
	var code int
	switch os.Args[1] {
	case "run":
		code = runCmd(args)
	case "mock":
		code = mockCmd(args)
	case "auth":
		code = authCmd(args)
	case "catalog":
		code = catalogCmd(args)
	case "defects":
		code = defectsCmd(args)
	case "report":
		code = reportCmd(args)
	case "diff":
		code = diffCmd(args)
	case "trend":
		code = trendCmd(args)
	case "merge":
		code = mergeCmd(args)
	case "cleanup":
		code = cleanupCmd(args)
	case "trial":
		code = trialCmd(args)
	case watchCommand:
		code = watchCmd(args)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "dvcqa: unknown command %q\n\n%s", os.Args[1], usage)
		code = 2
	}
	os.Exit(code)
}

// stderr is where harness errors go (a test reads them).
var stderr io.Writer = os.Stderr

// fail prints a harness error and returns exit code 2.
func fail(format string, args ...any) int {
	fmt.Fprintf(stderr, "dvcqa: "+format+"\n", args...)
	return 2
}
