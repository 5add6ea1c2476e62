package views

import (
	"fmt"
	"text/tabwriter"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/state"
)

// Unlocked is what unlock did; its JSON is `unlock --json`.
type Unlocked struct {
	Workspace string `json:"workspace"`
	// Local and Remote are "removed", "not locked" or "" (not checked).
	Local  string   `json:"local"`
	Remote string   `json:"remote,omitempty"`
	Notes  []string `json:"notes,omitempty"`
}

// State is the view of the state commands and of unlock.
type State interface {
	// Results shows what a state command (migrate, encrypt, rekey) did to
	// each workspace, and notes.
	Results(command string, results []app.StateResult, notes []string) error
	// Log shows the commits of a workspace's state file.
	Log(workspace, file string, entries []state.LogEntry) error
	Unlocked(res Unlocked) error
}

func NewState(k Kind, s Streams) State {
	return pick[State](k, stateHuman{s}, stateJSON{s})
}

type stateHuman struct{ s Streams }

func (v stateHuman) Results(_ string, results []app.StateResult, notes []string) error {
	tw := tabwriter.NewWriter(v.s.Stdout, 0, 4, 2, ' ', 0)
	for _, r := range results {
		detail := r.Detail
		if r.Status == app.StateFailed {
			detail = r.Error
		}
		if r.Commit != "" {
			detail += fmt.Sprintf(" (commit %.12s)", r.Commit)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Workspace, r.Status, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(v.s.Stdout, "note: "+n)
	}
	return nil
}

func (v stateHuman) Log(workspace, file string, entries []state.LogEntry) error {
	if len(entries) == 0 {
		_, err := fmt.Fprintf(v.s.Stdout, "no commits of %s yet (workspace %s was never applied)\n", file, workspace)
		return err
	}
	for _, e := range entries {
		if _, err := fmt.Fprintln(v.s.Stdout, e.Line()); err != nil {
			return err
		}
	}
	return nil
}

func (v stateHuman) Unlocked(res Unlocked) error {
	for _, n := range res.Notes {
		if _, err := fmt.Fprintln(v.s.Stdout, n); err != nil {
			return err
		}
	}
	return nil
}

type stateJSON struct{ s Streams }

func (v stateJSON) Results(command string, results []app.StateResult, notes []string) error {
	return writeJSONEscaped(v.s.Stdout, struct {
		Command    string            `json:"command"`
		Workspaces []app.StateResult `json:"workspaces"`
		Notes      []string          `json:"notes,omitempty"`
	}{command, results, notes})
}

func (v stateJSON) Log(workspace, file string, entries []state.LogEntry) error {
	return writeJSONEscaped(v.s.Stdout, struct {
		Workspace string           `json:"workspace"`
		File      string           `json:"file"`
		Entries   []state.LogEntry `json:"entries"`
	}{workspace, file, entries})
}

func (v stateJSON) Unlocked(res Unlocked) error { return writeJSONEscaped(v.s.Stdout, res) }
