package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// clanCoreFlake is a local stand-in for the clan-core flake: its lib.clan is
// built from the unmodified upstream snapshot as /work/shared/upstream's
// README shows, without clan-core's own flake inputs (unreachable offline).
// Only what needs nixpkgs itself is stubbed: nixosSystem (legacyPackages)
// and nix-darwin, which evaluating a clan's inventory never touches.
const clanCoreFlake = `{
  inputs.nixpkgs.url = "@nixpkgs@";
  inputs.src = { url = "@clan-core-src@"; flake = false; };
  outputs = { nixpkgs, src, ... }:
    let
      lib = nixpkgs.lib;
      clanCore = {
        lib = clanLib;
        clanLib = clanLib;
        modules.clan.default = lib.modules.importApply (src + "/modules/clan/default.nix") { clan-core = clanCore; };
        clan.modules = { };
        nixosModules = { };
        inputs.nixpkgs = { inherit lib; legacyPackages = throw "stand-in clan-core: no nixpkgs here"; };
        inputs.nix-darwin = { lib.darwinSystem = throw "stand-in clan-core: no nix-darwin here"; };
      };
      clanLib = lib.fix (lib.extends (final: _: {
        clan = import (src + "/lib/clan") { inherit lib; clan-core = clanCore; };
      }) (import (src + "/lib") { inherit lib; }).__unfix__);
    in
    { lib = clanLib; };
}
`

// ClanFlakeInputs lays out, under dir, the flakes a test clan's flake.nix
// takes as inputs to be evaluated by the real clan-core offline, and returns
// their URLs by input name: "clan-core" (the stand-in above), "nixpkgs"
// (upstream's nixpkgs-lib flake) and "clan-terranix" (this repository's
// flake.nix and nix/, copied: a path input of the checkout would copy all of
// it into the store). upstream is Upstream's folder, repoRoot the checkout.
// A clan-terranix input needs `inputs.clan-terranix.inputs.nixpkgs.follows = "nixpkgs"`.
func ClanFlakeInputs(upstream, repoRoot, dir string) (map[string]string, error) {
	inputs := map[string]string{
		"nixpkgs":       "path:" + filepath.Join(upstream, "nixpkgs-lib"),
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
