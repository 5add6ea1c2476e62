package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
	"github.com/clan-terranix/clan-terranix/internal/graph"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// EvalOptions are the flags of commands that evaluate the clan.
type EvalOptions struct {
	ShowTrace bool
	WithNulls bool
}

// loadedClan is a clan evaluated into workspaces and their graph.
type loadedClan struct {
	Root   string
	Layout *clan.Layout
	Eval   *nixeval.Result
	Set    *workspace.Set
	Graph  *graph.Graph
	// Settings are the clan-wide settings (inventory/services/terranix.nix).
	Settings *clan.Settings
	// Machines holds the deploy settings of each machine workspace, parsed
	// at load: a typo in them fails the command before any workspace runs,
	// not after an apply has changed the machine's infrastructure.
	Machines map[string]deploy.Settings
}

// clanRoot resolves --clan / CLAN_DIR / the nearest parent clan.
func clanRoot(g *GlobalOptions) (string, error) {
	if g.ClanDir != "" {
		return g.ClanDir, nil
	}
	return clan.Find(".")
}

func loadClan(ctx context.Context, g *GlobalOptions, eo EvalOptions) (*loadedClan, error) {
	layout, err := discoverClan(g)
	if err != nil {
		return nil, err
	}
	return evaluateClan(ctx, g, eo, layout)
}

// discoverClan finds the clan's root and the files that make it up.
func discoverClan(g *GlobalOptions) (*clan.Layout, error) {
	root, err := clanRoot(g)
	if err != nil {
		return nil, err
	}
	return clan.Discover(root)
}

// evaluateClan evaluates a discovered clan into its workspaces and graph.
func evaluateClan(ctx context.Context, g *GlobalOptions, eo EvalOptions, layout *clan.Layout) (*loadedClan, error) {
	ev := &nixeval.Evaluator{ShowTrace: eo.ShowTrace, WithNulls: eo.WithNulls, Flake: g.Flake, Nixpkgs: g.Nixpkgs}
	// The evaluation cache lives in the work dir; a clan whose work dir cannot
	// be made (or is reached through a link) is evaluated every time.
	cache := clan.EvalCacheFile
	if clan.CheckNoLinks(layout.Root, cache) == nil && state.EnsureWorkDir(layout.Root) == nil {
		ev.CacheFile = filepath.Join(layout.Root, filepath.FromSlash(cache))
	}
	res, err := ev.Evaluate(ctx, layout)
	if err != nil {
		return nil, err
	}
	settings, err := clan.ParseSettings(res.Settings)
	if err != nil {
		return nil, err
	}
	set, err := workspace.BuildWithBackend(layout.Root, res, settings.Backend)
	if err != nil {
		return nil, err
	}
	machines, err := parseMachineSettings(set)
	if err != nil {
		return nil, err
	}
	gr, err := graph.New(set.Deps())
	if err != nil {
		return nil, err
	}
	warn(g.Stderr, set.Warnings)
	if g.Flake && res.Inventory == nixeval.InventoryFiles {
		warn(g.Stderr, []string{"the flake's clanTerranix has no clan (no `clan` output): machines, tags and targetHost are read from clan.nix and inventory.json, without their imports"})
	}
	return &loadedClan{Root: layout.Root, Layout: layout, Eval: res, Set: set, Graph: gr, Settings: settings, Machines: machines}, nil
}

func parseMachineSettings(set *workspace.Set) (map[string]deploy.Settings, error) {
	out := map[string]deploy.Settings{}
	for _, name := range set.Names() {
		if w, _ := set.Get(name); w.Kind == clan.KindMachine {
			s, err := deploy.ParseSettings(name, w.Settings)
			if err != nil {
				return nil, err
			}
			out[name] = s
		}
	}
	return out, nil
}

// machineSettings are the deploy settings of machine workspace w. An
// orphaned machine's state, added after the load, has none: the defaults.
func (lc *loadedClan) machineSettings(w *workspace.Workspace) (deploy.Settings, error) {
	if s, ok := lc.Machines[w.Name]; ok {
		return s, nil
	}
	return deploy.ParseSettings(w.Name, w.Settings)
}

func warn(w io.Writer, warnings []string) {
	for _, msg := range warnings {
		fmt.Fprintln(w, "warning: "+strings.TrimPrefix(msg, "warning: "))
	}
}
