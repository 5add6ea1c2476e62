// Package operation runs one operation (plan, apply, destroy) on one
// workspace: lock, generate the work dir, init, plan, confirm, apply, commit
// the state, unlock. It reports what happens as report events.
package operation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// Kind is what an operation does.
type Kind string

const (
	Plan    Kind = "plan"
	Apply   Kind = "apply"
	Destroy Kind = "destroy"
)

// StateKeeper guards and records a workspace's state: locks, safeguards,
// commits. The application layer (internal/app) wires internal/state behind it.
type StateKeeper interface {
	// Acquire locks the workspace for command and checks the safeguards.
	Acquire(ctx context.Context, w *workspace.Workspace, command string) (Lease, error)
	// Record commits the state of w after command, if it changed, together
	// with the files in also (what AfterApply wrote).
	Record(ctx context.Context, w *workspace.Workspace, command string, res outcome.Result, also []string) error
}

// Lease is a held workspace lock. tofu does not inherit it (its provider
// plugins would, and outlive a killed tofu holding it); a tofu left running
// by a killed clan-terranix keeps the workspace busy through the work dir it
// runs in instead (see state.LockLocal).
type Lease struct {
	Release func()
}

// Confirm asks whether to go on with a plan; planText is tofu's rendering.
type Confirm func(ctx context.Context, workspace, planText string) (bool, error)

// Config is what a Runner works with, fixed at its construction (New).
type Config struct {
	Root   string
	Set    *workspace.Set
	Engine *tofu.Engine
	// Env is added to tofu's environment (credentials).
	Env []string
	// EnvFor adds a workspace's own variables (TF_ENCRYPTION, which names
	// the states it reads); nil adds none.
	EnvFor func(w *workspace.Workspace) ([]string, error)
	Keeper StateKeeper
	// Confirm is asked before applying a plan with changes; nil applies at once.
	Confirm Confirm
	Sink    outcome.Sink
	// LogDir holds one log file per workspace of this run.
	LogDir string
	// NoRefresh adds -refresh=false to plans: no check of reality (drift).
	// Plans refresh by default, as tofu does.
	NoRefresh bool
	// AfterApply runs after each successful apply of a workspace (the
	// machines' write-back of address and outputs) with the outputs the
	// apply left; the files it returns are committed with the state.
	AfterApply func(ctx context.Context, w *workspace.Workspace, outputs map[string]OutputValue) ([]string, error)
	// AfterDestroy runs after each successful destroy of a workspace (undoing
	// the write-back); the files it changes are committed with the state.
	AfterDestroy func(ctx context.Context, w *workspace.Workspace) ([]string, error)
	// OnlyChanged skips, without starting tofu, workspaces whose config and
	// upstream outputs are those of their last apply (changes.UpToDate).
	OnlyChanged bool
	// Retry says which tofu failures run again (init, plan, output; an apply
	// is retried as a new plan and apply); nil means tofu's default policy.
	Retry *tofu.RetryPolicy
	// Show keeps the rendering and changes of these plans in the result.
	Show ShowPlans
}

// Runner runs operations on the workspaces of one clan. Its Config does not
// change after New: a run that needs other settings (the review's plans
// before an apply) builds another Runner.
type Runner struct {
	c Config

	gate initGate
	// prepared holds the preparations of workspaces whose turn has not come.
	preparedMu sync.Mutex
	prepared   map[string]*preparation
	// confirmMu serialises prompts so that two workspaces never ask at once.
	confirmMu sync.Mutex
}

// New returns a Runner with c.
func New(c Config) *Runner { return &Runner{c: c} }

// Root is the clan's root directory.
func (r *Runner) Root() string { return r.c.Root }

// Engine is the tofu or terraform the runner runs.
func (r *Runner) Engine() *tofu.Engine { return r.c.Engine }

// Run performs kind on the named workspace.
func (r *Runner) Run(ctx context.Context, kind Kind, name string) (res outcome.Result) {
	start := time.Now()
	res = outcome.Result{Workspace: name}
	defer func() { res.Duration = time.Since(start) }()
	w, ok := r.c.Set.Get(name)
	if !ok {
		return failed(res, fmt.Errorf("no workspace %q", name))
	}
	if w.Orphaned && kind != Destroy {
		// Its config is empty: anything but a destroy would destroy too.
		return failed(res, fmt.Errorf("workspace %s is the state of a machine that is gone: destroy it, or bring the machine back", name))
	}
	if r.c.OnlyChanged && kind != Destroy {
		status, err := r.changeStatus(w)
		if err != nil {
			return failed(res, err)
		}
		if !status.NeedsRun() {
			res.Status = outcome.StatusUnchanged
			return res
		}
	}
	if kind == Plan {
		if missing := r.unappliedUpstream(w); missing != "" {
			res.Status = outcome.StatusSkipped
			res.SkippedBecause = missing + " not applied yet"
			return res
		}
	}
	p := r.takePrepared(name)
	if p == nil {
		p = r.prepare(ctx, kind, w, true)
	}
	defer p.close()
	if p.log != nil {
		res.LogPath = p.log.Name()
	}
	switch {
	case p.err != nil:
		return failed(res, p.err)
	case p.initErr != nil:
		return r.tofuFailed(ctx, res, "init", p.initErr)
	}
	dir, config, logFile, inv := p.dir, p.config, p.log, p.inv
	phase := outcome.PhaseInit
	inv.OnRetry = func(n tofu.RetryNotice) {
		r.event(name, phase, n.String())
		fmt.Fprintf(logFile, "clan-terranix: %s (waiting %s)\n", n, n.Delay)
	}

	// An apply that fails with a transient error plans and applies again:
	// the failed apply wrote the state of what it did.
	retry := r.c.Retry
	if retry == nil {
		retry = &tofu.RetryPolicy{}
	}
	if kind == Apply && r.c.Confirm == nil {
		return r.applyUnconfirmed(ctx, w, res, inv, config)
	}
	// The plan file holds the config's secrets in plain text (unless state
	// encryption covers plans): it lives only until applied or shown, and
	// a plan that is neither is not saved at all.
	planFile := ""
	if kind != Plan || r.c.Show != ShowNone {
		planFile = filepath.Join(dir, clan.PlanFileName)
		defer os.Remove(planFile)
	}
	for attempt := 1; ; attempt++ {
		phase = outcome.PhasePlan
		r.event(name, phase, "")
		if planFile != "" {
			os.Remove(planFile)
		}
		counts, changed, err := r.plan(ctx, kind, inv, planFile)
		res.Add, res.Change, res.Destroy = counts.Add, counts.Change, counts.Remove
		if err != nil {
			return r.tofuFailed(ctx, res, "plan", err)
		}
		r.c.Sink.Event(outcome.Event{Workspace: name, Time: time.Now(), Phase: phase,
			Changes: &outcome.Changes{Add: counts.Add, Change: counts.Change, Destroy: counts.Remove}})
		if r.c.Show == ShowAll || (r.c.Show == ShowChanged && changed) {
			if res.Plan, err = r.show(ctx, inv, name, planFile); err != nil {
				return failed(res, err)
			}
		}
		if !changed {
			res.Status = outcome.StatusNoChanges
			os.Remove(planFile)
			if kind == Apply {
				// Nothing to apply, but the record may be missing or stale (a
				// config edit with no effect): bring it up to date.
				also, err := r.afterSuccess(ctx, kind, w, config)
				if err != nil {
					return failed(res, err)
				}
				if r.c.Keeper != nil {
					if err := r.c.Keeper.Record(ctx, w, string(kind), res, also); err != nil {
						return failed(res, err)
					}
				}
			}
			return res
		}
		if kind == Plan {
			res.Status = outcome.StatusOK
			return res
		}
		if r.c.Confirm != nil && attempt == 1 { // a retry finishes what was confirmed
			ok, err := r.confirm(ctx, inv, name, planFile)
			if err != nil {
				return failed(res, err)
			}
			if !ok {
				res.Status = outcome.StatusSkipped
				res.SkippedBecause = "not confirmed"
				os.Remove(planFile)
				return res
			}
		}
		phase = outcome.PhaseApply
		if kind == Destroy {
			phase = outcome.PhaseDestroy
		}
		r.event(name, phase, "")
		progress, applyErr := r.apply(ctx, inv, name, phase, planFile, counts)
		os.Remove(planFile)
		if cause, ok := retry.Transient(applyErr); ok && ctx.Err() == nil && attempt < retry.MaxAttempts() {
			inv.OnRetry(tofu.RetryNotice{Attempt: attempt + 1, Attempts: retry.MaxAttempts(), Cause: cause, Delay: retry.Delay(attempt)})
			if retry.Wait(ctx, retry.Delay(attempt)) == nil {
				continue
			}
		}
		var also []string
		if applyErr != nil {
			progress.unfinished(&res, applyErr, r.stateFileOf(w))
			res = r.tofuFailed(ctx, res, string(kind), applyErr)
		} else {
			res.Status = outcome.StatusOK
			if also, err = r.afterSuccess(ctx, kind, w, config); err != nil {
				res = failed(res, err)
			}
		}
		if r.c.Keeper != nil {
			r.event(name, outcome.PhaseCommit, "")
			// A failed or interrupted apply may still have changed state: record it too.
			if err := r.c.Keeper.Record(context.WithoutCancel(ctx), w, string(kind), res, also); err != nil && applyErr == nil {
				return failed(res, err)
			}
		}
		return res
	}
}

func (r *Runner) plan(ctx context.Context, kind Kind, inv tofu.Invocation, planFile string) (tofu.ChangeSummary, bool, error) {
	var counts tofu.ChangeSummary
	inv.Args = []string{"plan", "-input=false", "-json", "-detailed-exitcode"}
	if planFile != "" {
		inv.Args = append(inv.Args, "-out="+planFile)
	}
	if kind == Destroy {
		inv.Args = append(inv.Args, "-destroy")
	}
	if r.c.NoRefresh {
		inv.Args = append(inv.Args, "-refresh=false")
	}
	inv.OnMessage = func(m tofu.Message) {
		if m.Type == "change_summary" && m.Changes != nil {
			counts = *m.Changes
		}
	}
	err := r.c.Engine.Run(ctx, inv)
	if planFile != "" {
		// tofu creates it as any file (0666 less the umask): 0600 at most.
		if fi, serr := os.Stat(planFile); serr == nil {
			if cerr := os.Chmod(planFile, fi.Mode().Perm()&0o600); cerr != nil && err == nil {
				err = cerr
			}
		}
	}
	var exit *tofu.ExitError
	if errors.As(err, &exit) && exit.Code == 2 {
		return counts, true, nil
	}
	return counts, false, err
}

func (r *Runner) apply(ctx context.Context, inv tofu.Invocation, name string, phase outcome.Phase, planFile string, counts tofu.ChangeSummary) (*applyProgress, error) {
	progress := &applyProgress{r: r, name: name, phase: phase, total: counts.Add + counts.Change + counts.Remove}
	inv.Args = []string{"apply", "-input=false", "-json", "-auto-approve", planFile}
	inv.NoRetry = true // the caller plans again: the plan file is spent
	inv.OnMessage = progress.message
	return progress, r.c.Engine.Run(ctx, inv)
}

// applyProgress turns tofu's apply messages into report events, and
// counts what was done: an apply that did not finish is summed up by what
// tofu completed, not by what it planned.
type applyProgress struct {
	r           *Runner
	name        string
	phase       outcome.Phase
	done, total int
	completed   tofu.ChangeSummary
	// creating are the resources tofu started to create: if tofu was
	// killed they may exist outside any state, also those it reported
	// created (state is saved at the end, and now and then).
	creating map[string]bool
}

func (p *applyProgress) message(m tofu.Message) {
	event := outcome.Event{Workspace: p.name, Time: time.Now(), Phase: p.phase, Total: p.total}
	switch m.Type {
	case "apply_start", "apply_progress": // a long resource shows it is alive
		event.Message = m.Text
		if m.Type == "apply_start" && m.Hook != nil && (m.Hook.Action == "create" || m.Hook.Action == "replace") {
			if p.creating == nil {
				p.creating = map[string]bool{}
			}
			p.creating[m.Hook.Resource.Addr] = true
		}
	case "apply_complete", "apply_errored":
		p.done++
		if m.Hook != nil {
			event.Message = m.Hook.Resource.Addr + ": " + m.Hook.Action
			if m.Type == "apply_errored" {
				delete(p.creating, m.Hook.Resource.Addr) // tofu saves what a failed create left
			}
			if m.Type == "apply_complete" {
				p.count(m.Hook.Action)
			}
		}
		if m.Type == "apply_errored" {
			event.Message += " failed"
		}
	default:
		return
	}
	event.Done = p.done
	p.r.c.Sink.Event(event)
}

func (p *applyProgress) count(action string) {
	switch action {
	case "create":
		p.completed.Add++
	case "update":
		p.completed.Change++
	case "delete":
		p.completed.Remove++
	case "replace":
		p.completed.Add++
		p.completed.Remove++
	}
}

// unfinished sets what an apply that did not succeed (err) did: the
// completed counts, and when tofu was killed the possible orphans:
// resources it started to create that the state file it left does not hold
// (all of them when that state cannot be read). A tofu that exited saved
// its state itself, or left errored.tfstate, which the state keeper adopts.
func (p *applyProgress) unfinished(res *outcome.Result, err error, stateFile string) {
	res.Add, res.Change, res.Destroy = p.completed.Add, p.completed.Change, p.completed.Remove
	res.PossibleOrphans = nil
	var exit *tofu.ExitError
	if len(p.creating) == 0 || !errors.As(err, &exit) || !exit.Killed {
		return
	}
	inState, _ := state.Addresses(stateFile) // nil when unknown: then all are possible
	for addr := range p.creating {
		if !inState[addr] {
			res.PossibleOrphans = append(res.PossibleOrphans, addr)
		}
	}
	slices.Sort(res.PossibleOrphans)
}

// stateFileOf is the state file tofu writes for w on this host ("" for a
// team backend, whose state no file here shows).
func (r *Runner) stateFileOf(w *workspace.Workspace) string {
	if !w.Backend.IsGitState() {
		return ""
	}
	return filepath.Join(r.c.Root, filepath.FromSlash(w.StateFile()))
}

func (r *Runner) confirm(ctx context.Context, inv tofu.Invocation, name, planFile string) (bool, error) {
	r.confirmMu.Lock()
	defer r.confirmMu.Unlock()
	var text strings.Builder
	inv.Args = []string{"show", "-no-color", planFile}
	inv.Stdout = &text
	if err := r.c.Engine.Run(ctx, inv); err != nil {
		return false, fmt.Errorf("workspace %s: showing the plan: %v", name, err)
	}
	return r.c.Confirm(ctx, name, text.String())
}

// unappliedUpstream names an upstream workspace whose state does not exist
// yet: a plan of w cannot read its outputs.
func (r *Runner) unappliedUpstream(w *workspace.Workspace) string {
	for _, ref := range w.Refs {
		up, ok := r.c.Set.Get(ref.Workspace)
		if !ok || !up.Backend.IsGitState() {
			continue
		}
		if _, err := os.Stat(filepath.Join(r.c.Root, up.StateFile())); err != nil {
			return up.Name
		}
	}
	return ""
}

func (r *Runner) openLog(name string) (*os.File, error) {
	if err := os.MkdirAll(r.c.LogDir, 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(r.c.LogDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND|syscall.O_NOFOLLOW, 0o644)
}

func (r *Runner) event(ws string, phase outcome.Phase, msg string) {
	r.c.Sink.Event(outcome.Event{Workspace: ws, Time: time.Now(), Phase: phase, Message: msg})
}

func (r *Runner) tofuFailed(ctx context.Context, res outcome.Result, step string, err error) outcome.Result {
	if ctx.Err() != nil {
		// Ctrl-C: tofu got one interrupt, stopped at a safe point and wrote its state.
		res.Interrupted = true
		res = failed(res, fmt.Errorf("workspace %s: %s interrupted; tofu stopped and wrote its state", res.Workspace, step))
		if exit := (*tofu.ExitError)(nil); errors.As(err, &exit) {
			res.ErrorTail = exit.Tail(10)
		}
		return res
	}
	var exit *tofu.ExitError
	if errors.As(err, &exit) {
		res.ErrorTail = exit.Tail(10)
		msg := exit.Error()
		return failed(res, fmt.Errorf("workspace %s: %s failed: %s", res.Workspace, step, msg))
	}
	return failed(res, fmt.Errorf("workspace %s: %s: %v", res.Workspace, step, err))
}

func failed(res outcome.Result, err error) outcome.Result {
	res.Status = outcome.StatusFailed
	res.Error = err.Error()
	return res
}
