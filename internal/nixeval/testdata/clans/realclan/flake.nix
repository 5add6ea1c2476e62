# A clan as a Clan user writes it, evaluated by the real clan-core (a local
# stand-in flake built from the upstream snapshot, see testenv.ClanFlakeInputs).
{
  inputs.clan-core.url = "@clan-core@";
  inputs.nixpkgs.url = "@nixpkgs@";
  inputs.clan-terranix.url = "@clan-terranix@";
  inputs.clan-terranix.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, clan-core, nixpkgs, clan-terranix, ... }:
    let
      clan = clan-core.lib.clan {
        inherit self;
        imports = [ ./clan.nix ];
        specialArgs = { inherit clan-terranix; };
      };
    in
    {
      inherit (clan.config) clanInternals;
      clan = clan.config;
      clanTerranix = clan-terranix.lib.clanTerranix { inherit self; lib = nixpkgs.lib; };
    };
}
