package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/views"
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
	return views.NewState(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Log(ws[0].Name, p.State, entries)
}
