package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"

	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

type tofuOptions struct {
	*GlobalOptions
	Eval      EvalOptions
	Workspace string
	Args      []string
}

var _ = register(newTofuCommand)

func newTofuCommand(g *GlobalOptions) *cobra.Command {
	opts := &tofuOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "tofu WORKSPACE -- ARGS...",
		Short: "Run any tofu command in a workspace (state list, import, state mv ...)",
		Long: `Run a raw tofu (or terraform) command in the workspace's work dir, with the same
generated config, backend and environment as apply. The workspace is locked while it
runs and its state is committed afterwards if the command changed it.`,
		Example: `  clan-terranix tofu web-server -- state list
  clan-terranix tofu shared -- import aws_vpc.main vpc-0abc`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspace, opts.Args = args[0], args[1:]
			return runTofu(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func runTofu(ctx context.Context, opts *tofuOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	if _, err := lc.Graph.Select([]string{opts.Workspace}, false, false); err != nil {
		return err
	}
	run, err := app.Open(ctx, opts.appOptions(opts.Eval), lc, opts.ui(), nil)
	if err != nil {
		return err
	}
	err = run.Tofu().Raw(ctx, opts.Workspace, opts.Args, opts.Stdin, opts.Stdout, opts.Stderr)
	var exit *tofu.ExitError
	if errors.As(err, &exit) {
		// tofu printed its own error already.
		return &exitError{Code: exit.Code}
	}
	return err
}
