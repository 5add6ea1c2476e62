package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/operation"
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
	if opts.JSON {
		if len(opts.Workspaces) == 1 && !opts.All {
			return writeJSON(opts.Stdout, all[names[0]])
		}
		return writeJSON(opts.Stdout, all)
	}
	for i, n := range names {
		if len(names) > 1 {
			if i > 0 {
				fmt.Fprintln(opts.Stdout)
			}
			fmt.Fprintf(opts.Stdout, "%s:\n", n)
		}
		outs := all[n]
		if len(outs) == 0 {
			fmt.Fprintln(opts.Stdout, "  (no outputs: not applied yet?)")
			continue
		}
		keys := make([]string, 0, len(outs))
		for k := range outs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(opts.Stdout, "  %s = %s\n", k, renderValue(outs[k]))
		}
	}
	return nil
}

func renderValue(o operation.OutputValue) string {
	if o.Sensitive {
		return "<sensitive>"
	}
	if s, ok := o.Value.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	b, _ := json.Marshal(o.Value)
	return string(b)
}
