package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/clan"
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
	log, err := app.StateLogFile(lc, "migrate")
	if err != nil {
		return err
	}
	defer log.Close()
	var results []stateResult
	movedToGit := false
	for _, w := range selected {
		r := run.MigrateState(ctx, w, opts.To, log)
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
