package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/run"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// RunFlags are the flags of the commands that run tofu over a selection of
// workspaces (plan, apply, destroy).
type RunFlags struct {
	All            bool
	Tags           []string
	NoDeps         bool
	WithDependents bool
	Parallelism    int
	FailFast       bool
	Yes            bool
	Changed        bool
	// orphans: the named workspaces may be orphaned machine states (destroy).
	orphans bool

	// present prints the results instead of printResults (plan's diffs and
	// Markdown); nil: printResults.
	present func(g *GlobalOptions, command string, started time.Time, results []report.Result) error
}

func addRunFlags(cmd *cobra.Command, rf *RunFlags, confirm bool) {
	f := cmd.Flags()
	f.BoolVar(&rf.All, "all", false, "every workspace")
	f.StringSliceVar(&rf.Tags, "tags", nil, "the workspaces of machines carrying these tags")
	f.BoolVar(&rf.NoDeps, "no-deps", false, "leave out the workspaces the selected ones depend on")
	f.BoolVar(&rf.WithDependents, "with-dependents", false, "add the workspaces that depend on the selected ones")
	addParallelismFlag(f, &rf.Parallelism, "how many workspaces run at once (default: the settings' parallelism, else 4)")
	f.BoolVar(&rf.Changed, "changed", false, "only workspaces whose config or upstream outputs changed since their last apply (and their dependents)")
	f.BoolVar(&rf.FailFast, "fail-fast", false, "start nothing new after a failure")
	if confirm {
		f.BoolVarP(&rf.Yes, "yes", "y", false, "apply without asking")
	}
}

// selection resolves the named workspaces, tags and --all into the list to
// run, with dependencies (withDeps) and dependents as asked.
func selection(lc *loadedClan, names []string, rf *RunFlags, withDeps bool) ([]string, error) {
	if len(lc.Graph.Nodes()) == 0 {
		return nil, fmt.Errorf("the clan %s has no workspaces: add inventory/infrastructure/shared/*.nix or machines/<machine>/infrastructure.nix (clan-terranix init writes an example)", lc.Root)
	}
	picked := append([]string(nil), names...)
	for _, tag := range rf.Tags {
		found := false
		for _, n := range lc.Set.Names() {
			w, _ := lc.Set.Get(n)
			if slices.Contains(w.Tags, tag) {
				picked = append(picked, n)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no workspace belongs to a machine tagged %q", tag)
		}
	}
	if rf.All {
		picked = lc.Graph.Nodes()
	}
	if len(picked) == 0 {
		return nil, fmt.Errorf("name a workspace, or use --all or --tags (workspaces: %s)", strings.Join(lc.Graph.Nodes(), ", "))
	}
	return lc.Graph.Select(picked, withDeps && !rf.NoDeps, rf.WithDependents)
}

// prepareRun evaluates the clan, resolves the selection (with dependencies
// when withDeps) and sets up the runner: what plan, apply, drift and destroy
// share before they run.
func prepareRun(ctx context.Context, g *GlobalOptions, eo EvalOptions, names []string, rf *RunFlags, withDeps bool) (lc *loadedClan, runner *operation.Runner, selected []string, err error) {
	layout, err := discoverClan(g)
	if err != nil {
		return nil, nil, nil, err
	}
	// Git is asked what the run needs of it while Nix evaluates.
	snap := startSnapshot(ctx, layout)
	defer func() {
		if err != nil {
			snap() // no git process outlives a run that stops here
		}
	}()
	if lc, err = evaluateClan(ctx, g, eo, layout); err != nil {
		return nil, nil, nil, err
	}
	if rf.orphans {
		if err = adoptOrphans(lc, names); err != nil {
			return nil, nil, nil, err
		}
	}
	if selected, err = selection(lc, names, rf, withDeps); err != nil {
		return nil, nil, nil, err
	}
	if err = checkLinks(lc, selected); err != nil {
		return nil, nil, nil, err
	}
	if runner, err = newRunner(ctx, g, lc); err != nil {
		return nil, nil, nil, err
	}
	if k, ok := runner.Keeper.(*sessionKeeper); ok {
		k.snapshot = snap
	}
	return lc, runner, selected, nil
}

// newRunner sets up the operation runner of a clan: the engine (flag, then
// settings, then what is on PATH) and the state keeper.
func newRunner(ctx context.Context, g *GlobalOptions, lc *loadedClan) (*operation.Runner, error) {
	name := g.Engine
	if name == "" {
		name = lc.Settings.Engine
	}
	engine, err := tofu.Find(ctx, name)
	if err != nil {
		return nil, err
	}
	retry, err := retryPolicy(lc.Settings)
	if err != nil {
		return nil, err
	}
	runner := &operation.Runner{
		Env:    pluginCacheEnv(),
		Retry:  retry,
		Root:   lc.Root,
		Set:    lc.Set,
		Engine: engine,
		Keeper: newStateKeeper(g, lc, g.State),
		LogDir: filepath.Join(lc.Root, filepath.FromSlash(clan.RunLogDir(time.Now(), os.Getpid()))),
	}
	if !gitcli.IsRepo(ctx, lc.Root) {
		warn(g.Stderr, []string{fmt.Sprintf("the clan %s is not a git repository: state is kept in terraform-state/ but not committed (git init to keep its history)", lc.Root)})
	}
	newRunSecrets(lc, engine.Name).install(ctx, runner)
	wb := &writeBack{g: g, lc: lc, runner: runner, checker: targetHostChecker(ctx, g, lc)}
	runner.AfterApply, runner.AfterDestroy = wb.afterApply, wb.afterDestroy
	return runner, nil
}

// operate runs kind over the selected workspaces and prints the results.
func operate(ctx context.Context, g *GlobalOptions, runner *operation.Runner, lc *loadedClan, kind operation.Kind, selected []string, rf *RunFlags) ([]report.Result, error) {
	started := time.Now()
	runner.OnlyChanged = rf.Changed
	var confirm operation.Confirm
	if kind != operation.Plan && !rf.Yes {
		if !g.IsTerminal() {
			return nil, fmt.Errorf("%s changes infrastructure: pass --yes to run without a terminal to confirm on", kind)
		}
		confirm = terminalConfirm(g)
		if kind == operation.Apply {
			var err error
			if confirm, err = reviewApply(ctx, g, runner, lc, selected, rf); err != nil || confirm == nil {
				return nil, err
			}
		}
	}
	display := newDisplay(g, string(kind), len(selected))
	if confirm != nil {
		runner.Confirm = pausing(display, confirm)
	}
	if kind != operation.Plan {
		if err := inventoryUntouched(ctx, g, lc, selected); err != nil {
			return nil, err
		}
	}
	if k, ok := runner.Keeper.(*sessionKeeper); ok {
		k.async = true
		if k.snapshot == nil { // install, update: evaluated elsewhere
			k.snapshot = startSnapshot(ctx, lc.Layout)
		}
	}
	runner.Sink = display
	warn(g.Stderr, credentialLiterals(lc, selected))
	job := func(ctx context.Context, ws string) report.Result { return runner.Run(ctx, kind, ws) }
	results := run.Run(ctx, lc.Graph, selected, run.Options{
		Parallelism: parallelismOf(lc, rf),
		FailFast:    rf.FailFast,
		Reverse:     kind == operation.Destroy,
		Prepare: func(ctx context.Context, ws string, ahead bool) {
			runner.Prepare(ctx, kind, ws, ahead)
		},
	}, job, display)
	runner.ReleasePrepared()
	if k, ok := runner.Keeper.(*sessionKeeper); ok {
		// Commits ran in the background (see sessionKeeper.async); a failed
		// one fails its workspace.
		failed := k.Wait()
		for i, r := range results {
			err := failed[r.Workspace]
			switch {
			case err == nil:
			case r.Status != report.StatusFailed:
				results[i].Status, results[i].Error = report.StatusFailed, err.Error()
			default:
				// A failed apply whose state could not be committed either:
				// what to do about the state matters most.
				warn(g.Stderr, []string{err.Error()})
				results[i].Error += "\n" + err.Error()
			}
		}
	}
	display.Close()
	explained := explainDecryptFailures(lc, results)
	present := rf.present
	if present == nil {
		present = printResults
	}
	if err := present(g, string(kind), started, results); err != nil {
		return results, err
	}
	for _, line := range explained {
		fmt.Fprintln(g.Stderr, "clan-terranix: "+line)
	}
	if ctx.Err() != nil {
		return results, &exitError{code: 130, err: errors.New("interrupted: running workspaces stopped at a safe point and their state is committed; run again to finish")}
	}
	for _, r := range results {
		if r.Status == report.StatusFailed {
			return results, &exitError{code: 1, err: errors.New("")}
		}
	}
	return results, nil
}

// terminalConfirm asks on the terminal, showing tofu's plan first.
func terminalConfirm(g *GlobalOptions) operation.Confirm {
	return confirmOn(g, bufio.NewReader(g.Stdin))
}

// confirmOn asks on the terminal, reading the answers from in.
func confirmOn(g *GlobalOptions, in *bufio.Reader) operation.Confirm {
	return func(ctx context.Context, ws, planText string) (bool, error) {
		fmt.Fprintf(g.Stdout, "\n── %s ──\n%s\n", ws, strings.TrimSpace(planText))
		fmt.Fprintf(g.Stdout, "Apply these changes to %s? Only 'yes' will be accepted: ", ws)
		line, err := in.ReadString('\n')
		if err != nil && line == "" {
			return false, fmt.Errorf("workspace %s: no answer on standard input", ws)
		}
		return strings.TrimSpace(line) == "yes", nil
	}
}

// credentialLiterals warns about credentials written as literals in the
// generated config of the selected workspaces: they end up in the Nix store.
func credentialLiterals(lc *loadedClan, selected []string) []string {
	var warnings []string
	for _, name := range selected {
		w, ok := lc.Set.Get(name)
		if !ok {
			continue
		}
		config, err := lc.Set.Generate(w)
		if err != nil {
			continue // the run reports it
		}
		warnings = append(warnings, state.CredentialLiterals(config, w.WorkDir()+"/"+workspace.ConfigFile)...)
	}
	return warnings
}

// explainDecryptFailures replaces tofu's multi-line decryption errors with
// one line saying what is wrong (passphrase, or state not encrypted yet),
// and returns those lines: the live view showed tofu's own words only.
func explainDecryptFailures(lc *loadedClan, results []report.Result) []string {
	enc := newRunSecrets(lc, "tofu").encryption
	if enc == nil {
		return nil
	}
	var lines []string
	for i, r := range results {
		if r.Status != report.StatusFailed {
			continue
		}
		output := r.Error + "\n" + strings.Join(r.ErrorTail, "\n")
		if line, ok := state.ExplainDecryptError(r.Workspace, output, *enc); ok {
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
func inventoryUntouched(ctx context.Context, g *GlobalOptions, lc *loadedClan, selected []string) error {
	writesBack := ""
	for _, name := range selected {
		if w, ok := lc.Set.Get(name); ok {
			if _, ok, _ := writeBackSettings(lc, w); ok {
				writesBack = name
				break
			}
		}
	}
	if writesBack == "" || !gitcli.IsRepo(ctx, lc.Root) {
		return nil
	}
	status, err := gitcli.Repo{Dir: lc.Root}.Status(ctx, clan.InventoryJSON)
	if err != nil || len(status) == 0 || (status[0].X == '?' && status[0].Y == '?') {
		return err // an untracked inventory.json has no edits of the user's in git to keep apart
	}
	msg := fmt.Sprintf("%s has uncommitted changes: commit or stash them first (the write-back of machine %s commits %s with its state and would take them along), or pass --no-safeguards", clan.InventoryJSON, writesBack, clan.InventoryJSON)
	if !g.State.NoSafeguards {
		return errors.New(msg)
	}
	warn(g.Stderr, []string{"--no-safeguards: going on although " + msg})
	return nil
}
