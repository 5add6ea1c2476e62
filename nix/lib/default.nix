# The flake's `lib` output: the builtins-only evaluator as functions.
let
  terranix = import ./terranix.nix;
in
{
  # Terranix modules -> the config.tf.json attrset (what terranix's
  # terranixConfiguration writes), on nixpkgs' module system when
  # nixpkgsLib is given, else with no nixpkgs needed:
  #   builtins.toJSON (clan-terranix.lib.terranixConfiguration { modules = [ ./infra.nix ]; })
  terranixConfiguration =
    {
      modules,
      extraArgs ? { },
      nixpkgsLib ? null,
      withNulls ? false,
    }:
    let
      lib = import ./lib.nix { inherit nixpkgsLib; builtinsOnly = nixpkgsLib == null; };
    in
    # With nixpkgs' lib: nixpkgs' module system, extraArgs as Terranix passes them.
    if nixpkgsLib != null then
      ((import ./nixpkgs/terranix.nix { lib = nixpkgsLib; }).eval { inherit modules withNulls; args = extraArgs; }).json
    else
    (terranix.eval {
      inherit modules withNulls;
      args = {
        inherit lib;
        pkgs = import ./pkgs.nix { inherit lib; builtinsOnly = nixpkgsLib == null; };
        # Terranix has no `name` argument (extraArgs may give one).
        name = throw "the module argument `name` is only set for a workspace of a clan";
        nixosConfig = throw "nixosConfig is only set for a machine workspace in flake mode";
        machine = throw "machine is only set for a machine workspace of a clan";
        clan = throw "clan is only set when evaluating a clan";
      } // extraArgs;
    }).json;

  # Flake mode: `clanTerranix = clan-terranix.lib.clanTerranix { inherit self; lib = nixpkgs.lib;
  # nixosConfigurations = self.nixosConfigurations; };` in the clan's flake outputs.
  clanTerranix = import ./flake-output.nix;

  # Our `lib` (module markers, common helpers, lib.tf) for use outside evaluation.
  lib = import ./lib.nix { };
}
