package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// RunReportVersion is the version of the RunReport schema (docs/run-report.md).
// It grows when a field changes meaning or disappears, not when one is added.
const RunReportVersion = 1

// RunReport is the machine-readable account of one run, printed by --json.
// The schema is documented in docs/run-report.md.
type RunReport struct {
	Version    int               `json:"version"`
	Command    string            `json:"command"`
	Started    time.Time         `json:"started"`
	Finished   time.Time         `json:"finished"`
	Workspaces []WorkspaceReport `json:"workspaces"`
	Summary    RunSummary        `json:"summary"`
}

// WorkspaceReport is one workspace of a RunReport. The keys shared with
// Result mean the same.
type WorkspaceReport struct {
	Workspace      string         `json:"workspace"`
	Status         outcome.Status `json:"status"`
	Add            int            `json:"add"`
	Change         int            `json:"change"`
	Destroy        int            `json:"destroy"`
	Started        *time.Time     `json:"started,omitempty"`
	DurationMS     int64          `json:"duration_ms"`
	SkippedBecause string         `json:"skipped_because,omitempty"`
	Error          string         `json:"error,omitempty"`
	ErrorTail      []string       `json:"error_tail,omitempty"`
	Log            string         `json:"log,omitempty"`
	// PossibleOrphans: see Result.
	PossibleOrphans []string       `json:"possible_orphans,omitempty"`
	Outputs         map[string]any `json:"outputs,omitempty"`
	// Changes and Drift are the plan's resource changes, when it was shown.
	Changes []outcome.ResourceChange `json:"changes,omitempty"`
	Drift   []outcome.ResourceChange `json:"drift,omitempty"`
}

// RunSummary totals a RunReport.
type RunSummary struct {
	outcome.Counts
	DurationMS int64 `json:"duration_ms"`
	// Success: nothing failed and nothing was skipped.
	Success bool `json:"success"`
}

// NewRunReport builds the report of a run of command from its results, in
// the order given.
func NewRunReport(command string, started, finished time.Time, results []outcome.Result) RunReport {
	rep := RunReport{
		Version:    RunReportVersion,
		Command:    command,
		Started:    started,
		Finished:   finished,
		Workspaces: make([]WorkspaceReport, 0, len(results)),
	}
	for _, r := range results {
		ws := WorkspaceReport{
			Workspace:       r.Workspace,
			Status:          r.Status,
			Add:             r.Add,
			Change:          r.Change,
			Destroy:         r.Destroy,
			DurationMS:      r.Duration.Milliseconds(),
			SkippedBecause:  r.SkippedBecause,
			Error:           r.Error,
			Log:             r.LogPath,
			Outputs:         r.Outputs,
			PossibleOrphans: r.PossibleOrphans,
		}
		if !r.Started.IsZero() {
			t := r.Started
			ws.Started = &t
		}
		if r.Status == outcome.StatusFailed {
			ws.ErrorTail = r.ErrorTail
		}
		if r.Plan != nil {
			ws.Changes, ws.Drift = r.Plan.Changes, r.Plan.Drift
		}
		rep.Workspaces = append(rep.Workspaces, ws)
	}
	counts := outcome.Count(results)
	rep.Summary = RunSummary{
		Counts:     counts,
		DurationMS: finished.Sub(started).Milliseconds(),
		Success:    counts.Failed == 0 && counts.Skipped == 0,
	}
	return rep
}

// WriteJSON writes the report as indented JSON followed by a newline.
func WriteJSON(w io.Writer, rep RunReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
