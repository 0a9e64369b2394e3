package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/dvcqa/dvcqa/mocks/defects"
)

func defectsCmd(args []string) int {
	fs := flag.NewFlagSet("defects", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return fail("defects: unexpected argument %q (it takes none)", fs.Arg(0))
	}
	all := defects.All()
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return fail("defects: %v", err)
		}
		return 0
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEFECT\tSYSTEM\tSCOPE\tCAUGHT BY\tDESCRIPTION")
	for _, d := range all {
		name := d.Name
		if d.Param != "" {
			name += ":<" + d.Param + ">"
		}
		scope := "world"
		if d.Scopable {
			scope = "@DVxx|@NN"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, d.System, scope, strings.Join(d.ExpectedSpecs, " | "), d.Description)
	}
	if err := tw.Flush(); err != nil {
		return fail("defects: %v", err)
	}
	fmt.Printf("\n%d seeded defects. Switch on: dvcqa run --defect NAME[,NAME], dvcqa mock serve --defect ..., a target's `defects:`, or PUT /admin/defects.\n", len(all))
	return 0
}
