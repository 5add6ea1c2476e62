package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/views"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

var _ = register(newStateCommand)

// newStateCommand groups the commands that work on state itself.
func newStateCommand(g *GlobalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Work on state itself: history, encryption, moving it to a team backend",
	}
	cmd.AddCommand(newStateLogCommand(g), newStateEncryptCommand(g), newStateRekeyCommand(g), newStateMigrateCommand(g, nil))
	return cmd
}

// stateResult is what a state command did to one workspace.
type stateResult = app.StateResult

const (
	stateDone    = app.StateDone
	stateSkipped = app.StateSkipped
	stateFailed  = app.StateFailed
)

// stateWorkspaces resolves the workspace arguments of a state command: the
// named ones (no dependencies added: each workspace's state stands alone) or
// every workspace with --all.
func stateWorkspaces(lc *loadedClan, names []string, all bool) ([]*workspace.Workspace, error) {
	if all {
		names = lc.Set.Names()
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("name a workspace, or use --all (workspaces: %s)", strings.Join(lc.Set.Names(), ", "))
	}
	var out []*workspace.Workspace
	for _, n := range names {
		w, ok := lc.Set.Get(n)
		if !ok {
			return nil, fmt.Errorf("no workspace %q (workspaces: %s)", n, strings.Join(lc.Set.Names(), ", "))
		}
		out = append(out, w)
	}
	return out, nil
}

// prepareStateRun loads the clan, resolves the workspaces of a state command
// and sets up tofu (engine and secrets) for them. encryption, when not nil,
// says which state encryption tofu uses, given the settings' (nil: none).
func prepareStateRun(ctx context.Context, g *GlobalOptions, eo EvalOptions, names []string, all bool, encryption func(*state.Encryption) (*state.Encryption, error)) (*loadedClan, []*workspace.Workspace, *app.Run, error) {
	lc, err := loadClan(ctx, g, eo)
	if err != nil {
		return nil, nil, nil, err
	}
	selected, err := stateWorkspaces(lc, names, all)
	if err != nil {
		return nil, nil, nil, err
	}
	var enc *state.Encryption
	if encryption != nil {
		if enc, err = encryption(app.Encryption(lc.Settings)); err != nil {
			return nil, nil, nil, err
		}
	}
	run, err := app.Open(ctx, g.appOptions(eo), lc, g.ui(), enc)
	if err != nil {
		return nil, nil, nil, err
	}
	return lc, selected, run, nil
}

// printStateResults shows what command did to each workspace and fails
// the command when a workspace failed.
func printStateResults(g *GlobalOptions, command string, results []stateResult, notes []string) error {
	failed := 0
	for _, r := range results {
		if r.Status == stateFailed {
			failed++
		}
	}
	if err := views.NewState(views.KindOf(g.JSON), streams(g)).Results(command, results, notes); err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{Code: 1, Err: fmt.Errorf("state %s failed for %d of %d workspace(s)", command, failed, len(results))}
	}
	return nil
}
