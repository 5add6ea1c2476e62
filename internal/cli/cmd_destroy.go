package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/operation"
)

type destroyOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	Run        RunFlags
	Workspaces []string
}

var _ = register(newDestroyCommand)

func newDestroyCommand(g *GlobalOptions) *cobra.Command {
	opts := &destroyOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "destroy [WORKSPACE...]",
		Short: "Destroy workspaces, dependents first, and commit their state",
		Long: `Destroy the named workspaces, dependents before the workspaces they read. A workspace
whose outputs another workspace with resources still reads is refused, unless that
workspace is destroyed in the same run (name it, or pass --with-dependents).
The state of a machine that is gone ('status' says orphaned) is destroyed when named.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runDestroy(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	addRunFlags(cmd, &opts.Run, true)
	return cmd
}

func runDestroy(ctx context.Context, opts *destroyOptions) error {
	opts.Run.orphans = true
	lc, runner, selected, err := prepareRun(ctx, opts.GlobalOptions, opts.Eval, opts.Workspaces, &opts.Run, false)
	if err != nil {
		return err
	}
	if err := checkNoLiveReaders(lc, runner, selected); err != nil {
		return err
	}
	_, err = operate(ctx, opts.GlobalOptions, runner, lc, operation.Destroy, selected, &opts.Run)
	return err
}

// checkNoLiveReaders refuses to destroy a workspace while a workspace outside
// the selection still has resources and depends on it.
func checkNoLiveReaders(lc *loadedClan, runner *operation.Runner, selected []string) error {
	for _, name := range selected {
		var readers []string
		for _, d := range lc.Graph.Dependents(name) {
			if slices.Contains(selected, d) {
				continue
			}
			if runner.HasResources(d) {
				readers = append(readers, d)
			}
		}
		if len(readers) > 0 {
			verb := "depends on it and has"
			if len(readers) > 1 {
				verb = "depend on it and have"
			}
			return fmt.Errorf("cannot destroy %s: %s still %s resources (destroy them in the same run, or pass --with-dependents)", name, strings.Join(readers, ", "), verb)
		}
	}
	return nil
}
