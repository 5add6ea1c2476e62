package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/operation"
)

type applyOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	Run        RunFlags
	Workspaces []string
	NoCheck    bool
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newApplyCommand(g, nil) })

func newApplyCommand(g *GlobalOptions, runF func(*applyOptions) error) *cobra.Command {
	opts := &applyOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "apply [WORKSPACE...]",
		Short: "Apply workspaces, their dependencies first, and commit their state",
		Long: `Apply the named workspaces. The workspaces they depend on (explicit dependsOn and
terraform_remote_state reads) are applied first, in order, unless --no-deps.
After each apply the state is committed to git, even when the apply failed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runOr(cmd.Context(), opts, runF, runApply)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	addRunFlags(cmd, &opts.Run, true)
	cmd.Flags().BoolVar(&opts.NoCheck, "no-check", false, "skip checking the configs against the providers' schemas first")
	return cmd
}

func runApply(ctx context.Context, opts *applyOptions) error {
	run, selected, err := prepareRun(ctx, opts.GlobalOptions, opts.Eval, operation.Apply, opts.Workspaces, &opts.Run, true)
	if err != nil {
		return err
	}
	_, err = operate(ctx, opts.GlobalOptions, run, operation.Apply, selected, &opts.Run, app.OperateOptions{Check: !opts.NoCheck})
	if errors.Is(err, errDeclined) {
		return nil // the review said so ("Nothing applied.")
	}
	return err
}
