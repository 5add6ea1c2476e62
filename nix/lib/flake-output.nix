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
# With checkTargetHost = "<machine>" it is only the write-back's check
# (nixeval.CheckTargetHost): every machine's targetHost still merges after
# inventory.json changed, and the value is that machine's.
{ withNulls ? false, checkTargetHost ? null }:
let
  layout = import ./layout.nix self;
  clanInventory = if clan == null then null else clan.inventory;
  targetHosts = builtins.mapAttrs (_: v: v.deploy.targetHost) clanInventory.machines;
in
if checkTargetHost != null then
  (if clanInventory == null then null else builtins.deepSeq targetHosts (targetHosts.${checkTargetHost} or null))
else
import ./clan.nix { inherit layout withNulls nixosConfigurations clanInventory; nixpkgsLib = lib; }
// { inherit (layout) root; }
