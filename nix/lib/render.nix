# Entry point of `clan-terranix render FILE`: one Terranix module alone, as
# the `terranix` command evaluates it. Returns the config.tf.json text
# (builtins.toJSON, as terranix writes it) and the warnings.
{ file, withNulls ? false, nixpkgs ? null }:
let
  nixpkgsLib = if nixpkgs == null then null else (import nixpkgs { }).lib;
  lib = import ./lib.nix { inherit nixpkgsLib; };
  pkgs = import ./pkgs.nix { inherit lib; };
  result = (import ./terranix.nix).eval {
    modules = [ (/. + file) ];
    inherit withNulls;
    args = {
      inherit lib pkgs;
      name = baseNameOf file;
      nixosConfig = throw "nixosConfig needs flake mode: `render` evaluates one file without a NixOS configuration";
      machine = throw "machine is only set for machine workspaces of a clan, not by `render`";
      clan = throw "clan is only set when evaluating a clan, not by `render`";
    };
  };
in
{ json = builtins.toJSON result.json; inherit (result) warnings; }
