package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/state"
)

type stateLogOptions struct {
	*GlobalOptions
	Eval      EvalOptions
	Workspace string
}

func newStateLogCommand(g *GlobalOptions) *cobra.Command {
	opts := &stateLogOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "log WORKSPACE",
		Short: "Who changed a workspace's state and when, from git (newest first)",
		Long: `List the commits that changed the workspace's state file: when, who, which command,
the +add ~change -destroy counts where known, and the result. Commits made by hand
(without clan-terranix's trailers) are listed too, marked "by hand".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspace = args[0]
			return runStateLog(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func runStateLog(ctx context.Context, opts *stateLogOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	ws, err := stateWorkspaces(lc, []string{opts.Workspace}, false)
	if err != nil {
		return err
	}
	if !gitcli.IsRepo(ctx, lc.Root) {
		return fmt.Errorf("state log reads git history, but the clan %s is not a git repository", lc.Root)
	}
	p, err := statePaths(lc.Root, ws[0])
	if err != nil {
		return err
	}
	entries, err := state.Log(ctx, gitcli.Repo{Dir: lc.Root}, p)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Workspace string           `json:"workspace"`
			File      string           `json:"file"`
			Entries   []state.LogEntry `json:"entries"`
		}{ws[0].Name, p.State, entries})
	}
	if len(entries) == 0 {
		fmt.Fprintf(opts.Stdout, "no commits of %s yet (workspace %s was never applied)\n", p.State, ws[0].Name)
		return nil
	}
	for _, e := range entries {
		fmt.Fprintln(opts.Stdout, e.Line())
	}
	return nil
}
