package render

// File names of a run folder besides summary.json, ginkgo.json, junit.xml.
const (
	HTMLFile     = "index.html"
	MarkdownFile = "summary.md"
)
