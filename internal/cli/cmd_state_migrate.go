package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

type stateMigrateOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	To         string
	All        bool
	Workspaces []string
}

func newStateMigrateCommand(g *GlobalOptions, runF func(*stateMigrateOptions) error) *cobra.Command {
	opts := &stateMigrateOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "migrate --to pg|s3|http|git [WORKSPACE...|--all]",
		Short: "Move state between git and the team backend of the settings",
		Long: `Move each selected workspace's state with tofu init -migrate-state -force-copy and
check with tofu state pull that lineage and serial are the same on both sides.

--to pg|s3|http: first set backend = { type = "pg"; ... } in the settings; the state
in git is copied there, then removed from git in a commit saying where it went.
--to git: the state in the team backend of the settings is copied into git and
committed; then remove the backend setting (the team backend's copy is left as is).

Each workspace moves alone and completely; run the command again after a failure:
a copy that already arrived is recognised by its lineage and serial.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runOr(cmd.Context(), opts, runF, runStateMigrate)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "where the state goes: pg, s3, http (the settings' team backend) or git")
	cmd.Flags().BoolVar(&opts.All, "all", false, "every workspace")
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func runStateMigrate(ctx context.Context, opts *stateMigrateOptions) error {
	if opts.To != "git" && !workspace.IsTeamBackend(opts.To) {
		return fmt.Errorf("--to %q: use pg, s3, http or git", opts.To)
	}
	lc, selected, run, err := prepareStateRun(ctx, opts.GlobalOptions, opts.Eval, opts.Workspaces, opts.All, nil)
	if err != nil {
		return err
	}
	log, err := stateLogFile(lc, "migrate")
	if err != nil {
		return err
	}
	defer log.Close()
	runner, enc := run.Tofu(), run.Encryption()
	var results []stateResult
	movedToGit := false
	for _, w := range selected {
		r := migrateWorkspace(ctx, opts, lc, runner, enc, w, log)
		if r.Status == stateDone && opts.To == "git" {
			movedToGit = true
		}
		results = append(results, r)
		if ctx.Err() != nil {
			break
		}
	}
	var notes []string
	if movedToGit {
		notes = append(notes, fmt.Sprintf("the state is in git now: remove the backend setting from %s (or set backend.workspaces.<ws>.type = \"local\"); the team backend's copy is left as it was", clan.ServiceFile))
	}
	return printStateResults(opts.GlobalOptions, "migrate", results, notes)
}

// migrateWorkspace moves one workspace's state, under its lock. The steps are
// ordered so that a run killed anywhere leaves the state readable in at
// least one place, and the next run finishes the move.
func migrateWorkspace(ctx context.Context, opts *stateMigrateOptions, lc *loadedClan, runner *operation.Runner, enc *state.Encryption, w *workspace.Workspace, log io.Writer) stateResult {
	res := stateResult{Workspace: w.Name}
	fail := func(err error) stateResult {
		res.Status, res.Error = stateFailed, explainTofuError(w.Name, err, enc).Error()
		return res
	}
	if w.Backend.UserDefined {
		return fail(fmt.Errorf("workspace %s declares its own %s backend in its config: move its state by hand", w.Name, w.Backend.Type))
	}
	team := w.Backend
	if team.IsGitState() {
		if opts.To == "git" {
			res.Status, res.Detail = stateSkipped, "its state is in git already"
			return res
		}
		return fail(fmt.Errorf("workspace %s: the settings keep its state in git; set backend = { type = %q; ... } in %s first", w.Name, opts.To, clan.ServiceFile))
	}
	if opts.To != "git" && team.Type != opts.To {
		return fail(fmt.Errorf("workspace %s: the settings put its state in %s, not %s", w.Name, team.Where(), opts.To))
	}
	gitSide := workspace.GitBackend(w)
	p, err := statePaths(lc.Root, w)
	if err != nil {
		return fail(err)
	}
	inGit, err := state.Validate(p.Abs(p.State), p.State)
	if err != nil {
		return fail(err)
	}
	if opts.To != "git" && !inGit.Exists {
		res.Status, res.Detail = stateSkipped, "no state in git (never applied, or moved already)"
		return res
	}
	s, err := beginStateSession(ctx, opts.GlobalOptions, lc, w, "migrate")
	if err != nil {
		return fail(err)
	}
	defer s.Close(ctx)
	var head operation.StateHead
	var moveErr error
	if opts.To == "git" {
		head, moveErr = migrateToGit(ctx, runner, w, team, gitSide, inGit, log)
	} else {
		head, moveErr = migrateToTeam(ctx, runner, w, team, gitSide, p, log)
	}
	sum := state.Summary{Result: "failed"}
	if moveErr == nil {
		sum.Result = "ok"
		if opts.To == "git" {
			sum.Note = fmt.Sprintf("State moved back into git from %s (lineage %s, serial %d).", team.Where(), head.Lineage, head.Serial)
		} else {
			sum.Note = fmt.Sprintf("State moved to %s (lineage %s, serial %d); removed from git.", team.Where(), head.Lineage, head.Serial)
		}
	}
	commit, err := s.Finish(context.WithoutCancel(ctx), sum)
	if moveErr != nil {
		return fail(moveErr)
	}
	if err != nil {
		return fail(err)
	}
	res.Status, res.Commit, res.Lineage, res.Serial = stateDone, commit, head.Lineage, head.Serial
	if opts.To == "git" {
		res.Detail = fmt.Sprintf("moved from %s into %s (serial %d)", team.Where(), p.State, head.Serial)
	} else {
		res.Detail = fmt.Sprintf("moved to %s (serial %d)", team.Where(), head.Serial)
	}
	return res
}

// migrateToTeam copies the state in git to the team backend, unless an
// earlier, interrupted run already did, and then deletes it from git (the
// caller commits the deletion). The team backend's state is never
// overwritten when it is another state or a newer version of this one.
func migrateToTeam(ctx context.Context, runner *operation.Runner, w *workspace.Workspace, team, gitSide workspace.Backend, p state.Paths, log io.Writer) (operation.StateHead, error) {
	there, err := runner.PullState(ctx, w, team, log)
	if err != nil {
		return there, err
	}
	here, err := runner.PullState(ctx, w, gitSide, log)
	if err != nil {
		return here, err
	}
	switch {
	case !there.Exists():
		if there, err = runner.MigrateState(ctx, w, gitSide, team, log); err != nil {
			return there, err
		}
	case there.Same(here):
		// Copied by an earlier run that stopped before removing the git copy.
	default:
		return there, fmt.Errorf("workspace %s: %s already holds a state (%s) other than the one in git (%s): refusing to overwrite it; if the one in git is stale, remove %s and commit", w.Name, team.Where(), there, here, p.State)
	}
	for _, f := range []string{p.State, p.Backup} {
		if err := os.Remove(p.Abs(f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return there, fmt.Errorf("workspace %s: the state is in %s now, but %s could not be removed: %v", w.Name, team.Where(), f, err)
		}
	}
	return there, nil
}

// migrateToGit copies the team backend's state into git, unless git holds it
// already. A different state in git is never overwritten.
func migrateToGit(ctx context.Context, runner *operation.Runner, w *workspace.Workspace, team, gitSide workspace.Backend, inGit state.Info, log io.Writer) (operation.StateHead, error) {
	there, err := runner.PullState(ctx, w, team, log)
	if err != nil {
		return there, err
	}
	if !there.Exists() {
		return there, fmt.Errorf("workspace %s: %s holds no state to move", w.Name, team.Where())
	}
	if inGit.Exists {
		if inGit.Lineage == there.Lineage && inGit.Serial == there.Serial {
			return there, nil // an earlier run copied it already
		}
		return there, fmt.Errorf("workspace %s: git already holds a state (lineage %s, serial %d) other than the one in %s (%s): refusing to overwrite it", w.Name, inGit.Lineage, inGit.Serial, team.Where(), there)
	}
	head, err := runner.MigrateState(ctx, w, team, gitSide, log)
	if err != nil {
		// The team backend still holds the state: a copy in git that failed
		// the check must not be committed as if it were the state.
		p, perr := statePaths(runner.Root(), w)
		if perr == nil {
			os.Remove(p.Abs(p.State))
			os.Remove(p.Abs(p.Backup))
		}
	}
	return head, err
}
