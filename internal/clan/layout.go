// Package clan knows the on-disk layout of a Clan that uses clan-terranix:
// where its root is and which files form which workspace.
package clan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Paths of the plan's layout, relative to the clan root.
const (
	SharedDir     = "inventory/infrastructure/shared"
	ModulesDir    = "inventory/infrastructure/modules"
	ProvidersDir  = "inventory/infrastructure/providers"
	TagsDir       = "inventory/tags"
	ServiceFile   = "inventory/services/terranix.nix"
	MachinesDir   = "machines"
	StateDir      = "terraform-state"
	WorkDir       = ".clan-terranix"
	InventoryJSON = "inventory.json"
	ClanNix       = "clan.nix"
)

// Layout is what Discover found: absolute paths of every file that takes part
// in evaluation. It holds paths only; Nix decides what they mean.
type Layout struct {
	Root      string             `json:"root"`
	Shared    []string           `json:"shared"`
	Machines  map[string]Machine `json:"machines"`
	Modules   map[string]string  `json:"modules"`
	Providers map[string]string  `json:"providers"`
	Tags      map[string]string  `json:"tags"`
	// Optional files; empty when absent.
	InventoryJSON string `json:"inventoryJson,omitempty"`
	ClanNix       string `json:"clanNix,omitempty"`
	Service       string `json:"service,omitempty"`
}

// Machine is one folder under machines/.
type Machine struct {
	Dir            string `json:"dir"`
	Infrastructure string `json:"infrastructure,omitempty"`
	Configuration  string `json:"configuration,omitempty"`
}

// ErrNoClan is returned by Find when no clan root is found.
var ErrNoClan = errors.New("no clan found")

// Find returns the nearest directory at or above start that holds flake.nix,
// .clan-flake or inventory/.
func Find(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	for {
		for _, marker := range []string{".clan-flake", "flake.nix", "inventory"} {
			if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w at or above %s (looked for flake.nix, .clan-flake or inventory/; use --clan DIR)", ErrNoClan, start)
		}
		dir = parent
	}
}

// Discover reads the layout below root.
func Discover(root string) (*Layout, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("clan directory %s does not exist", root)
	}
	l := &Layout{Root: root, Machines: map[string]Machine{}}
	if l.Shared, err = nixFiles(filepath.Join(root, SharedDir)); err != nil {
		return nil, err
	}
	for _, named := range []struct {
		dir string
		out *map[string]string
	}{{ModulesDir, &l.Modules}, {ProvidersDir, &l.Providers}, {TagsDir, &l.Tags}} {
		files, err := nixFiles(filepath.Join(root, named.dir))
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range files {
			m[strings.TrimSuffix(filepath.Base(f), ".nix")] = f
		}
		*named.out = m
	}
	entries, err := os.ReadDir(filepath.Join(root, MachinesDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(root, MachinesDir, e.Name())
		l.Machines[e.Name()] = Machine{
			Dir:            dir,
			Infrastructure: existing(filepath.Join(dir, "infrastructure.nix")),
			Configuration:  existing(filepath.Join(dir, "configuration.nix")),
		}
	}
	l.InventoryJSON = existing(filepath.Join(root, InventoryJSON))
	l.ClanNix = existing(filepath.Join(root, ClanNix))
	l.Service = existing(filepath.Join(root, ServiceFile))
	return l, nil
}

// MachineNames returns the machine names in sorted order.
func (l *Layout) MachineNames() []string {
	names := make([]string, 0, len(l.Machines))
	for n := range l.Machines {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func nixFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".nix") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

func existing(path string) string {
	if _, err := os.Stat(path); err == nil {
		return path
	}
	return ""
}
