// Package render turns the report model (package reports) into what people
// read: index.html and summary.md from templates (templates/), junit.xml,
// the terminal table and diff.md, in Vietnamese or English. Renderers only
// read the model: verdicts, readiness (reports.ReadinessOf) and the gate
// are decided there, once.
package render
