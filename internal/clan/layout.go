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

// Discover reads the layout below root. It refuses a symbolic link where
// the tool writes (see CheckTree), a configuration file leading outside the
// clan (see Confined) and a machine folder Clan would not accept as a name.
func Discover(root string) (*Layout, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("clan directory %s does not exist", root)
	}
	// Depth 2 covers every folder of the state and the work dir, each
	// workspace's lock and the logs, in a few reads however many machines
	// there are; the files in each workspace's folders are checked when a
	// run takes it (state.Paths.CheckLinks, workspace.WriteWorkDir), before
	// tofu starts.
	if err := CheckTree(root, StateDir, 2); err != nil {
		return nil, err
	}
	if err := CheckTree(root, WorkDir, 2); err != nil {
		return nil, err
	}
	if err := CheckNoLinks(root, InventoryJSON); err != nil {
		return nil, err
	}
	if err := CheckInventoryJSON(root); err != nil {
		return nil, err
	}
	l := &Layout{Root: root, Machines: map[string]Machine{}}
	if l.Shared, err = nixFiles(root, SharedDir); err != nil {
		return nil, err
	}
	for _, named := range []struct {
		dir string
		out *map[string]string
	}{{ModulesDir, &l.Modules}, {ProvidersDir, &l.Providers}, {TagsDir, &l.Tags}} {
		files, err := nixFiles(root, named.dir)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range files {
			m[strings.TrimSuffix(filepath.Base(f), ".nix")] = f
		}
		*named.out = m
	}
	if l.Machines, err = machines(root); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		rel string
		out *string
	}{{InventoryJSON, &l.InventoryJSON}, {ClanNix, &l.ClanNix}, {ServiceFile, &l.Service}} {
		p := filepath.Join(root, filepath.FromSlash(f.rel))
		if ok, err := Confined(root, p); err != nil {
			return nil, err
		} else if ok {
			*f.out = p
		}
	}
	return l, nil
}

func machines(root string) (map[string]Machine, error) {
	out := map[string]Machine{}
	entries, err := confinedDir(root, MachinesDir)
	if err != nil || entries == nil {
		return out, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(root, MachinesDir, e.Name())
		if e.Type()&os.ModeSymlink != 0 {
			// The tool writes there (terraform-outputs.json), and git
			// commits nothing beyond a link.
			return nil, CheckNoLinks(root, MachinesDir+"/"+e.Name())
		}
		if !e.IsDir() {
			continue
		}
		if err := CheckMachineName(e.Name(), MachinesDir+"/"); err != nil {
			return nil, err
		}
		m := Machine{Dir: dir}
		if m.Infrastructure, err = configFile(root, filepath.Join(dir, "infrastructure.nix")); err != nil {
			return nil, err
		}
		if m.Configuration, err = configFile(root, filepath.Join(dir, "configuration.nix")); err != nil {
			return nil, err
		}
		out[e.Name()] = m
	}
	return out, nil
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

// nixFiles lists the .nix files of the folder rel, symbolic links inside
// the clan included, as every other file of the configuration.
func nixFiles(root, rel string) ([]string, error) {
	entries, err := confinedDir(root, rel)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".nix") {
			continue
		}
		if !printable(e.Name()) {
			// Nix would print the name raw in its messages.
			return nil, fmt.Errorf("%s/%s: a file name with control characters; rename it", rel, Quote(e.Name()))
		}
		p := filepath.Join(root, filepath.FromSlash(rel), e.Name())
		if ok, err := confinedEntry(root, p, e, false); err != nil {
			return nil, err
		} else if ok {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	return files, nil
}

// confinedDir reads the folder rel, refusing it when it leads outside the
// clan; nil when it does not exist.
func confinedDir(root, rel string) ([]os.DirEntry, error) {
	dir := filepath.Join(root, filepath.FromSlash(rel))
	if ok, err := Confined(root, dir); err != nil || !ok {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

// confinedEntry reports whether the entry e at p, of a folder inside the
// clan, is a folder (wantDir) or a regular file, following a symbolic link
// only when it stays inside the clan.
func confinedEntry(root, p string, e os.DirEntry, wantDir bool) (bool, error) {
	if e.Type()&os.ModeSymlink == 0 {
		return e.IsDir() == wantDir && (wantDir || e.Type().IsRegular()), nil
	}
	if ok, err := Confined(root, p); err != nil || !ok {
		return false, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return false, err
	}
	return fi.IsDir() == wantDir && (wantDir || fi.Mode().IsRegular()), nil
}

// configFile returns p, a file of a folder inside the clan, when it exists
// (following a symbolic link that stays inside), "" when it does not.
func configFile(root, p string) (string, error) {
	fi, err := os.Lstat(p)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		if ok, err := Confined(root, p); err != nil || !ok {
			return "", err
		}
	}
	return p, nil
}
