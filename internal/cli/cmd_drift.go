package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type driftOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	Run        RunFlags
	Workspaces []string
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newDriftCommand(g, nil) })

func newDriftCommand(g *GlobalOptions, runF func(*driftOptions) error) *cobra.Command {
	opts := &driftOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "drift [WORKSPACE...]",
		Short: "Check reality: plan with refresh and exit 2 when anything would change",
		Long: `Plan the named workspaces (or --all, --tags) and their dependencies with a refresh
of every resource, as tofu plan -detailed-exitcode does: exit 0 when nothing would
change, 2 when some workspace drifted or has unapplied changes, 1 on an error.
Unlike 'plan --changed' it never trusts the change records: every selected
workspace runs tofu.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runOr(cmd.Context(), opts, runF, runDrift)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	// The flags of plan but --changed: drift is about what the records cannot see.
	f := cmd.Flags()
	f.BoolVar(&opts.Run.All, "all", false, "every workspace")
	f.StringSliceVar(&opts.Run.Tags, "tags", nil, "the workspaces of machines carrying these tags")
	f.BoolVar(&opts.Run.NoDeps, "no-deps", false, "leave out the workspaces the selected ones depend on")
	f.BoolVar(&opts.Run.WithDependents, "with-dependents", false, "add the workspaces that depend on the selected ones")
	addParallelismFlag(f, &opts.Run.Parallelism, "how many workspaces run at once (default: the settings' parallelism, else 4)")
	f.BoolVar(&opts.Run.FailFast, "fail-fast", false, "start nothing new after a failure")
	return cmd
}

func runDrift(ctx context.Context, opts *driftOptions) error {
	run, selected, err := prepareRun(ctx, opts.GlobalOptions, opts.Eval, operation.Plan, opts.Workspaces, &opts.Run, true)
	if err != nil {
		return err
	}
	view := views.NewDrift(views.KindOf(opts.JSON), streams(opts.GlobalOptions))
	opts.Run.view = view
	results, err := operate(ctx, opts.GlobalOptions, run, operation.Plan, selected, &opts.Run, app.OperateOptions{})
	if err != nil {
		return err
	}
	if err := writeDriftRecord(run.Clan().Root, results); err != nil {
		warn(opts.Stderr, []string{"keeping what drift found for the report: " + err.Error()})
	}
	var drifted []outcome.Result
	for _, r := range results {
		if r.Status == outcome.StatusOK { // a plan with changes
			drifted = append(drifted, r)
		}
	}
	if err := view.Drifted(len(results), drifted); err != nil {
		return err
	}
	if len(drifted) > 0 {
		return &exitError{Code: 2}
	}
	return nil
}
