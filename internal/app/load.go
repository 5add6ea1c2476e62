package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/changes"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
	"github.com/clan-terranix/clan-terranix/internal/graph"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// Clan is a clan evaluated into workspaces and their graph.
type Clan struct {
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

	// engine is the engine's lookup Prepare started while Nix evaluated
	// (nil: FindEngine looks it up).
	engine *engineLookup
}

// Root resolves --clan / CLAN_DIR / the nearest parent clan.
func Root(o Options) (string, error) {
	if o.ClanDir != "" {
		return o.ClanDir, nil
	}
	return clan.Find(".")
}

// Load finds the clan and evaluates it.
func Load(ctx context.Context, o Options, ui UI) (*Clan, error) {
	layout, err := discover(o)
	if err != nil {
		return nil, err
	}
	return evaluate(ctx, o, ui, layout)
}

// discover finds the clan's root and the files that make it up.
func discover(o Options) (*clan.Layout, error) {
	root, err := Root(o)
	if err != nil {
		return nil, err
	}
	return clan.Discover(root)
}

// evaluate evaluates a discovered clan into its workspaces and graph.
func evaluate(ctx context.Context, o Options, ui UI, layout *clan.Layout) (*Clan, error) {
	ev := &nixeval.Evaluator{ShowTrace: o.Eval.ShowTrace, WithNulls: o.Eval.WithNulls, Flake: o.Flake, Nixpkgs: o.Nixpkgs}
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
	ui.Warn(set.Warnings)
	if o.Flake && res.Inventory == nixeval.InventoryFiles {
		ui.Warn([]string{"the flake's clanTerranix has no clan (no `clan` output): machines, tags and targetHost are read from clan.nix and inventory.json, without their imports"})
	}
	return &Clan{Root: layout.Root, Layout: layout, Eval: res, Set: set, Graph: gr, Settings: settings, Machines: machines}, nil
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

// MachineSettings are the deploy settings of machine workspace w. An
// orphaned machine's state, added after the load, has none: the defaults.
func (c *Clan) MachineSettings(w *workspace.Workspace) (deploy.Settings, error) {
	if s, ok := c.Machines[w.Name]; ok {
		return s, nil
	}
	return deploy.ParseSettings(w.Name, w.Settings)
}

// Machine returns the deploy settings of a machine's workspace, or says
// which machines have one.
func (c *Clan) Machine(machine string) (deploy.Settings, error) {
	w, ok := c.Set.Get(machine)
	if !ok || w.Kind != clan.KindMachine {
		var machines []string
		for _, n := range c.Set.Names() {
			if w, _ := c.Set.Get(n); w.Kind == clan.KindMachine {
				machines = append(machines, n)
			}
		}
		return deploy.Settings{}, fmt.Errorf("machine %s has no infrastructure workspace (machines with one: %s)", machine, strings.Join(machines, ", "))
	}
	return c.MachineSettings(w)
}

// RunFlags choose the workspaces of a run and how it runs.
type RunFlags struct {
	All            bool
	Tags           []string
	NoDeps         bool
	WithDependents bool
	Parallelism    int
	FailFast       bool
	Yes            bool
	Changed        bool
	// Orphans: the named workspaces may be orphaned machine states (destroy).
	Orphans bool
}

// Select resolves the named workspaces, tags and --all into the list to
// run, with dependencies (withDeps) and dependents as asked.
func (c *Clan) Select(names []string, rf RunFlags, withDeps bool) ([]string, error) {
	if len(c.Graph.Nodes()) == 0 {
		return nil, fmt.Errorf("the clan %s has no workspaces: add inventory/infrastructure/shared/*.nix or machines/<machine>/infrastructure.nix (clan-terranix init writes an example)", c.Root)
	}
	picked := append([]string(nil), names...)
	for _, tag := range rf.Tags {
		found := false
		for _, n := range c.Set.Names() {
			w, _ := c.Set.Get(n)
			if slices.Contains(w.Tags, tag) {
				picked = append(picked, n)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no workspace belongs to a machine tagged %q", tag)
		}
	}
	if rf.All {
		picked = c.Graph.Nodes()
	}
	if len(picked) == 0 {
		return nil, fmt.Errorf("name a workspace, or use --all or --tags (workspaces: %s)", strings.Join(c.Graph.Nodes(), ", "))
	}
	return c.Graph.Select(picked, withDeps && !rf.NoDeps, rf.WithDependents)
}

// parallelism is the run's parallelism: the flag, else the settings'.
func (c *Clan) parallelism(rf RunFlags) int {
	if rf.Parallelism != 0 {
		return rf.Parallelism
	}
	return c.Settings.Parallelism
}

// adoptOrphans makes the orphaned machine states among names workspaces of
// c, for destroy (named only: --all never destroys an orphan, whose
// machine may just be on another branch).
func (c *Clan) adoptOrphans(names []string) error {
	orphans, err := c.Set.Orphans(c.Root)
	if err != nil {
		return err
	}
	adopted := false
	for _, o := range orphans {
		if slices.Contains(names, o.Name) {
			c.Set.AddOrphan(o)
			adopted = true
		}
	}
	if !adopted {
		return nil
	}
	c.Graph, err = graph.New(c.Set.Deps())
	return err
}

// IsOrphan reports whether name is an orphaned machine state of c (its
// lock can be removed, so that its destroy can run).
func (c *Clan) IsOrphan(name string) bool {
	orphans, _ := c.Set.Orphans(c.Root)
	return slices.ContainsFunc(orphans, func(o workspace.Orphan) bool { return o.Name == name })
}

// Status compares a workspace's config and the upstream outputs it reads
// with the record of its last apply: no tofu process.
func (c *Clan) Status(name string) (changes.Status, error) {
	return operation.New(operation.Config{Root: c.Root, Set: c.Set}).Status(name)
}
