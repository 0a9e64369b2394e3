package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/dvcqa/dvcqa/fixtures"
)

// catalogEntry is the machine form of `dvcqa catalog --json`.
type catalogEntry struct {
	ID             string   `json:"id"`
	ProcedureCode  string   `json:"procedure_code,omitempty"`
	NameVI         string   `json:"name_vi"`
	NameEN         string   `json:"name_en"`
	Agency         string   `json:"agency"`
	Databases      []string `json:"databases"`
	FeeVND         int64    `json:"fee_vnd"`
	ProcessingDays int      `json:"processing_days"`
	Workflow       []string `json:"workflow"`
	Chain          []string `json:"chain,omitempty"`
	Source         string   `json:"source"`
}

func catalogCmd(args []string) int {
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return fail("catalog: unexpected argument %q (it takes none)", fs.Arg(0))
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	if *asJSON {
		out := make([]catalogEntry, 0, len(cat.Services))
		for _, s := range cat.Services {
			e := catalogEntry{ID: s.ID, ProcedureCode: s.ProcedureCode, NameVI: s.NameVI, NameEN: s.NameEN, Agency: s.Agency,
				Databases: s.Databases, FeeVND: s.FeeVND, ProcessingDays: s.ProcessingDays, Workflow: s.Workflow, Source: s.Source}
			for _, c := range s.Chain {
				e.Chain = append(e.Chain, c.Step)
			}
			out = append(out, e)
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail("catalog: %v", err)
		}
		return 0
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAGENCY\tFEE (VND)\tDAYS\tDATABASES\tSERVICE")
	for _, s := range cat.Services {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s / %s\n", s.ID, s.Agency, s.FeeVND, s.ProcessingDays, len(s.Databases), s.NameVI, s.NameEN)
	}
	if err := tw.Flush(); err != nil {
		return fail("catalog: %v", err)
	}
	return 0
}
