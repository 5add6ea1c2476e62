# Flake mode: the `clanTerranix` output of a clan's flake, evaluated by
# `nix eval --json <clan>#clanTerranix --apply 'f: f { withNulls = false; }'`.
# In the clan's flake.nix:
#   clanTerranix = import "${clan-terranix}/nix/lib/flake-output.nix" {
#     inherit self; lib = nixpkgs.lib; nixosConfigurations = self.nixosConfigurations;
#   };
# With nixpkgs' lib, `lib` is nixpkgs' own; with nixosConfigurations,
# `nixosConfig` is the machine's NixOS configuration. `clan` is the clan as
# clan-core evaluated it (`clan.config` of `clan-core.lib.clan`, the flake's
# `clan` output by default, also with flake-parts): its inventory gives the
# machines, tags, targetHost and service instances.
{ self, lib ? null, nixosConfigurations ? { }, clan ? self.clan or null }:
# With targetHosts = true it is only the write-back's check
# (nixeval.TargetHosts): every machine's targetHost as the clan evaluates
# after inventory.json changed (an error when it no longer does).
{ withNulls ? false, targetHosts ? false }:
let
  src = toString (self.outPath or self);
  # terraform-state/ is committed, so it is in the flake's source: the
  # workspaces are evaluated from a copy without it (and without the work
  # dir), so that no machine's configuration reads another's state. The
  # name keeps the `-source` that nixeval strips from messages.
  confined = builtins.path {
    path = src;
    name = "source";
    filter = p: _: p != "${src}/terraform-state" && p != "${src}/.clan-terranix";
  };
  layout = import ./layout.nix confined;
  clanInventory = if clan == null then null else clan.inventory;
  hosts = builtins.mapAttrs (_: v: v.deploy.targetHost) clanInventory.machines;
in
if targetHosts then (if clanInventory == null then { } else builtins.deepSeq hosts hosts)
else
import ./clan.nix { inherit layout withNulls nixosConfigurations clanInventory; nixpkgsLib = lib; }
// { inherit (layout) root; }
