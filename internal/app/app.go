// Package app is the application layer between cli and the domain: it loads
// a clan, builds a command's tofu runner once with all its collaborators
// (state sessions, secrets, write-back, plugin cache), and owns a run's
// lifecycle (links and schema checked first, the review before an apply, the
// operations over the graph, the background commits). It prints nothing: its
// warnings, progress and questions go through the UI that cli gives it.
package app

import (
	"context"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
)

// Options are what the user chose for the whole command (cli's global flags
// and the evaluation flags).
type Options struct {
	ClanDir string
	Engine  string
	// Flake evaluates through the clan's flake (its clanTerranix output).
	Flake bool
	// Nixpkgs is a nixpkgs (or nixpkgs.lib) whose lib evaluates the clan; ""
	// discovers one.
	Nixpkgs string
	State   StateFlags
	Eval    EvalOptions
}

// EvalOptions are the flags of commands that evaluate the clan.
type EvalOptions struct {
	ShowTrace bool
	WithNulls bool
}

// StateFlags are the flags about locks and safeguards.
type StateFlags struct {
	LockTimeout  time.Duration
	NoSafeguards bool
}

// UI is what a command shows and asks its user; cli implements it on the
// terminal (stdout, stderr, stdin).
type UI interface {
	// Warn shows warnings, one line each. It may be called from several
	// workspaces at once.
	Warn(msgs []string)
	// Display shows the progress of command over total workspaces.
	Display(command string, total int) report.Display
	// Interactive reports whether the user can be asked.
	Interactive() bool
	// Confirm shows a workspace's plan (tofu's rendering) and asks whether
	// to apply it.
	Confirm(ctx context.Context, ws, planText string) (bool, error)
	// ShowPlans shows the plans of an apply's review, in dependency order.
	ShowPlans(results []outcome.Result) error
	// ReviewFailed shows the results of a review whose plans did not all
	// succeed: nothing will be applied.
	ReviewFailed(results []outcome.Result) error
	// AskApply asks once whether to apply the reviewed plans (counted in c);
	// later are workspaces that will be planned and asked about in their turn.
	AskApply(c outcome.Counts, later []string) (bool, error)
	// PlanChanged says, before Confirm asks, that the plan of ws differs from
	// the one the review showed.
	PlanChanged(ws string)
}

// ExitError is an error that ends the command with Code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }
