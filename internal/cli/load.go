package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// EvalOptions are the flags of commands that evaluate the clan.
type EvalOptions = app.EvalOptions

// StateFlags are the flags about locks and safeguards.
type StateFlags = app.StateFlags

// loadedClan is a clan evaluated into workspaces and their graph.
type loadedClan = app.Clan

// appOptions are the global and evaluation flags as the application layer takes them.
func (g *GlobalOptions) appOptions(eo EvalOptions) app.Options {
	return app.Options{ClanDir: g.ClanDir, Engine: g.Engine, Flake: g.Flake, Nixpkgs: g.Nixpkgs, State: g.State, Eval: eo}
}

// clanRoot resolves --clan / CLAN_DIR / the nearest parent clan.
func clanRoot(g *GlobalOptions) (string, error) {
	return app.Root(g.appOptions(EvalOptions{}))
}

func loadClan(ctx context.Context, g *GlobalOptions, eo EvalOptions) (*loadedClan, error) {
	return app.Load(ctx, g.appOptions(eo), g.ui())
}

// statePaths are the state files of w.
func statePaths(root string, w *workspace.Workspace) (state.Paths, error) {
	return app.StatePaths(root, w)
}

func warn(w io.Writer, warnings []string) {
	for _, msg := range warnings {
		fmt.Fprintln(w, "warning: "+strings.TrimPrefix(msg, "warning: "))
	}
}
