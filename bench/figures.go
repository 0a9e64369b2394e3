package bench

import (
	"fmt"
	"os"
	"sync"
)

// FiguresEnv names the file every benchmark appends its figures to, one
// "label: value" line each, so that `make bench` can print them all again
// in one block at the end ("dvcqa bench figures"). Unset: printed only.
const FiguresEnv = "DVCQA_BENCH_FIGURES"

var figuresMu sync.Mutex

// figure prints one labelled figure and appends it to the figures file.
// Benchmarks print figures; nothing asserts on them.
func figure(label, format string, args ...any) {
	line := label + ": " + fmt.Sprintf(format, args...)
	figuresMu.Lock()
	defer figuresMu.Unlock()
	fmt.Println("figure  " + line)
	path := os.Getenv(FiguresEnv)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: write figure to %s: %v\n", path, err)
		return
	}
	defer f.Close()
	if _, err := fmt.Fprintln(f, line); err != nil {
		fmt.Fprintf(os.Stderr, "bench: write figure to %s: %v\n", path, err)
	}
}

// ms formats a duration as milliseconds, the unit of every flow figure.
func ms(d interface{ Milliseconds() int64 }) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }
