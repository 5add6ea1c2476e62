// Package scaffold writes the plan's layout into a clan (`clan-terranix init`):
// the terranix service instance, shared infrastructure, a reusable module, a
// provider file and its tag, an example machine, the state folder and the
// helper script, from templates embedded in the binary. It never overwrites
// a file that exists; it reports what it skipped.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clan-terranix/clan-terranix/examples"
	"github.com/clan-terranix/clan-terranix/internal/clan"
)

//go:embed all:templates
var templates embed.FS

// Providers that init knows, and the tag each one's machines carry.
var Providers = map[string]string{
	"local":   "local-infra",
	"aws":     "aws-infra",
	"hetzner": "hetzner-infra",
}

// ProviderNames lists the providers in a stable order, for help texts.
func ProviderNames() []string {
	names := make([]string, 0, len(Providers))
	for n := range Providers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// clan-wide settings each provider needs, spliced into inventory/services/terranix.nix.
var providerSettings = map[string]string{
	"local": "",
	"aws": `
      # Provider credentials reach OpenTofu through the environment only.
      credentials = {
        AWS_ACCESS_KEY_ID.command = "clan secrets get aws-access-key-id";
        AWS_SECRET_ACCESS_KEY.command = "clan secrets get aws-secret-access-key";
      };`,
	"hetzner": `
      # Provider credentials reach OpenTofu through the environment only.
      credentials.HCLOUD_TOKEN.command = "clan secrets get hcloud-token";`,
}

// What the quickstart example calls the names init replaces.
const (
	exampleMachine = "web-server"
	exampleClan    = "quickstart"
	exampleTag     = "local-infra"
	exampleEngine  = `engine = "tofu";`
)

// localOnly tells the quickstart's files that describe its offline stand-in
// resources; other providers bring their own (templates/<provider>).
func localOnly(rel string) bool {
	return strings.HasPrefix(rel, "inventory/infrastructure/") ||
		rel == "inventory/tags/"+exampleTag+".nix" ||
		rel == "machines/"+exampleMachine+"/infrastructure.nix"
}

// providerSources says where the files of a provider other than local come
// from: the aws-hetzner example for what it has (AWS whole, Hetzner's provider
// and tag), templates/hetzner for a Hetzner-only shared network and machine.
var providerSources = map[string][]struct {
	fsys fs.FS
	root string
	take func(rel string) bool
}{
	"aws": {{examples.FS, "aws-hetzner", func(rel string) bool {
		return rel == "inventory/tags/aws-infra.nix" || rel == "machines/"+exampleMachine+"/infrastructure.nix" ||
			(strings.HasPrefix(rel, "inventory/infrastructure/") && rel != hetznerProvider)
	}}},
	"hetzner": {
		{examples.FS, "aws-hetzner", func(rel string) bool {
			return rel == hetznerProvider || rel == "inventory/tags/hetzner-infra.nix"
		}},
		{templates, "templates/hetzner", func(string) bool { return true }},
	},
}

const hetznerProvider = "inventory/infrastructure/providers/hetzner.nix"

// Options of one init.
type Options struct {
	Dir      string // the clan root; created when absent
	Provider string // local | aws | hetzner
	Machine  string // the example machine; default "web-server"
	ClanName string // meta.name for a new clan.nix; default: the folder's name
}

// Result lists paths relative to Dir, sorted.
type Result struct {
	Written []string `json:"written"`
	// Skipped files existed already and were left as they were.
	Skipped []string `json:"skipped"`
}

// Init writes the layout for opts.Provider into opts.Dir.
func Init(opts Options) (Result, error) {
	var res Result
	tag, ok := Providers[opts.Provider]
	if !ok {
		return res, fmt.Errorf("unknown provider %q (known: %s)", opts.Provider, strings.Join(ProviderNames(), ", "))
	}
	if opts.Machine == "" {
		opts.Machine = "web-server"
	}
	if err := clan.CheckMachineName(opts.Machine, ""); err != nil {
		return res, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return res, err
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return res, fmt.Errorf("%s is a file, not a folder", dir)
	}
	if opts.ClanName == "" {
		opts.ClanName = filepath.Base(dir)
	}
	// The quickstart example is the template: what its machine, clan and tag
	// are called is replaced; for other providers its provider-specific files
	// give way to templates/<provider>.
	replacer := strings.NewReplacer(
		exampleMachine, opts.Machine,
		"meta.name = \""+exampleClan+"\"", "meta.name = \""+opts.ClanName+"\"",
		exampleTag, tag,
		exampleEngine, exampleEngine+providerSettings[opts.Provider],
	)
	write := func(fsys fs.FS, root string, skip func(rel string) bool) error {
		return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
			if d.IsDir() {
				if d.Name() == clan.WorkDir {
					return fs.SkipDir // a run's work dir, never part of a template
				}
				return nil
			}
			if skip(rel) {
				return nil
			}
			rel = strings.ReplaceAll(rel, exampleMachine, opts.Machine)
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			mode := os.FileMode(0o644)
			if strings.HasSuffix(rel, ".sh") {
				mode = 0o755
			}
			written, err := writeNew(filepath.Join(dir, filepath.FromSlash(rel)), []byte(replacer.Replace(string(data))), mode)
			if err != nil {
				return err
			}
			if written {
				res.Written = append(res.Written, rel)
			} else {
				res.Skipped = append(res.Skipped, rel)
			}
			return nil
		})
	}
	if err := write(examples.FS, "quickstart", func(rel string) bool {
		return opts.Provider != "local" && localOnly(rel)
	}); err != nil {
		return res, err
	}
	for _, src := range providerSources[opts.Provider] {
		if err := write(src.fsys, src.root, func(rel string) bool { return !src.take(rel) }); err != nil {
			return res, err
		}
	}
	sort.Strings(res.Written)
	sort.Strings(res.Skipped)
	return res, nil
}

// writeNew writes a file that must not exist yet. The content goes to a temp
// file first and is hard-linked into place: the link fails when the name
// exists (so nothing is overwritten, even in a race) and never shows half a file.
func writeNew(path string, data []byte, mode os.FileMode) (bool, error) {
	if _, err := os.Lstat(path); err == nil {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return false, fmt.Errorf("%s: %v", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("%s: %v", path, err)
	}
	return true, nil
}
