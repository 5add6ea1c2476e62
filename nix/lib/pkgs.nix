# The `pkgs` module argument without nixpkgs' packages (no nixpkgs, or only
# nixpkgs.lib): what builtins can offer. Anything else fails when it is used
# (Terranix's own tests keep pkgs.hello inside _meta, which is never forced).
# builtinsOnly (no nixpkgs at all): the builtins-only evaluator's refusal, and
# writeText refused too, as builtins.toFile's store path is not the one of
# nixpkgs' writeText derivation (on nixpkgs.lib alone it stays toFile).
{ lib, builtinsOnly ? false }:
let
  b = builtins;
  needsNixpkgs = name:
    if builtinsOnly then import ./refuse.nix "pkgs.${name}" "this package"
    else b.throw "pkgs.${name} needs nixpkgs' packages: give a full nixpkgs (--nixpkgs DIR, or the clan flake's locked nixpkgs input)";
  stubs = b.listToAttrs (map (name: { inherit name; value = needsNixpkgs name; }) [
    "writeTextFile" "writeScript" "writeScriptBin" "writeShellScript" "writeShellScriptBin"
    "writeShellApplication" "runCommand" "runCommandLocal" "symlinkJoin" "stdenv" "callPackage"
    "fetchurl" "fetchgit" "fetchFromGitHub" "hello" "bash" "coreutils" "jq" "openssh" "terraform" "opentofu"
  ]);
in
stubs // {
  inherit lib;
  writeText = name: text:
    if builtinsOnly then import ./refuse.nix "pkgs.writeText \"${name}\"" "the store path of nixpkgs' writeText derivation"
    else b.toFile name text;
  writeTextDir = path: text: needsNixpkgs "writeTextDir";
  system = b.currentSystem or "x86_64-linux";
  stdenv.hostPlatform.system = b.currentSystem or "x86_64-linux";
}
