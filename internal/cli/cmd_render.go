package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type renderOptions struct {
	*GlobalOptions
	Eval EvalOptions
	File string
}

var _ = register(newRenderCommand)

func newRenderCommand(g *GlobalOptions) *cobra.Command {
	opts := &renderOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "render FILE.nix",
		Short: "Evaluate one Terranix module file alone and print its config.tf.json",
		Long: `Evaluate one Terranix module file, as the terranix command does, and print the
resulting config.tf.json exactly as terranix prints it. No clan is needed: use it to
compare clan-terranix with terranix, or to try a module.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return runRender(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Eval.ShowTrace, "show-trace", false, "show Nix's full trace on evaluation errors")
	cmd.Flags().BoolVar(&opts.Eval.WithNulls, "with-nulls", false, "keep null values (as terranix --with-nulls)")
	return cmd
}

func runRender(ctx context.Context, opts *renderOptions) error {
	ev := &nixeval.Evaluator{ShowTrace: opts.Eval.ShowTrace, WithNulls: opts.Eval.WithNulls, Nixpkgs: opts.Nixpkgs}
	out, err := ev.RenderFile(ctx, opts.File)
	if err != nil {
		return err
	}
	warn(opts.Stderr, out.Warnings)
	return views.NewConfig(streams(opts.GlobalOptions)).Generated(out.JSON)
}
