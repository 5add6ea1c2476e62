{
  description = "A Clan whose infrastructure is described with Terranix next to its machines";

  inputs = {
    clan-core.url = "https://git.clan.lol/clan/clan-core/archive/main.tar.gz";
    nixpkgs.follows = "clan-core/nixpkgs";
    clan-terranix.url = "github:clan-terranix/clan-terranix";
  };

  outputs =
    { self, clan-core, clan-terranix, ... }:
    let
      clan = clan-core.lib.clan {
        inherit self;
        imports = [ ./clan.nix ];
        specialArgs = { inherit clan-terranix; };
      };
    in
    {
      inherit (clan.config) nixosConfigurations clanInternals;
      clan = clan.config;
    };
}
