# Terranix on nixpkgs' module system: each workspace is lib.evalModules with
# Terranix's option set (options.nix), lib extended by Terranix's helpers
# (lib.tf, lib.tfRef) and pkgs as a module argument, rendered with
# Terranix's rules: _module/_ref/__functor and (unless withNulls) nulls
# stripped everywhere, only the Terraform blocks kept, empty ones dropped,
# empty resource/data/ephemeral types dropped.
# pkgs: nixpkgs' packages when a full nixpkgs was given, else null for
# ../pkgs.nix's stand-in.
{ lib, clanInfra ? { }, pkgs ? null }:
let
  b = builtins;
  helpers = import ../lib.nix { inherit clanInfra; };
  lib' = lib.extend (_: _: { inherit (helpers) tf tfRef clanInfra; });
  options = import ./options.nix lib';
  pkgs' = if pkgs != null then pkgs else import ../pkgs.nix { lib = lib'; };
  ownFile = "clan-terranix/nix/lib/nixpkgs/options.nix";

  # Copies a set only once when nothing is to be dropped (the usual case):
  # memory is what a clan of hundreds of workspaces spends.
  sanitize = withNulls: v:
    if b.isAttrs v then
      let
        nulls = if withNulls then [ ] else b.filter (n: v.${n} == null) (b.attrNames v);
        kept = if nulls == [ ] && !(v ? _module || v ? _ref || v ? __functor) then v
          else b.removeAttrs v ([ "_module" "_ref" "__functor" ] ++ nulls);
      in
      b.mapAttrs (_: sanitize withNulls) kept
    else if b.isList v then map (sanitize withNulls) v
    else v;
  withoutEmpty = v: b.removeAttrs v (b.filter (n: v.${n} == { }) (b.attrNames v));
  id = v: v;
  # Terranix's whitelist: a block renders when it is neither {} nor null.
  blocks = { ephemeral = withoutEmpty; data = withoutEmpty; import = id; locals = id; module = id; output = id; provider = id; resource = withoutEmpty; terraform = id; variable = id; };
in
{
  lib = lib';
  pkgs = pkgs';

  # modules: the workspace's modules; args: specialArgs (as Terranix's
  # extraArgs). Returns { json, warnings, files } like ../terranix.nix.
  eval = { modules, args ? { }, withNulls ? false }:
    let
      evaluated = lib'.evalModules {
        modules = [ options.declarations options.shorthands { _module.args.pkgs = pkgs'; } ] ++ modules;
        specialArgs = args;
      };
      s = sanitize withNulls (b.removeAttrs evaluated.config [ "_meta" ]);
      json = b.foldl' (acc: key: let v = blocks.${key} s.${key}; in if v == { } || v == null then acc else acc // { ${key} = v; })
        { } (b.attrNames blocks);
    in
    {
      inherit json;
      warnings = [ ];
      # The files that define a rendered block (merged for the JSON anyway;
      # the others' definitions would cost a merge each).
      files = lib'.unique (map b.toString (b.filter b.isPath modules)
        ++ b.filter (f: f != ownFile) (b.concatMap (key: evaluated.options.${key}.files) (b.attrNames blocks)));
    };
}
