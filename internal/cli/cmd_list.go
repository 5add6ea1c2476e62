package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
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

// listedWorkspace is the JSON rendering of one workspace in `list --json`.
type listedWorkspace struct {
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Machine   string   `json:"machine,omitempty"`
	Tags      []string `json:"tags"`
	DependsOn []string `json:"dependsOn"`
	Reads     []string `json:"reads"`
	Outputs   []string `json:"outputs"`
	StateFile string   `json:"stateFile"`
	Files     []string `json:"files"`
	// Orphaned is the state of a machine that is gone (see workspace.Orphans).
	Orphaned bool `json:"orphaned,omitempty"`
	// Of a machine workspace: its merged terranix settings, and its address
	// as the clan evaluates it (set by Nix: the write-back leaves it alone).
	Settings           map[string]any `json:"settings,omitempty"`
	TargetHost         string         `json:"targetHost,omitempty"`
	TargetHostSetByNix bool           `json:"targetHostSetByNix,omitempty"`
}

func runList(ctx context.Context, opts *listOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	var listed []listedWorkspace
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
		listed = append(listed, listedWorkspace{
			Name: w.Name, Kind: string(w.Kind), Machine: w.Machine, Tags: nonNil(w.Tags),
			DependsOn: nonNil(w.Dependencies()), Reads: reads, Outputs: nonNil(w.Outputs),
			StateFile: stateFile, Files: nonNil(w.Files),
			Settings: w.Settings, TargetHost: m.TargetHost, TargetHostSetByNix: m.TargetHostSetByNix,
		})
	}
	orphans, err := lc.Set.Orphans(lc.Root)
	if err != nil {
		return err
	}
	for _, o := range orphans {
		listed = append(listed, listedWorkspace{Name: o.Name, Kind: string(clan.KindMachine), Machine: o.Name,
			Tags: []string{}, DependsOn: []string{}, Reads: []string{}, Outputs: []string{}, StateFile: o.StateFile, Files: []string{}, Orphaned: true})
	}
	if opts.JSON {
		return writeJSON(opts.Stdout, struct {
			Evaluator  nixeval.EvaluatorInfo `json:"evaluator"`
			Workspaces []listedWorkspace     `json:"workspaces"`
		}{lc.Eval.Evaluator, nonNil(listed)})
	}
	tw := tabwriter.NewWriter(opts.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKSPACE\tKIND\tDEPENDS ON\tSTATE")
	for _, l := range listed {
		deps := strings.Join(l.DependsOn, ", ")
		if deps == "" {
			deps = "-"
		}
		kind := l.Kind
		if l.Orphaned {
			kind += " (orphaned)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Name, kind, deps, l.StateFile)
	}
	return tw.Flush()
}

func addEvalFlags(cmd *cobra.Command, eo *EvalOptions) {
	cmd.Flags().BoolVar(&eo.ShowTrace, "show-trace", false, "show Nix's full trace on evaluation errors")
	cmd.Flags().BoolVar(&eo.WithNulls, "with-nulls", false, "keep null values in the generated JSON (as terranix --with-nulls)")
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
