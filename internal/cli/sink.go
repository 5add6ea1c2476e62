package cli

import (
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
)

// newDisplay shows progress on stderr: a live view on a terminal, plain
// prefixed lines otherwise. Results go to stdout (printResults).
func newDisplay(g *GlobalOptions, command string, total int) report.Display {
	return report.NewDisplay(g.Stderr, command, report.NewStyle(g.NoColor, g.Stderr), total)
}

// printResults prints the summary table, or the JSON run report with --json.
func printResults(g *GlobalOptions, command string, started time.Time, results []outcome.Result) error {
	if g.JSON {
		return report.WriteJSON(g.Stdout, report.NewRunReport(command, started, time.Now(), results))
	}
	return report.WriteSummary(g.Stdout, results, report.NewStyle(g.NoColor, g.Stdout).Color)
}
