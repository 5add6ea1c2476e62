package cli

import (
	"context"

	"github.com/clan-terranix/clan-terranix/internal/views"
	"github.com/spf13/cobra"
)

type graphOptions struct {
	*GlobalOptions
	Eval   EvalOptions
	Format string
}

var _ = register(newGraphCommand)

func newGraphCommand(g *GlobalOptions) *cobra.Command {
	opts := &graphOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Print the dependency graph of the workspaces",
		Long: `Print which workspace depends on which: from terraform_remote_state reads found in
the generated configs and from explicit dependsOn.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGraph(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text, dot, mermaid, json or svg (laid out in-process, no graphviz needed)")
	return cmd
}

func runGraph(ctx context.Context, opts *graphOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	return views.NewGraph(views.KindOf(opts.JSON), streams(opts.GlobalOptions), opts.Format).Show(lc.Graph)
}
