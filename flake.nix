{
  description = "clan-terranix: describe a Clan's cloud infrastructure in Terranix next to its machines, provision it with OpenTofu";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  # Only packages, apps, checks and devShells use nixpkgs. lib, nixosModules, clan.modules,
  # flakeModules and templates are builtins-only, so they evaluate without fetching it
  # (proved offline in nix/modules/modules_test.go with nixpkgs overridden by a stub).
  outputs =
    { self, nixpkgs, ... }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
      forAllSystems =
        f:
        builtins.listToAttrs (
          map (system: {
            name = system;
            value = f system nixpkgs.legacyPackages.${system};
          }) systems
        );
      version = "0.1.0-${self.shortRev or self.dirtyShortRev or "dev"}";
    in
    {
      # The builtins-only evaluator of the clan's Terranix workspaces.
      lib = import ./nix/lib;

      nixosModules.terranix = ./nix/modules/terranix;
      nixosModules.default = self.nixosModules.terranix;

      # `inventory.instances.<i>.module = { name = "terranix"; input = "clan-terranix"; }`
      clan.modules.terranix = import ./nix/modules/clan-service {
        nixosModule = self.nixosModules.terranix;
        packages = self.packages;
      };

      # flake-parts: the clan's clanTerranix output, terranixModules, apps.clan-terranix.
      flakeModules.default = import ./nix/modules/flake-module.nix {
        clanTerranixLib = self.lib;
        packages = self.packages;
      };

      templates.default = {
        path = ./examples/quickstart;
        description = "A Clan with shared and per-machine infrastructure that provisions offline and installs with clan machines install";
      };

      packages = forAllSystems (
        system: pkgs: rec {
          clan-terranix = pkgs.callPackage ./nix/packages/clan-terranix { inherit version; };
          default = clan-terranix;
        }
      );

      apps = forAllSystems (
        system: pkgs: {
          default = {
            type = "app";
            program = "${self.packages.${system}.default}/bin/clan-terranix";
            meta.description = "clan-terranix";
          };
        }
      );

      checks = forAllSystems (
        system: pkgs: {
          package = self.packages.${system}.default;
        }
      );

      devShells = forAllSystems (
        system: pkgs: {
          default = pkgs.mkShell {
            inputsFrom = [ self.packages.${system}.default ];
            packages = [
              pkgs.opentofu
              pkgs.nix
              pkgs.git
            ];
          };
        }
      );
    };
}
