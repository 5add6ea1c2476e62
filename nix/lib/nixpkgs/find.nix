# nixpkgs' lib for eval.nix and render.nix, as Go's nixeval chose it: a
# directory (--nixpkgs, NIX_PATH), or the clan flake's locked nixpkgs input
# (the flake.lock node's `locked` attributes, as JSON), fetched by Nix's own
# fetcher so that a copy already in the store is used. null: none given, the
# builtins-only evaluator runs.
{ nixpkgs ? "", nixpkgsLocked ? "" }:
let
  dir =
    if nixpkgs != "" then nixpkgs
    else if nixpkgsLocked != "" then (builtins.fetchTree (builtins.fromJSON nixpkgsLocked)).outPath
    else null;
in
if dir == null then null else
let lib = import "${dir}/lib"; in
{
  inherit dir lib;
  # A full nixpkgs (not nixpkgs.lib) gives the `pkgs` module argument, as
  # Terranix has it; imported only when a module uses it. No config or
  # overlays from the user's home: the evaluation is pure (and confined).
  pkgs = if builtins.pathExists "${dir}/pkgs/top-level" && builtins.pathExists "${dir}/default.nix" then import dir { config = { }; overlays = [ ]; } else null;
  info = { kind = "nixpkgs"; nixpkgs = dir; version = lib.version or ""; };
}
