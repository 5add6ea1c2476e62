package cli

import (
	"context"

	"github.com/clan-terranix/clan-terranix/internal/views"
	"github.com/spf13/cobra"
)

type evalOptions struct {
	*GlobalOptions
	Eval      EvalOptions
	Workspace string
}

var _ = register(newEvalCommand)

func newEvalCommand(g *GlobalOptions) *cobra.Command {
	opts := &evalOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "eval WORKSPACE",
		Short: "Print the generated config.tf.json of a workspace",
		Long: `Print the config.tf.json clan-terranix generates for a workspace: the Terranix
configuration plus the backend block and the terraform_remote_state data sources
for the workspaces it reads.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspace = args[0]
			return runEval(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func runEval(ctx context.Context, opts *evalOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	names, err := lc.Graph.Select([]string{opts.Workspace}, false, false)
	if err != nil {
		return err
	}
	w, _ := lc.Set.Get(names[0])
	data, err := lc.Set.Generate(w)
	if err != nil {
		return err
	}
	return views.NewConfig(streams(opts.GlobalOptions)).Generated(data)
}
