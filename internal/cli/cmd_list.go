package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type listOptions struct {
	*GlobalOptions
	Eval EvalOptions
}

var _ = register(newListCommand)

func newListCommand(g *GlobalOptions) *cobra.Command {
	opts := &listOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the workspaces, their kind and dependencies",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func runList(ctx context.Context, opts *listOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	var listed []views.ListedWorkspace
	for _, name := range lc.Graph.Nodes() {
		w, _ := lc.Set.Get(name)
		reads := []string{}
		for _, r := range w.Refs {
			if r.Output != "" {
				reads = append(reads, r.Workspace+"."+r.Output)
			}
		}
		stateFile := w.StateFile()
		if !w.Backend.IsGitState() {
			stateFile = "(backend " + w.Backend.Type + ")"
		}
		m := lc.Eval.Machines[w.Machine]
		listed = append(listed, views.ListedWorkspace{
			Name: w.Name, Kind: string(w.Kind), Machine: w.Machine, Tags: w.Tags,
			DependsOn: w.Dependencies(), Reads: reads, Outputs: w.Outputs,
			StateFile: stateFile, Files: w.Files,
			Settings: w.Settings, TargetHost: m.TargetHost, TargetHostSetByNix: m.TargetHostSetByNix,
		})
	}
	orphans, err := lc.Set.Orphans(lc.Root)
	if err != nil {
		return err
	}
	for _, o := range orphans {
		listed = append(listed, views.ListedWorkspace{Name: o.Name, Kind: string(clan.KindMachine), Machine: o.Name,
			StateFile: o.StateFile, Orphaned: true})
	}
	return views.NewList(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Workspaces(lc.Eval.Evaluator, listed)
}

func addEvalFlags(cmd *cobra.Command, eo *EvalOptions) {
	cmd.Flags().BoolVar(&eo.ShowTrace, "show-trace", false, "show Nix's full trace on evaluation errors")
	cmd.Flags().BoolVar(&eo.WithNulls, "with-nulls", false, "keep null values in the generated JSON (as terranix --with-nulls)")
}
