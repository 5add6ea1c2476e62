// Package outcome holds what happens to the workspaces of a run, as the
// domain knows it: events while a workspace runs, its Result when it ends,
// the counts of a run and the detail of a plan. Operations and the scheduler
// produce these values; report and views render them. It imports nothing of
// the module, so every stage can use it without depending on presentation.
package outcome

import "time"

// Phase is the step a workspace is in.
type Phase string

const (
	PhaseQueued  Phase = "queued"
	PhaseStart   Phase = "start" // the scheduler started the workspace's job
	PhaseLock    Phase = "lock"
	PhaseInit    Phase = "init"
	PhaseRefresh Phase = "refresh"
	PhasePlan    Phase = "plan"
	PhaseApply   Phase = "apply"
	PhaseDestroy Phase = "destroy"
	PhaseCommit  Phase = "commit"
	PhaseInstall Phase = "install"
	PhaseDone    Phase = "done"
)

// Event is one thing that happened to a workspace. Producers fill what they know.
type Event struct {
	Workspace string
	Time      time.Time
	Phase     Phase
	// Done and Total count resources of the current phase (Total 0: unknown).
	Done, Total int
	// Message is a human line (a resource finished, a warning, a retry).
	Message string
	// Changes, when set, are the counts of a finished plan (tofu's change_summary).
	Changes *Changes
}

// Changes counts resources to add, change and destroy.
type Changes struct {
	Add, Change, Destroy int
}

// Status is how a workspace ended.
type Status string

const (
	StatusOK        Status = "ok"         // changes applied (or planned, for plan)
	StatusNoChanges Status = "no changes" // tofu ran, nothing to do
	StatusUnchanged Status = "unchanged"  // change detection: no tofu process started
	StatusFailed    Status = "failed"
	StatusSkipped   Status = "skipped" // a dependency failed or the run stopped
)

// Succeeded reports whether dependents of a workspace that ended so may run.
func (s Status) Succeeded() bool {
	return s == StatusOK || s == StatusNoChanges || s == StatusUnchanged
}

// SkippedBecause values other than the name of a failed workspace.
const (
	SkippedFailFast    = "fail-fast"   // another workspace failed under --fail-fast
	SkippedInterrupted = "interrupted" // the run was cancelled (Ctrl-C)
)

// Result is the outcome of one workspace in a run.
type Result struct {
	Workspace string        `json:"workspace"`
	Status    Status        `json:"status"`
	Add       int           `json:"add"`
	Change    int           `json:"change"`
	Destroy   int           `json:"destroy"`
	Duration  time.Duration `json:"-"`
	// Started is when the job began (zero for a skipped workspace).
	Started time.Time `json:"started,omitzero"`
	// Interrupted is set on a failed workspace whose tofu was stopped by Ctrl-C.
	Interrupted bool `json:"interrupted,omitempty"`
	// SkippedBecause names the failed dependency (or "interrupted").
	SkippedBecause string `json:"skipped_because,omitempty"`
	Error          string `json:"error,omitempty"`
	// LogPath is the full tofu output of this workspace for this run.
	LogPath string `json:"log,omitempty"`
	// ErrorTail holds the last error lines of the log, shown on failure.
	ErrorTail []string `json:"-"`
	// PossibleOrphans are resources a failed or killed apply started to
	// create and never reported back on: they may exist without being in
	// the state (see docs/run-report.md).
	PossibleOrphans []string `json:"possible_orphans,omitempty"`
	// Outputs are the workspace's non-sensitive outputs after the run, when asked for.
	Outputs map[string]any `json:"outputs,omitempty"`
	// Plan is what the workspace's plan would do, when asked for.
	Plan *PlanDetail `json:"-"`
}

// Sink receives events while a run goes on, and the results at its end.
// Implementations are safe for concurrent use.
type Sink interface {
	Event(Event)
	Finish(Result)
}

// Counts tallies results by status, and their resource changes.
type Counts struct {
	Total     int `json:"total"`
	OK        int `json:"ok"`
	NoChanges int `json:"no_changes"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	Add       int `json:"add"`
	Change    int `json:"change"`
	Destroy   int `json:"destroy"`
}

// Count tallies results.
func Count(results []Result) Counts {
	var c Counts
	for _, r := range results {
		c.Total++
		c.Add += r.Add
		c.Change += r.Change
		c.Destroy += r.Destroy
		switch r.Status {
		case StatusOK:
			c.OK++
		case StatusNoChanges:
			c.NoChanges++
		case StatusUnchanged:
			c.Unchanged++
		case StatusFailed:
			c.Failed++
		case StatusSkipped:
			c.Skipped++
		}
	}
	return c
}
