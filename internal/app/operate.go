package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/cachedir"
	"github.com/clan-terranix/clan-terranix/internal/check"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/run"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// OperateOptions are how Operate runs.
type OperateOptions struct {
	Flags RunFlags
	// Check checks the configs against the providers' schemas first
	// (plan, apply; not with --no-check).
	Check bool
	// Show keeps these plans' rendering in the results (plan's diffs).
	Show operation.ShowPlans
	// NoRefresh plans without checking reality.
	NoRefresh bool
}

// Outcome is what a run over the graph did.
type Outcome struct {
	Started time.Time
	Results []outcome.Result
	// Explained are one-line explanations of failures (decryption) that
	// replaced tofu's words in Results, for the end of the output.
	Explained []string
	// Declined: the user said no to the review; nothing ran.
	Declined bool
	// Interrupted: the run was stopped (Ctrl-C) at a safe point.
	Interrupted bool
}

// Failed reports whether a workspace failed.
func (o Outcome) Failed() bool {
	return slices.ContainsFunc(o.Results, func(r outcome.Result) bool { return r.Status == outcome.StatusFailed })
}

// Operate runs kind over the selected workspaces: the confirmation or
// review, the operations over the graph, the background commits (whose
// failures fail their workspaces). A Run operates once.
func (r *Run) Operate(ctx context.Context, kind operation.Kind, selected []string, oo OperateOptions) (Outcome, error) {
	out := Outcome{Started: time.Now()}
	// Without a review, on a clan whose selected workspaces have no provider
	// lock file yet (its first apply: the check fetches every schema, or
	// finds them in the user's cache by the lock files the first
	// preparations resolve), the check runs while the first workspaces
	// prepare (below). Otherwise it comes first: a review plans, and a fetch
	// with a lock file would use the plugin cache the preparations use.
	overlap := oo.Check && (kind == operation.Plan || oo.Flags.Yes) && r.noProviderLocks(selected)
	if oo.Check && !overlap {
		if err := r.checkFirst(ctx, selected, oo.Flags.Changed, nil, nil); err != nil {
			return out, err
		}
	}
	var confirm operation.Confirm
	if kind != operation.Plan && !oo.Flags.Yes {
		if !r.ui.Interactive() {
			r.keeper.waitSnapshot()
			return out, fmt.Errorf("%s changes infrastructure: pass --yes to run without a terminal to confirm on", kind)
		}
		confirm = r.ui.Confirm
		if kind == operation.Apply {
			var err error
			if confirm, err = r.review(ctx, selected, oo.Flags); err != nil || confirm == nil {
				r.keeper.waitSnapshot()
				out.Declined = err == nil
				return out, err
			}
		}
	}
	display := r.ui.Display(string(kind), len(selected))
	if confirm != nil {
		confirm = pausing(display, confirm)
	}
	runner := operation.New(r.config(ctx, pass{sink: display, confirm: confirm, show: oo.Show, onlyChanged: oo.Flags.Changed, noRefresh: oo.NoRefresh}))
	stop := func(err error) (Outcome, error) {
		runner.ReleasePrepared()
		display.Close()
		r.keeper.waitSnapshot() // no git process outlives a run that stops here
		return out, err
	}
	var untouchedErr error
	untouched := func() {
		if kind != operation.Plan {
			untouchedErr = r.inventoryUntouched(ctx, selected)
		}
	}
	if overlap {
		undo := func() {}
		wave := r.firstWave(kind, selected, r.clan.parallelism(oo.Flags))
		prepared := make(chan struct{})
		meanwhile := func() {
			var wg sync.WaitGroup
			wg.Go(untouched)
			undo = r.prepareFirstWave(ctx, runner, kind, wave)
			close(prepared)
			wg.Wait()
		}
		if err := r.checkFirst(ctx, selected, oo.Flags.Changed, meanwhile, r.waveLocks(runner, wave, prepared)); err != nil {
			defer undo()
			return stop(err)
		}
	} else {
		untouched()
	}
	if untouchedErr != nil {
		return stop(untouchedErr)
	}
	r.ui.Warn(r.credentialLiterals(selected))
	job := func(ctx context.Context, ws string) outcome.Result { return runner.Run(ctx, kind, ws) }
	results := run.Run(ctx, r.clan.Graph, selected, run.Options{
		Parallelism: r.clan.parallelism(oo.Flags),
		FailFast:    oo.Flags.FailFast,
		Reverse:     kind == operation.Destroy,
		Prepare: func(ctx context.Context, ws string, ahead bool) {
			runner.Prepare(ctx, kind, ws, ahead)
		},
	}, job, display)
	runner.ReleasePrepared()
	r.trimRunLogs() // while the last commit is made
	// Commits ran in the background (see sessionKeeper.async); a failed one
	// fails its workspace.
	failed := r.keeper.Wait()
	for i, res := range results {
		err := failed[res.Workspace]
		switch {
		case err == nil:
		case res.Status != outcome.StatusFailed:
			results[i].Status, results[i].Error = outcome.StatusFailed, err.Error()
		default:
			// A failed apply whose state could not be committed either:
			// what to do about the state matters most.
			r.ui.Warn([]string{err.Error()})
			results[i].Error += "\n" + err.Error()
		}
	}
	display.Close()
	out.Results = results
	out.Explained = r.explainDecryptFailures(results)
	out.Interrupted = ctx.Err() != nil
	return out, nil
}

// runLogsMaxAge is how long a run's folder of logs is kept: every run
// leaves one (the infra-manager's timer, one an hour), and a clan's work dir
// must not grow without end.
const runLogsMaxAge = 30 * 24 * time.Hour

// trimRunLogs removes the folders of runs older than runLogsMaxAge, at most
// once a day, and never through a link. A folder with a log that holds a
// state is kept: tofu prints the state it could write nowhere else (not even
// errored.tfstate), and that log is then its only copy.
func (r *Run) trimRunLogs() {
	if clan.CheckNoLinks(r.clan.Root, clan.LogsDir) != nil {
		return
	}
	_ = cachedir.Dir{Path: filepath.Join(r.clan.Root, filepath.FromSlash(clan.LogsDir)), MaxAge: runLogsMaxAge, Keep: holdsState}.Trim()
}

// holdsState reports whether a run's log folder has a log with a state in
// it (its "lineage"); when unsure, it says yes.
func holdsState(folder string) bool {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return true
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(folder, e.Name()))
		if err != nil || bytes.Contains(data, []byte(`"lineage"`)) {
			return true
		}
	}
	return false
}

// pausing stops the live view while confirm asks on the terminal.
func pausing(d report.Display, confirm operation.Confirm) operation.Confirm {
	return func(ctx context.Context, ws, planText string) (bool, error) {
		d.Pause()
		defer d.Resume()
		return confirm(ctx, ws, planText)
	}
}

// review plans the whole selection first, shows every diff in dependency
// order and asks once. It returns the Confirm of the apply that follows: a
// workspace whose plan, made again in its turn, is the one shown applies
// without asking; one that differs (an upstream applied in this run changed
// what it reads) or could not be planned before (its upstream was never
// applied) shows its new plan and asks for itself. A nil Confirm and nil
// error: the user said no, nothing ran.
func (r *Run) review(ctx context.Context, selected []string, rf RunFlags) (operation.Confirm, error) {
	display := r.ui.Display("plan", len(selected))
	runner := operation.New(r.config(ctx, pass{sink: display, show: operation.ShowChanged}))
	results := run.Run(ctx, r.clan.Graph, selected, run.Options{
		Parallelism: r.clan.parallelism(rf),
		Prepare: func(ctx context.Context, ws string, ahead bool) {
			runner.Prepare(ctx, operation.Plan, ws, ahead)
		},
	}, func(ctx context.Context, ws string) outcome.Result { return runner.Run(ctx, operation.Plan, ws) }, display)
	runner.ReleasePrepared()
	display.Close()
	if err := r.ui.ShowPlans(results); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, &ExitError{Code: 130, Err: errors.New("interrupted before anything was applied")}
	}
	reviewed := map[string]string{}
	var later []string
	for _, res := range results {
		switch {
		case res.Status == outcome.StatusFailed:
			_ = r.ui.ReviewFailed(results)
			return nil, &ExitError{Code: 1, Err: fmt.Errorf("nothing applied: the plan of %s failed", res.Workspace)}
		case res.Status == outcome.StatusSkipped:
			later = append(later, res.Workspace)
		case res.Plan != nil:
			reviewed[res.Workspace] = res.Plan.Text
		}
	}
	if c := outcome.Count(results); c.OK > 0 {
		ok, err := r.ui.AskApply(c, later)
		if err != nil || !ok {
			return nil, err
		}
	}
	var mu sync.Mutex // workspaces of a wave may ask at once
	return func(ctx context.Context, ws, planText string) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		shown, ok := reviewed[ws]
		if ok && shown == outcome.NewPlanDetail(planText, nil).Text {
			return true, nil
		}
		if ok {
			r.ui.PlanChanged(ws)
		}
		return r.ui.Confirm(ctx, ws, planText)
	}, nil
}

// credentialLiterals warns about credentials written as literals in the
// generated config of the selected workspaces: they end up in the Nix store.
func (r *Run) credentialLiterals(selected []string) []string {
	var warnings []string
	r.eachConfig(selected, func(w *workspace.Workspace, config []byte) {
		warnings = append(warnings, state.CredentialLiterals(config, w.WorkDir()+"/"+workspace.ConfigFile)...)
	})
	return warnings
}

// explainDecryptFailures replaces tofu's multi-line decryption errors with
// one line saying what is wrong (passphrase, or state not encrypted yet),
// and returns those lines: the live view showed tofu's own words only.
func (r *Run) explainDecryptFailures(results []outcome.Result) []string {
	enc := Encryption(r.clan.Settings)
	if enc == nil {
		return nil
	}
	var lines []string
	for i, res := range results {
		if res.Status != outcome.StatusFailed {
			continue
		}
		output := res.Error + "\n" + strings.Join(res.ErrorTail, "\n")
		if line, ok := state.ExplainDecryptError(res.Workspace, output, *enc); ok {
			results[i].Error = line
			results[i].ErrorTail = nil
			lines = append(lines, line)
		}
	}
	return lines
}

// inventoryUntouched refuses, before anything runs, an apply or destroy
// whose write-back would edit inventory.json while it has uncommitted changes:
// the write-back commits the file with the state, and would take the user's
// edits along. --no-safeguards goes on with a warning.
func (r *Run) inventoryUntouched(ctx context.Context, selected []string) error {
	c := r.clan
	writesBack := ""
	for _, name := range selected {
		if w, ok := c.Set.Get(name); ok {
			if _, ok, _ := writeBackSettings(c, w); ok {
				writesBack = name
				break
			}
		}
	}
	if writesBack == "" || !gitcli.IsRepo(ctx, c.Root) {
		return nil
	}
	status, err := gitcli.Repo{Dir: c.Root}.Status(ctx, clan.InventoryJSON)
	if err != nil || len(status) == 0 || (status[0].X == '?' && status[0].Y == '?') {
		return err // an untracked inventory.json has no edits of the user's in git to keep apart
	}
	msg := fmt.Sprintf("%s has uncommitted changes: commit or stash them first (the write-back of machine %s commits %s with its state and would take them along), or pass --no-safeguards", clan.InventoryJSON, writesBack, clan.InventoryJSON)
	if !r.opts.State.NoSafeguards {
		return errors.New(msg)
	}
	r.ui.Warn([]string{"--no-safeguards: going on although " + msg})
	return nil
}

// CheckNoLiveReaders refuses to destroy a workspace while a workspace outside
// the selection still has resources and depends on it.
func (r *Run) CheckNoLiveReaders(selected []string) error {
	for _, name := range selected {
		var readers []string
		for _, d := range r.clan.Graph.Dependents(name) {
			if slices.Contains(selected, d) {
				continue
			}
			if r.tofu.HasResources(d) {
				readers = append(readers, d)
			}
		}
		if len(readers) > 0 {
			r.keeper.waitSnapshot()
			verb := "depends on it and has"
			if len(readers) > 1 {
				verb = "depend on it and have"
			}
			return fmt.Errorf("cannot destroy %s: %s still %s resources (destroy them in the same run, or pass --with-dependents)", name, strings.Join(readers, ", "), verb)
		}
	}
	return nil
}

// ProblemsError is a check that found problems in the configs.
type ProblemsError struct{ Problems []check.Problem }

func (e *ProblemsError) Error() string { return check.Summary(e.Problems) }

// checkFirst runs the schema check before a plan or apply starts anything.
// With changed it leaves out the workspaces that will not run: their config
// is the one their last apply took, and checking them would cost a run with
// nothing to do most of its time. Problems come as a *ProblemsError.
//
// meanwhile, when not nil, runs beside the check's tofu processes (which
// take a fresh clan a few hundred milliseconds: docs/benchmarks.md), and
// resolvedLock is check.Schemas.ResolvedLock.
func (r *Run) checkFirst(ctx context.Context, selected []string, changed bool, meanwhile func(), resolvedLock func(context.Context, map[string]any) []byte) error {
	if changed {
		var toRun []string
		for _, name := range selected {
			if st, err := r.tofu.Status(name); err != nil || st.NeedsRun() {
				toRun = append(toRun, name)
			}
		}
		selected = toRun
	}
	var wg sync.WaitGroup
	if meanwhile != nil {
		wg.Go(meanwhile)
	}
	problems, err := checkWorkspaces(ctx, r.clan, r.engine, r.env, selected, resolvedLock)
	wg.Wait()
	if err == nil && len(problems) > 0 {
		err = &ProblemsError{Problems: problems}
	}
	if err != nil {
		r.keeper.waitSnapshot() // no git process outlives a run that stops here
		return err
	}
	return nil
}

// noProviderLocks reports whether none of the selected workspaces has a
// provider lock file yet.
func (r *Run) noProviderLocks(selected []string) bool {
	for _, name := range selected {
		w, ok := r.clan.Set.Get(name)
		if !ok {
			continue
		}
		if _, err := os.Lstat(filepath.Join(r.clan.Root, filepath.FromSlash(w.LockFile()))); !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}

// firstWave names the selected workspaces the run starts with, up to its
// parallelism, that prepareFirstWave may prepare before the check ends: a
// workspace whose preparation reaches beyond this machine (a team backend's
// init, the git lock's push) waits for its turn.
func (r *Run) firstWave(kind operation.Kind, selected []string, parallelism int) []string {
	layers := r.clan.Graph.Layers(selected)
	if len(layers) == 0 || kind == operation.Destroy {
		return nil
	}
	var wave []string
	for _, name := range layers[0] {
		w, ok := r.clan.Set.Get(name)
		if !ok || !w.Backend.IsGitState() || r.keeper.opts.Lock == state.LockModeGit {
			continue
		}
		if len(wave) == max(parallelism, 1) {
			break
		}
		wave = append(wave, name)
	}
	return wave
}

// prepareFirstWave prepares the first wave ahead of its turn (silently: see
// operation.Runner.Prepare): their lock, work dir and tofu init, which change
// nothing anywhere but on this machine, run while the check runs; nothing
// plans or applies before it passed. The check's own init never uses the
// plugin cache these use (check.Schemas.NoPluginCache), so the two do not
// race. undo, once the preparations are released, removes the run's logs and
// the work dirs they made: a failed check leaves the clan as it found it.
func (r *Run) prepareFirstWave(ctx context.Context, runner *operation.Runner, kind operation.Kind, wave []string) (undo func()) {
	if len(wave) == 0 {
		return func() {}
	}
	var made []string // clan-relative dirs that did not exist before
	mark := func(rel string) {
		if _, err := os.Lstat(filepath.Join(r.clan.Root, filepath.FromSlash(rel))); errors.Is(err, fs.ErrNotExist) {
			made = append(made, rel)
		}
	}
	mark(clan.LogsDir)
	mark(path.Dir(clan.WorkspaceWorkDir(clan.SharedWorkspace))) // the parent of every work dir
	var wg sync.WaitGroup
	for _, name := range wave {
		w, _ := r.clan.Set.Get(name)
		mark(w.WorkDir())
		wg.Go(func() { runner.Prepare(ctx, kind, name, true) })
	}
	wg.Wait()
	return func() {
		os.RemoveAll(r.logDir) // this run's: only these preparations wrote there
		for _, rel := range made {
			os.RemoveAll(filepath.Join(r.clan.Root, filepath.FromSlash(rel)))
		}
	}
}

// waveLocks is check.Schemas.ResolvedLock while the first wave prepares:
// the lock files those preparations' inits resolve are the ones the whole
// run inits with, so the schemas of a lock file the user's cache holds need
// no fetch. Providers no preparation of the wave needs have no lock file
// before the check ends, and are not waited for.
func (r *Run) waveLocks(runner *operation.Runner, wave []string, prepared <-chan struct{}) func(context.Context, map[string]any) []byte {
	waveProviders := sync.OnceValue(func() map[string]bool {
		sets := map[string]bool{}
		r.eachConfig(wave, func(_ *workspace.Workspace, data []byte) {
			var config map[string]any
			if json.Unmarshal(data, &config) == nil {
				sets[operation.ProviderSetKey(config)] = true
			}
		})
		return sets
	})
	return func(ctx context.Context, config map[string]any) []byte {
		if !waveProviders()[operation.ProviderSetKey(config)] {
			return nil
		}
		select {
		case <-prepared:
			return runner.ResolvedLock(config)
		case <-ctx.Done():
			return nil
		}
	}
}

// eachConfig calls f with the generated config of each named workspace;
// one that does not generate is left to the run to report.
func (r *Run) eachConfig(names []string, f func(w *workspace.Workspace, config []byte)) {
	for _, name := range names {
		w, ok := r.clan.Set.Get(name)
		if !ok {
			continue
		}
		if config, err := r.clan.Set.Generate(w); err == nil {
			f(w, config)
		}
	}
}

// Check validates the selected workspaces' configs against their
// providers' schemas, without a run (the check command).
func Check(ctx context.Context, o Options, c *Clan, selected []string) ([]check.Problem, error) {
	engine, err := FindEngine(ctx, o, c)
	if err != nil {
		return nil, err
	}
	return checkWorkspaces(ctx, c, engine, pluginCacheEnv(), selected, nil)
}

// checkWorkspaces checks; resolvedLock is set while the first preparations
// run beside it (see check.Schemas).
func checkWorkspaces(ctx context.Context, c *Clan, engine *tofu.Engine, env []string, selected []string, resolvedLock func(context.Context, map[string]any) []byte) ([]check.Problem, error) {
	ev := &nixeval.Evaluator{}
	schemas := &check.Schemas{
		Root:          c.Root,
		UserDir:       userCacheDir("schemas"),
		Engine:        engine,
		Env:           env,
		NoPluginCache: resolvedLock != nil,
		ResolvedLock:  resolvedLock,
	}
	ch := &check.Checker{
		Root:    c.Root,
		Set:     c.Set,
		Schemas: schemas,
		Locate:  ev.Positions,
	}
	return ch.Check(ctx, selected)
}
