# A local stand-in for the clan-core flake: its lib.clan is built from the
# unmodified upstream snapshot as the upstream README shows, without
# clan-core's own flake inputs (unreachable offline). Only what needs nixpkgs
# itself is stubbed: nixosSystem (legacyPackages) and nix-darwin, which
# evaluating a clan's inventory never touches. flakeModules.default is
# clan-core's flake-parts module (`clan = { ... }` in a flake-parts flake).
# @nixpkgs@, @flake-parts@ and @clan-core-src@ are filled in by
# testenv.ClanFlakeInputs and bench/inventory/run.
{
  inputs.nixpkgs.url = "@nixpkgs@";
  inputs.flake-parts.url = "@flake-parts@";
  inputs.flake-parts.inputs.nixpkgs-lib.follows = "nixpkgs";
  inputs.src = { url = "@clan-core-src@"; flake = false; };
  outputs = { nixpkgs, flake-parts, src, ... }:
    let
      lib = nixpkgs.lib;
      clanCore = {
        lib = clanLib;
        clanLib = clanLib;
        modules.clan.default = lib.modules.importApply (src + "/modules/clan/default.nix") { clan-core = clanCore; };
        clan.modules = { };
        nixosModules = { };
        inputs.nixpkgs = { inherit lib; legacyPackages = throw "stand-in clan-core: no nixpkgs here"; };
        inputs.nix-darwin = { lib.darwinSystem = throw "stand-in clan-core: no nix-darwin here"; };
      };
      clanLib = lib.fix (lib.extends (final: _: {
        clan = import (src + "/lib/clan") { inherit lib; clan-core = clanCore; };
      }) (import (src + "/lib") { inherit lib; }).__unfix__);
    in
    {
      lib = clanLib;
      flakeModules.default = import (src + "/flakeModules/clan.nix") {
        inherit clanLib;
        coreInputs = clanCore.inputs;
        coreModules = clanCore.modules;
        flake-parts-lib = flake-parts.lib;
      };
    };
}
