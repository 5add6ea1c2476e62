package workspace

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/state"
)

// Orphan is the state, kept in git, of a machine that is no workspace any
// more (its folder was removed, or its infrastructure): its resources still
// exist, and only a destroy of the orphan ends them.
type Orphan struct {
	Name      string
	StateFile string // relative to the clan root
	Resources int    // -1: unknown (encrypted state)
}

// Orphans lists the machine states below root whose machine is not in s and
// that still hold resources (or may: an encrypted state). An empty state
// left behind is no orphan: nothing exists that it tracks.
func (s *Set) Orphans(root string) ([]Orphan, error) {
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(clan.MachineStateDir)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Orphan
	for _, e := range entries {
		name := e.Name()
		if _, ok := s.byName[name]; ok || !e.IsDir() || clan.CheckMachineName(name, "") != nil {
			continue
		}
		rel := path.Join(clan.WorkspaceStateDir(clan.KindMachine, name), clan.StateFileName)
		info, err := state.Validate(filepath.Join(root, filepath.FromSlash(rel)), rel)
		if err != nil && !errors.Is(err, state.ErrInvalid) {
			return nil, err
		}
		o := Orphan{Name: name, StateFile: rel, Resources: info.Resources}
		switch {
		case err != nil || info.Encrypted:
			o.Resources = -1
		case info.Resources == 0:
			continue
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// AddOrphan adds the orphaned machine state o as a workspace with an empty
// configuration and the state's backend: a plan of it destroys everything
// its state holds. tofu init installs the providers the state names (with
// the versions of the lock file kept beside it); their settings are their
// defaults and environment variables, as the configuration is gone.
func (s *Set) AddOrphan(o Orphan) *Workspace {
	w := &Workspace{Name: o.Name, Kind: clan.KindMachine, Machine: o.Name, Orphaned: true, config: map[string]any{}}
	w.Backend = GitBackend(w)
	s.byName[o.Name] = w
	s.names = append(s.names, o.Name)
	sort.Strings(s.names)
	return w
}
