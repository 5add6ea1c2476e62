package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
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

// workspaceStatus is one row of `status --json`.
type workspaceStatus struct {
	Workspace string `json:"workspace"`
	Status    string `json:"status"`
	LockedBy  string `json:"lockedBy,omitempty"`
	// Note says what to do about an orphaned state.
	Note string `json:"note,omitempty"`
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	// No engine: status never starts tofu.
	var rows []workspaceStatus
	for _, name := range lc.Graph.Nodes() {
		st, err := lc.Status(name)
		if err != nil {
			return err
		}
		row := workspaceStatus{Workspace: name, Status: string(st)}
		w, _ := lc.Set.Get(name)
		row.LockedBy = lc.LockHolder(w)
		rows = append(rows, row)
	}
	orphans, err := lc.Set.Orphans(lc.Root)
	if err != nil {
		return err
	}
	for _, o := range orphans {
		rows = append(rows, workspaceStatus{Workspace: o.Name, Status: "orphaned", Note: orphanNote(o)})
	}
	if opts.JSON {
		return writeJSON(opts.Stdout, struct {
			Evaluator  nixeval.EvaluatorInfo `json:"evaluator"`
			Workspaces []workspaceStatus     `json:"workspaces"`
		}{lc.Eval.Evaluator, nonNil(rows)})
	}
	tw := tabwriter.NewWriter(opts.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKSPACE\tSTATUS\tLOCK")
	for _, r := range rows {
		lock := "-"
		if r.LockedBy != "" {
			lock = "locked by " + r.LockedBy
		}
		status := r.Status
		if r.Note != "" {
			status = r.Note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Workspace, status, lock)
	}
	return tw.Flush()
}
