# A clan built with flake-parts, clan-core's flake module and ours: `clan =
# { ... }` is where the user writes it, and our module gives the flake the
# clanTerranix output, which reads the clan.
{
  inputs.clan-core.url = "@clan-core@";
  inputs.nixpkgs.url = "@nixpkgs@";
  inputs.flake-parts.url = "@flake-parts@";
  inputs.flake-parts.inputs.nixpkgs-lib.follows = "nixpkgs";
  inputs.clan-terranix.url = "@clan-terranix@";
  inputs.clan-terranix.inputs.nixpkgs.follows = "nixpkgs";

  outputs = inputs@{ self, flake-parts, clan-core, nixpkgs, clan-terranix, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      systems = [ ];
      imports = [ clan-core.flakeModules.default clan-terranix.flakeModules.default ];
      clan = {
        imports = [ ./clan.nix ];
        inventory.machines.web.deploy.targetHost = "root@web.example.org";
      };
    };
}
