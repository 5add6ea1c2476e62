# Entry point of `nix-instantiate --eval --strict --json`: every workspace of
# a clan in one process. layout is Go's clan.Layout (the Go side passes it
# inside the expression on stdin: restrict-eval cannot read /dev/stdin);
# layoutFile, a file holding its JSON, is the way to call it by hand.
# nixpkgs/nixpkgsLocked name nixpkgs' lib (nixpkgs/find.nix).
{ layoutFile ? null, layout ? builtins.fromJSON (builtins.readFile layoutFile), withNulls ? false, nixpkgs ? "", nixpkgsLocked ? "" }:
let found = import ./nixpkgs/find.nix { inherit nixpkgs nixpkgsLocked; }; in
import ./clan.nix {
  inherit layout withNulls;
  nixpkgsLib = if found == null then null else found.lib;
  nixpkgsPkgs = if found == null then null else found.pkgs;
}
// { evaluator = if found == null then { kind = "builtins"; } else found.info; }
