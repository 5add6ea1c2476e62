package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/operation"
)

type destroyOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	Run        RunFlags
	Workspaces []string
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newDestroyCommand(g, nil) })

func newDestroyCommand(g *GlobalOptions, runF func(*destroyOptions) error) *cobra.Command {
	opts := &destroyOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "destroy [WORKSPACE...]",
		Short: "Destroy workspaces, dependents first, and commit their state",
		Long: `Destroy the named workspaces, dependents before the workspaces they read. A workspace
whose outputs another workspace with resources still reads is refused, unless that
workspace is destroyed in the same run (name it, or pass --with-dependents).
The state of a machine that is gone ('status' says orphaned) is destroyed when named.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runOr(cmd.Context(), opts, runF, runDestroy)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	addRunFlags(cmd, &opts.Run, true)
	return cmd
}

func runDestroy(ctx context.Context, opts *destroyOptions) error {
	opts.Run.Orphans = true
	run, selected, err := prepareRun(ctx, opts.GlobalOptions, opts.Eval, operation.Destroy, opts.Workspaces, &opts.Run, false)
	if err != nil {
		return err
	}
	if err := run.CheckNoLiveReaders(selected); err != nil {
		return err
	}
	_, err = operate(ctx, opts.GlobalOptions, run, operation.Destroy, selected, &opts.Run, app.OperateOptions{})
	return err
}
