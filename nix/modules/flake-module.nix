# flake-parts module (`flakeModules.default` of the clan-terranix flake):
#
#   imports = [ clan-terranix.flakeModules.default ];
#   terranixModules.ec2-with-sg = ./inventory/infrastructure/modules/ec2-with-sg.nix;
#   terranixConfigurations.shared = { ... };
#
# Declares the two flake outputs the plan asks for, so they are typed, merge across
# modules, and show up in `nix flake show`: terranixModules (reusable Terranix modules
# others can import) and terranixConfigurations (named Terranix configurations).
{ lib, config, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    terranixModules = mkOption {
      type = types.lazyAttrsOf types.deferredModule;
      default = { };
      description = "Reusable Terranix modules, exported as the flake output terranixModules.";
    };

    terranixConfigurations = mkOption {
      type = types.lazyAttrsOf types.raw;
      default = { };
      description = ''
        Terranix configurations by name, exported as the flake output terranixConfigurations:
        a module (or list of modules) each, as clan-terranix evaluates one workspace.
      '';
    };
  };

  config.flake = {
    inherit (config) terranixModules terranixConfigurations;
  };
}
