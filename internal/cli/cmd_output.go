package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type outputOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	All        bool
	Workspaces []string
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newOutputCommand(g, nil) })

func newOutputCommand(g *GlobalOptions, runF func(*outputOptions) error) *cobra.Command {
	opts := &outputOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "output [WORKSPACE...]",
		Short: "Print the outputs of workspaces",
		Long: `Print the outputs of the named workspaces (or --all) from their state. Sensitive
outputs are shown as <sensitive> except with --json, which prints them as
'tofu output -json' does.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runOr(cmd.Context(), opts, runF, runOutput)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	cmd.Flags().BoolVar(&opts.All, "all", false, "every workspace")
	return cmd
}

func runOutput(ctx context.Context, opts *outputOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	names := opts.Workspaces
	if opts.All {
		names = lc.Graph.Nodes()
	}
	if len(names) == 0 {
		return fmt.Errorf("name a workspace, or use --all")
	}
	if names, err = lc.Graph.Select(names, false, false); err != nil {
		return err
	}
	run, err := app.Open(ctx, opts.appOptions(opts.Eval), lc, opts.ui(), nil)
	if err != nil {
		return err
	}
	all := map[string]map[string]operation.OutputValue{}
	for _, n := range names {
		if all[n], err = run.Outputs(ctx, n); err != nil {
			return err
		}
	}
	single := len(opts.Workspaces) == 1 && !opts.All
	return views.NewOutput(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Outputs(names, all, single)
}
