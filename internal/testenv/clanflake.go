package testenv

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// clanCoreFlake is a local stand-in for the clan-core flake (see the file);
// bench/inventory uses the same file.
//
//go:embed clan-core.flake.nix
var clanCoreFlake string

// ClanFlakeInputs lays out, under dir, the flakes a test clan's flake.nix
// takes as inputs to be evaluated by the real clan-core offline, and returns
// their URLs by input name: "clan-core" (the stand-in above), "nixpkgs"
// (upstream's nixpkgs-lib flake), "flake-parts" (needs
// `inputs.flake-parts.inputs.nixpkgs-lib.follows = "nixpkgs"`) and "clan-terranix" (this repository's
// flake.nix and nix/, copied: a path input of the checkout would copy all of
// it into the store). upstream is Upstream's folder, repoRoot the checkout.
// A clan-terranix input needs `inputs.clan-terranix.inputs.nixpkgs.follows = "nixpkgs"`.
func ClanFlakeInputs(upstream, repoRoot, dir string) (map[string]string, error) {
	inputs := map[string]string{
		"nixpkgs":       "path:" + filepath.Join(upstream, "nixpkgs-lib"),
		"flake-parts":   "path:" + filepath.Join(upstream, "flake-parts"),
		"clan-core-src": "path:" + filepath.Join(upstream, "clan-core"),
		"clan-core":     "path:" + filepath.Join(dir, "clan-core"),
		"clan-terranix": "path:" + filepath.Join(dir, "clan-terranix"),
	}
	if err := os.MkdirAll(filepath.Join(dir, "clan-core"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "clan-core", "flake.nix"), []byte(Subst(clanCoreFlake, inputs)), 0o644); err != nil {
		return nil, err
	}
	project := filepath.Join(dir, "clan-terranix")
	if err := CopyTree(filepath.Join(repoRoot, "nix"), filepath.Join(project, "nix")); err != nil {
		return nil, err
	}
	if err := copyFile(filepath.Join(repoRoot, "flake.nix"), filepath.Join(project, "flake.nix"), 0o644); err != nil {
		return nil, err
	}
	delete(inputs, "clan-core-src")
	return inputs, nil
}

// Subst replaces every @name@ in text by inputs[name].
func Subst(text string, inputs map[string]string) string {
	for name, url := range inputs {
		text = strings.ReplaceAll(text, "@"+name+"@", url)
	}
	return text
}

// SubstFile is Subst on a file, in place; a placeholder left over is an error.
func SubstFile(path string, inputs map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out := Subst(string(data), inputs)
	if i := strings.Index(out, "@clan-"); i >= 0 {
		return fmt.Errorf("%s: placeholder %q has no input", path, out[i:min(len(out), i+20)])
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
