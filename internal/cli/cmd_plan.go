package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/report"
)

type planOptions struct {
	*GlobalOptions
	Eval             EvalOptions
	Run              RunFlags
	DetailedExitcode bool
	Workspaces       []string
}

var _ = register(newPlanCommand)

func newPlanCommand(g *GlobalOptions) *cobra.Command {
	opts := &planOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "plan [WORKSPACE...]",
		Short: "Show what apply would change",
		Long: `Plan the named workspaces with their dependencies. A workspace whose upstream has
never been applied is skipped: its inputs are unknown until then.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runPlan(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	addRunFlags(cmd, &opts.Run, false)
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 2 when any workspace has changes (as tofu plan -detailed-exitcode)")
	return cmd
}

func runPlan(ctx context.Context, opts *planOptions) error {
	lc, runner, selected, err := prepareRun(ctx, opts.GlobalOptions, opts.Eval, opts.Workspaces, &opts.Run, true)
	if err != nil {
		return err
	}
	results, err := operate(ctx, opts.GlobalOptions, runner, lc, operation.Plan, selected, &opts.Run)
	if err != nil {
		return err
	}
	if opts.DetailedExitcode {
		for _, r := range results {
			if r.Status == report.StatusOK {
				return &exitError{code: 2}
			}
		}
	}
	return nil
}
