# Entry point of `nix-instantiate --eval --strict --json`: every workspace of
# a clan in one process. layoutFile is the JSON of Go's clan.Layout;
# nixpkgs/nixpkgsLocked name nixpkgs' lib (nixpkgs/find.nix).
{ layoutFile, withNulls ? false, nixpkgs ? "", nixpkgsLocked ? "" }:
let found = import ./nixpkgs/find.nix { inherit nixpkgs nixpkgsLocked; }; in
import ./clan.nix {
  layout = builtins.fromJSON (builtins.readFile layoutFile);
  inherit withNulls;
  nixpkgsLib = if found == null then null else found.lib;
  nixpkgsPkgs = if found == null then null else found.pkgs;
}
// { evaluator = if found == null then { kind = "builtins"; } else found.info; }
