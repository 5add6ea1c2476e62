# Entry point of `clan-terranix render FILE`: one Terranix module alone, as
# the `terranix` command evaluates it. Returns the config.tf.json text
# (builtins.toJSON, as terranix writes it) and the warnings. With nixpkgs'
# lib (nixpkgs/find.nix) it is nixpkgs' module system with no arguments but
# Terranix's own; without, the builtins-only evaluator.
{ file, withNulls ? false, nixpkgs ? "", nixpkgsLocked ? "" }:
let
  found = import ./nixpkgs/find.nix { inherit nixpkgs nixpkgsLocked; };
  builtinsOnly = let lib = import ./lib.nix { builtinsOnly = true; }; in (import ./terranix.nix).eval {
    modules = [ (/. + file) ];
    inherit withNulls;
    args = {
      inherit lib;
      pkgs = import ./pkgs.nix { inherit lib; builtinsOnly = true; };
      # Terranix has no `name` argument: using one fails there, so here.
      name = throw "the module argument `name` is the workspace's name in a clan; `render` evaluates one file as Terranix does, which has no `name`";
      nixosConfig = throw "nixosConfig needs flake mode: `render` evaluates one file without a NixOS configuration";
      machine = throw "machine is only set for machine workspaces of a clan, not by `render`";
      clan = throw "clan is only set when evaluating a clan, not by `render`";
    };
  };
  onNixpkgs = (import ./nixpkgs/terranix.nix { inherit (found) lib pkgs; }).eval { modules = [ (/. + file) ]; inherit withNulls; };
  result = if found == null then builtinsOnly else onNixpkgs;
in
{
  json = builtins.toJSON result.json;
  inherit (result) warnings;
  evaluator = if found == null then { kind = "builtins"; } else found.info;
}
