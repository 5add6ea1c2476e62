# Flake mode: the `clanTerranix` output of a clan's flake, evaluated by
# `nix eval --json <clan>#clanTerranix --apply 'f: f { withNulls = false; }'`.
# In the clan's flake.nix:
#   clanTerranix = import "${clan-terranix}/nix/lib/flake-output.nix" {
#     inherit self; lib = nixpkgs.lib; nixosConfigurations = self.nixosConfigurations;
#   };
# With nixpkgs' lib, `lib` is nixpkgs' own; with nixosConfigurations,
# `nixosConfig` is the machine's NixOS configuration.
{ self, lib ? null, nixosConfigurations ? { } }:
{ withNulls ? false }:
let layout = import ./layout.nix self; in
import ./clan.nix { inherit layout withNulls nixosConfigurations; nixpkgsLib = lib; }
// { inherit (layout) root; }
