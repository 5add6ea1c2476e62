package cli

import (
	"context"

	"github.com/clan-terranix/clan-terranix/internal/views"
	"github.com/spf13/cobra"
)

type statusOptions struct {
	*GlobalOptions
	Eval EvalOptions
}

var _ = register(newStatusCommand)

func newStatusCommand(g *GlobalOptions) *cobra.Command {
	opts := &statusOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Tell for every workspace whether it needs to run, without starting tofu",
		Long: `For every workspace: never applied, up to date, config changed or upstream outputs
changed - from the record its last apply left beside the state - and who holds its
lock. No tofu process is started; 'plan --refresh' or 'drift' checks reality.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStatus(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	// No engine: status never starts tofu.
	var rows []views.WorkspaceStatus
	for _, name := range lc.Graph.Nodes() {
		st, err := lc.Status(name)
		if err != nil {
			return err
		}
		row := views.WorkspaceStatus{Workspace: name, Status: string(st)}
		w, _ := lc.Set.Get(name)
		row.LockedBy = lc.LockHolder(w)
		rows = append(rows, row)
	}
	orphans, err := lc.Set.Orphans(lc.Root)
	if err != nil {
		return err
	}
	for _, o := range orphans {
		rows = append(rows, views.WorkspaceStatus{Workspace: o.Name, Status: "orphaned", Note: orphanNote(o)})
	}
	return views.NewStatus(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Workspaces(lc.Eval.Evaluator, rows)
}
