package reports_test

import (
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/reports/render"
)

func init() {
	reports.RenderTable = render.PrintTable
	reports.RenderMarkdown = render.WriteMarkdown
	reports.RenderHTML = render.WriteHTML
}
