package views

import (
	"fmt"
	"text/tabwriter"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
)

// WorkspaceStatus is one workspace as `status` shows it; its JSON is one
// element of `status --json`'s workspaces.
type WorkspaceStatus struct {
	Workspace string `json:"workspace"`
	Status    string `json:"status"`
	LockedBy  string `json:"lockedBy,omitempty"`
	// Note says what to do about an orphaned state.
	Note string `json:"note,omitempty"`
}

// Status is the view of `status`.
type Status interface {
	Workspaces(evaluator nixeval.EvaluatorInfo, ws []WorkspaceStatus) error
}

func NewStatus(k Kind, s Streams) Status {
	if k == JSON {
		return statusJSON{s}
	}
	return statusHuman{s}
}

type statusHuman struct{ s Streams }

func (v statusHuman) Workspaces(_ nixeval.EvaluatorInfo, ws []WorkspaceStatus) error {
	tw := tabwriter.NewWriter(v.s.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKSPACE\tSTATUS\tLOCK")
	for _, r := range ws {
		lock := "-"
		if r.LockedBy != "" {
			lock = "locked by " + r.LockedBy
		}
		status := r.Status
		if r.Note != "" {
			status = r.Note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Workspace, status, lock)
	}
	return tw.Flush()
}

type statusJSON struct{ s Streams }

func (v statusJSON) Workspaces(evaluator nixeval.EvaluatorInfo, ws []WorkspaceStatus) error {
	return writeJSON(v.s.Stdout, struct {
		Evaluator  nixeval.EvaluatorInfo `json:"evaluator"`
		Workspaces []WorkspaceStatus     `json:"workspaces"`
	}{evaluator, nonNil(ws)})
}
