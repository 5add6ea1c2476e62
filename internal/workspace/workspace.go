// Package workspace turns an evaluated clan into workspaces ready to run:
// where each keeps its state, how it reads the outputs of the others, and the
// config.tf.json written into its work dir.
package workspace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
)

// SharedName is the name of the workspace built from inventory/infrastructure/shared.
const SharedName = clan.SharedWorkspace

// Workspace is one Terraform root module of the clan.
type Workspace struct {
	Name    string
	Kind    clan.Kind
	Machine string
	Tags    []string
	// Files the workspace was evaluated from, relative to the clan root.
	Files []string
	// DependsOn holds the explicit dependencies (clan.terranix.dependsOn).
	DependsOn []string
	// Refs are the remote-state reads found in the config.
	Refs []Ref
	// Settings are the per-machine settings from the evaluation.
	Settings map[string]any
	// Outputs declared by the config.
	Outputs []string
	// Backend is where the state lives; Local for state in git.
	Backend Backend
	// Orphaned is set for the state of a machine that is gone (AddOrphan):
	// its config is empty, so that destroying it is all it can do.
	Orphaned bool
	// config is the evaluated Terraform JSON, decoded with json.Number.
	config map[string]any
}

// Backend is a Terraform backend block.
type Backend struct {
	Type   string
	Config map[string]any
	// UserDefined is set when the user's config declared the backend itself.
	UserDefined bool
}

// IsGitState reports whether the state is a local file kept in git.
func (b Backend) IsGitState() bool { return b.Type == "local" && !b.UserDefined }

// Dependencies returns the explicit and detected dependencies, sorted.
func (w *Workspace) Dependencies() []string {
	set := map[string]bool{}
	for _, d := range w.DependsOn {
		set[d] = true
	}
	for _, r := range w.Refs {
		set[r.Workspace] = true
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// StateDir is the folder of the workspace's state, relative to the clan root.
func (w *Workspace) StateDir() string { return clan.WorkspaceStateDir(w.Kind, w.Name) }

// StateFile is the workspace's state file, relative to the clan root.
func (w *Workspace) StateFile() string { return path.Join(w.StateDir(), clan.StateFileName) }

// LockFile is the dependency lock file kept beside the state.
func (w *Workspace) LockFile() string { return path.Join(w.StateDir(), clan.LockFileName) }

// WorkDir is where the generated config lives and tofu runs, relative to the clan root.
func (w *Workspace) WorkDir() string { return clan.WorkspaceWorkDir(w.Name) }

// fromWorkDir turns a clan-relative path into one relative to any work dir
// (all work dirs are at the same depth, so the result holds for every workspace).
func fromWorkDir(p string) string {
	return path.Join("..", "..", "..", p)
}

// Set is every workspace of a clan.
type Set struct {
	byName map[string]*Workspace
	names  []string
	// Warnings from evaluation and generation.
	Warnings []string

	// generated holds each workspace's config once made (see Generate).
	genMu       sync.Mutex
	generated   map[*Workspace]generated
	generations int // how many configs were made: what the tests count
}

// Get returns the named workspace.
func (s *Set) Get(name string) (*Workspace, bool) {
	w, ok := s.byName[name]
	return w, ok
}

// Names returns the workspace names, sorted.
func (s *Set) Names() []string { return s.names }

// Deps maps every workspace to its dependencies: the input of graph.New.
func (s *Set) Deps() map[string][]string {
	deps := make(map[string][]string, len(s.names))
	for _, n := range s.names {
		deps[n] = s.byName[n].Dependencies()
	}
	return deps
}

// Build makes the workspaces of an evaluation, with their state in git, and
// checks that every remote-state read names a workspace and an output that
// exist.
func Build(root string, res *nixeval.Result) (*Set, error) {
	return BuildWithBackend(root, res, nil)
}

// BuildWithBackend is Build with the clan's `backend` setting (nil: state in
// git): each workspace not declaring its own backend block gets its place in
// the team backend.
func BuildWithBackend(root string, res *nixeval.Result, team *clan.Backend) (*Set, error) {
	if err := checkMachineNames(res); err != nil {
		return nil, err
	}
	s := &Set{byName: map[string]*Workspace{}, Warnings: res.Warnings}
	names := make([]string, 0, len(res.Workspaces))
	for name := range res.Workspaces {
		names = append(names, name)
	}
	sort.Strings(names) // the first error is the same every run
	for _, name := range names {
		ew := res.Workspaces[name]
		w, err := newWorkspace(root, name, ew)
		if err != nil {
			return nil, err
		}
		if !w.Backend.UserDefined {
			b, ok, err := teamBackend(name, team)
			if err != nil {
				return nil, err
			}
			if ok {
				w.Backend = b
			}
		}
		s.byName[name] = w
		s.names = append(s.names, name)
	}
	sort.Strings(s.names)
	if unknown := unknownBackendWorkspaces(team, s); len(unknown) > 0 {
		return nil, fmt.Errorf("%s: infra-manager settings: backend.workspaces names %s, which is not a workspace (workspaces: %s)", clan.ServiceFile, strings.Join(unknown, ", "), strings.Join(s.names, ", "))
	}
	for _, n := range s.names {
		if err := s.check(s.byName[n]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// checkMachineNames refuses, before any file is made from a name, a machine
// of the inventory whose name Clan would refuse or that is a workspace's own
// ("shared": it would take the shared workspace's place). Folders under
// machines/ were checked by clan.Discover.
func checkMachineNames(res *nixeval.Result) error {
	names := make([]string, 0, len(res.Machines)+len(res.Workspaces))
	for m := range res.Machines {
		names = append(names, m)
	}
	for name, ew := range res.Workspaces {
		if ew.Kind != string(clan.KindShared) || name != SharedName {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, m := range names {
		if err := clan.CheckMachineName(m, "the inventory (inventory.json, clan.nix or machines/)"); err != nil {
			return err
		}
	}
	return nil
}

func newWorkspace(root, name string, ew nixeval.Workspace) (*Workspace, error) {
	dec := json.NewDecoder(bytes.NewReader(ew.Config))
	dec.UseNumber()
	var config map[string]any
	if err := dec.Decode(&config); err != nil {
		return nil, fmt.Errorf("workspace %s: evaluation did not return a JSON object: %v", name, err)
	}
	if config == nil {
		config = map[string]any{}
	}
	w := &Workspace{
		Name:      name,
		Kind:      clan.Kind(ew.Kind),
		Machine:   ew.Machine,
		Tags:      ew.Tags,
		DependsOn: ew.DependsOn,
		Settings:  ew.Settings,
		config:    config,
	}
	for _, f := range ew.Files {
		w.Files = append(w.Files, relTo(root, f))
	}
	if w.Kind != clan.KindShared && w.Kind != clan.KindMachine {
		return nil, fmt.Errorf("workspace %s: unknown kind %q", name, ew.Kind)
	}
	if outs, ok := config["output"].(map[string]any); ok {
		for o := range outs {
			w.Outputs = append(w.Outputs, o)
		}
		sort.Strings(w.Outputs)
	}
	w.Backend = backendOf(w, config)
	w.Refs = remoteStateRefs(config)
	return w, nil
}

func backendOf(w *Workspace, config map[string]any) Backend {
	if tf, ok := config["terraform"].(map[string]any); ok {
		if backends, ok := tf["backend"].(map[string]any); ok {
			for typ, c := range backends {
				cfg, _ := c.(map[string]any)
				return Backend{Type: typ, Config: cfg, UserDefined: true}
			}
		}
	}
	return GitBackend(w)
}

func (s *Set) check(w *Workspace) error {
	for _, d := range w.DependsOn {
		if _, ok := s.byName[d]; !ok {
			return fmt.Errorf("workspace %s: dependsOn names %q, which is not a workspace (workspaces: %s)", w.Name, d, strings.Join(s.names, ", "))
		}
	}
	userBlocks := userRemoteStates(w.config)
	var refs []Ref
	for _, r := range w.Refs {
		up, ok := s.byName[r.Workspace]
		switch {
		case userBlocks[r.Workspace]:
			// The user wrote this data source; it may point anywhere.
			if ok {
				refs = append(refs, r)
			}
			continue
		case !ok:
			return fmt.Errorf("workspace %s reads data.terraform_remote_state.%s, but there is no workspace %q (workspaces: %s)", w.Name, r.Workspace, r.Workspace, strings.Join(s.names, ", "))
		case r.Workspace == w.Name:
			return fmt.Errorf("workspace %s reads its own outputs through data.terraform_remote_state.%s", w.Name, w.Name)
		case r.Output != "" && !slices.Contains(up.Outputs, r.Output):
			declared := "it declares no outputs"
			if len(up.Outputs) > 0 {
				declared = "declared: " + strings.Join(up.Outputs, ", ")
			}
			return fmt.Errorf("workspace %s reads output %q of workspace %s, which %s does not declare (%s)", w.Name, r.Output, up.Name, up.Name, declared)
		}
		refs = append(refs, r)
	}
	w.Refs = refs
	return nil
}

func userRemoteStates(config map[string]any) map[string]bool {
	out := map[string]bool{}
	if data, ok := config["data"].(map[string]any); ok {
		if rs, ok := data["terraform_remote_state"].(map[string]any); ok {
			for n := range rs {
				out[n] = true
			}
		}
	}
	return out
}

func relTo(root, p string) string {
	if rel, ok := strings.CutPrefix(p, root+"/"); ok {
		return rel
	}
	return p
}
