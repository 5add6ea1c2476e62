# Real Terranix (the upstream snapshot's core/default.nix on nixpkgs' lib)
# evaluating the same workspaces as eval.nix, in one Nix process: each
# machine's infrastructure.nix plus its tag's file, the shared files; the
# same module arguments (machine, name), lib.clanInfra added to the lib
# Terranix extends. Composition (tags from inventory.json) is read plainly:
# this is the baseline of bench/eval/run.sh.
{ layoutFile, upstream }:
let
  b = builtins;
  layout = b.fromJSON (b.readFile layoutFile);
  inventory = b.fromJSON (b.readFile layout.inventoryJson);
  nixpkgsLib = import "${upstream}/nixpkgs-lib/lib";
  lib = nixpkgsLib.extend (_: _: { clanInfra = { modules = b.mapAttrs (_: p: /. + p) layout.modules; providers = b.mapAttrs (_: p: /. + p) layout.providers; }; });
  pkgs = { inherit lib; writeText = name: text: b.toFile name text; };
  terranix = modules: extraArgs: (import "${upstream}/terranix/core/default.nix" { inherit pkgs modules extraArgs; }).config;
  machine = m: let tags = inventory.machines.${m}.tags; in
    terranix ([ (/. + layout.machines.${m}.infrastructure) ] ++ map (t: /. + layout.tags.${t}) tags)
      { name = m; machine = { name = m; tags = b.sort b.lessThan ([ "all" "nixos" ] ++ tags); settings = { }; }; };
in
{ shared = terranix (map (p: /. + p) layout.shared) { name = "shared"; }; } // b.mapAttrs (m: _: machine m) layout.machines
