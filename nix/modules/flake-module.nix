# flake-parts module (`flakeModules.default` of the clan-terranix flake), for a clan built
# with flake-parts and clan-core's flake module:
#
#   imports = [ inputs.clan-core.flakeModules.default inputs.clan-terranix.flakeModules.default ];
#   clan = { imports = [ ./clan.nix ]; };
#
# It gives the clan the `clanTerranix` output that `clan-terranix --flake` evaluates
# (nix/lib/flake-output.nix), from the flake's own nixosConfigurations, so nobody writes it
# by hand; `terranixModules`, reusable Terranix modules others can import; and per system
# `apps.clan-terranix` (`nix run .#clan-terranix`), the CLI the clan's lock file pins.
# Names do not meet Terranix's own flake module (`perSystem.terranix.*`): both can be
# imported (nix/modules/clan_test.go evaluates them together with flake-parts' mkFlake).
{
  # The clan-terranix flake's lib and packages; the module works from a checkout without them.
  clanTerranixLib ? import ../lib,
  packages ? { },
}:
{
  lib,
  config,
  self,
  flake-parts-lib,
  ...
}:
let
  inherit (lib) mkOption types;
  flakeOutput = clanTerranixLib.clanTerranix;
  # Only what flake-output.nix takes: `clan` (the evaluated clan of clan-core's flake
  # module) is passed when it asks for it.
  flakeOutputArgs = builtins.intersectAttrs (builtins.functionArgs flakeOutput) {
    inherit self lib;
    nixosConfigurations = config.flake.nixosConfigurations or { };
    clan = config.flake.clan or null;
  };
in
{
  _class = "flake";
  _file = __curPos.file;

  options.flake.terranixModules = mkOption {
    type = types.lazyAttrsOf types.deferredModule;
    default = { };
    description = "Reusable Terranix modules, exported as the flake output terranixModules.";
  };

  options.flake.clanTerranix = mkOption {
    type = types.raw;
    description = ''
      What `clan-terranix --flake` evaluates (`nix eval <clan>#clanTerranix`): the clan's
      workspaces with nixpkgs' lib and each machine's NixOS configuration. Set from the
      flake's nixosConfigurations; override only to change its arguments.
    '';
  };

  options.perSystem = flake-parts-lib.mkPerSystemOption (
    { config, pkgs, system, ... }:
    {
      options.clan-terranix.package = mkOption {
        type = types.package;
        default = packages.${system}.default or (pkgs.callPackage ../packages/clan-terranix { });
        defaultText = lib.literalExpression "clan-terranix.packages.\${system}.default";
        description = "The clan-terranix CLI of `apps.clan-terranix`.";
      };
      config.apps.clan-terranix = {
        program = "${config.clan-terranix.package}/bin/clan-terranix";
        meta.description = "clan-terranix: provision the clan's Terranix infrastructure";
      };
    }
  );

  config.flake.clanTerranix = lib.mkDefault (flakeOutput flakeOutputArgs);
}
