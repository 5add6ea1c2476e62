package views

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
)

// Operation shows the end of a run of plan, apply or destroy: the summary
// table, or the JSON run report (docs/run-report.md).
type Operation interface {
	Results(command string, started, finished time.Time, results []outcome.Result) error
}

// NewOperation is the view of apply and destroy (and of the runs install and
// update start).
func NewOperation(k Kind, s Streams) Operation {
	return pick[Operation](k, operationHuman{s}, operationJSON{s})
}

type operationHuman struct{ s Streams }

func (v operationHuman) Results(_ string, _, _ time.Time, results []outcome.Result) error {
	return report.WriteSummary(v.s.Stdout, results, report.NewStyle(v.s.NoColor, v.s.Stdout).Color)
}

type operationJSON struct{ s Streams }

func (v operationJSON) Results(command string, started, finished time.Time, results []outcome.Result) error {
	return report.WriteJSON(v.s.Stdout, report.NewRunReport(command, started, finished, results))
}

// PlanFormat is how plan shows its results on stdout.
type PlanFormat struct {
	// Compact: the summary table without each workspace's diff.
	Compact bool
	// Markdown: the plan as Markdown (for a pull request) instead of text.
	Markdown bool
}

// NewPlan is plan's view: each workspace's diff then the table, the
// Markdown plan, or (JSON) the run report with the resource changes.
func NewPlan(k Kind, s Streams, f PlanFormat) Operation {
	if k == JSON {
		return operationJSON{s}
	}
	return planHuman{operationHuman{s}, f}
}

type planHuman struct {
	table operationHuman
	f     PlanFormat
}

func (v planHuman) Results(command string, started, finished time.Time, results []outcome.Result) error {
	switch {
	case v.f.Markdown:
		return report.WriteMarkdown(v.table.s.Stdout, command, results)
	case !v.f.Compact:
		if err := report.WriteDiffs(v.table.s.Stdout, results, report.NewStyle(v.table.s.NoColor, v.table.s.Stdout)); err != nil {
			return err
		}
	}
	return v.table.Results(command, started, finished, results)
}

// Drift is drift's view: the run's results, then (human) one line saying
// which workspaces drifted. The JSON run report says it per workspace and
// nothing may follow it.
type Drift interface {
	Operation
	// Drifted is said after the results: total workspaces planned, the ones
	// whose plan would change something.
	Drifted(total int, drifted []outcome.Result) error
}

func NewDrift(k Kind, s Streams) Drift {
	return pick[Drift](k, driftHuman{operationHuman{s}}, driftJSON{operationJSON{s}})
}

type driftHuman struct{ operationHuman }

func (v driftHuman) Drifted(total int, drifted []outcome.Result) error {
	if len(drifted) == 0 {
		_, err := fmt.Fprintf(v.s.Stdout, "no drift: %d workspaces match their config\n", total)
		return err
	}
	names := make([]string, 0, len(drifted))
	for _, r := range drifted {
		names = append(names, fmt.Sprintf("%s (%s)", r.Workspace, report.FormatChanges(r.Add, r.Change, r.Destroy)))
	}
	_, err := fmt.Fprintf(v.s.Stdout, "drift: %s would change\n", strings.Join(names, ", "))
	return err
}

type driftJSON struct{ operationJSON }

func (driftJSON) Drifted(int, []outcome.Result) error { return nil }

// WriteMarkdownPlan writes the Markdown plan of results to w (plan
// --markdown FILE: the same rendering as --format markdown).
func WriteMarkdownPlan(w io.Writer, command string, results []outcome.Result) error {
	return report.WriteMarkdown(w, command, results)
}
