package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/check"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type checkOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	All        bool
	Tags       []string
	Workspaces []string
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newCheckCommand(g, nil) })

func newCheckCommand(g *GlobalOptions, runF func(*checkOptions) error) *cobra.Command {
	opts := &checkOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "check [WORKSPACE...]",
		Short: "Check the generated configs against the providers' schemas",
		Long: `Check each workspace's generated config against its providers' schemas: unknown
resource and data types, unknown attributes and blocks, missing required attributes,
values of the wrong type. Each problem names the Nix file and line that defined it.
Without names, every workspace. plan and apply run the same check first (--no-check
skips it). The schemas are kept under .clan-terranix/schemas by the provider lock.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runOr(cmd.Context(), opts, runF, runCheck)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	cmd.Flags().StringSliceVar(&opts.Tags, "tags", nil, "the workspaces of machines carrying these tags")
	return cmd
}

func runCheck(ctx context.Context, opts *checkOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	selected, err := lc.Select(opts.Workspaces, app.RunFlags{Tags: opts.Tags, All: len(opts.Workspaces) == 0 && len(opts.Tags) == 0}, false)
	if err != nil {
		return err
	}
	problems, err := app.Check(ctx, opts.appOptions(opts.Eval), lc, selected)
	if err != nil {
		return err
	}
	if err := views.NewCheck(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Checked(len(selected), problems); err != nil {
		return err
	}
	if len(problems) > 0 {
		return checkFailed(opts.GlobalOptions, problems)
	}
	return nil
}

// checkFailed shows every problem (on stderr, whatever the view's kind) and
// fails the command.
func checkFailed(g *GlobalOptions, problems []check.Problem) error {
	views.NewCheck(views.KindOf(g.JSON), streams(g)).Problems(problems)
	return &exitError{Code: 1, Err: errors.New(check.Summary(problems))}
}
