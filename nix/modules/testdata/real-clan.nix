# The project's flake outputs inside the real clan-core (and flake-parts) code, as a Clan
# user's flake runs them: clanLib is built from the unmodified clan-core snapshot the way
# the snapshots' README shows (clan-core's flake inputs cannot be fetched here).
# Stand-ins, only for what needs nixpkgs itself: `nixosSystem` is lib.evalModules with a
# root module that declares the NixOS options clan-core's modules merge (warnings,
# assertions) and takes the rest free-form; `legacyPackages` are fake derivations.
# clan-core's own nixosModules/clanCore contributes its settings and nixos-facter modules
# (the rest of it needs nixpkgs' packages). Used by clan_test.go.
{ upstream, repo }:
let
  lib = import (upstream + "/nixpkgs-lib/lib");
  cc = upstream + "/clan-core";
  systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" "riscv64-linux" ];

  fakeDrv = name: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; };
  stubPkgs = system: lib.genAttrs [ "opentofu" "terraform" "git" "openssh" "sops" "age" "nix" "coreutils" ] fakeDrv // {
    stdenv.hostPlatform.system = system;
    # The flake's package passes its version; a rebuild from source does not.
    callPackage = file: args: fakeDrv "${baseNameOf file}-${args.version or "rebuilt"}";
  };

  nixosStandIn = { lib, ... }: {
    freeformType = lib.types.lazyAttrsOf lib.types.anything;
    options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
    options.assertions = lib.mkOption { type = lib.types.listOf lib.types.attrs; default = [ ]; };
    config._module.args.pkgs = stubPkgs "x86_64-linux";
  };
  nixpkgs = {
    lib = lib // {
      nixosSystem = { modules, specialArgs ? { }, ... }:
        lib.evalModules { class = "nixos"; inherit specialArgs; modules = modules ++ [ nixosStandIn ]; };
    };
    legacyPackages = lib.genAttrs systems stubPkgs;
  };

  clanCore = {
    lib = clanLib;
    inherit clanLib;
    modules.clan.default = lib.modules.importApply (cc + "/modules/clan/default.nix") { clan-core = clanCore; };
    clan.modules = { };
    nixosModules.clanCore = {
      imports = [ (cc + "/nixosModules/clanCore/settings.nix") (cc + "/nixosModules/clanCore/nixos-facter.nix") ];
    };
    inputs = { inherit nixpkgs; nix-darwin.lib.darwinSystem = throw "no nix-darwin here"; };
  };
  clanLib = lib.fix (lib.extends (final: _: {
    clan = import (cc + "/lib/clan") { inherit lib; clan-core = clanCore; };
  }) (import (cc + "/lib") { inherit lib; }).__unfix__);

  # The project's flake outputs, evaluated from its flake.nix with the stand-in nixpkgs.
  project = (import (repo + "/flake.nix")).outputs { self = project // { outPath = repo; }; inherit nixpkgs; };

  flake-parts = ((import (upstream + "/flake-parts/flake.nix")).outputs { nixpkgs-lib = { inherit lib; }; }).lib;
  clanFlakeModule = import (cc + "/flakeModules/clan.nix") {
    flake-parts-lib = flake-parts;
    coreModules = clanCore.modules;
    coreInputs = clanCore.inputs;
    inherit clanLib;
  };
  terranixFlakeModule = import (upstream + "/terranix/flake-module.nix") {
    terranix = throw "Terranix's lib is only needed to build a configuration";
  };

  # A clan's own flake.nix (the template's), its inputs these: clan-core's lib.clan, the
  # project, the stand-in nixpkgs. Or with flake-parts and clan-core's, clan-terranix's and
  # Terranix's flake modules together.
  inputsOf = self: { inherit self nixpkgs; clan-terranix = project; clan-core = clanCore; };
  clanOf = dir:
    let
      flake = import (/. + dir + "/flake.nix");
      self = { outPath = dir; inputs = inputsOf self; } // outputs;
      outputs = flake.outputs (inputsOf self);
    in
    outputs;
  flakePartsOf = dir:
    let
      inputs = inputsOf self;
      self = { outPath = dir; inherit inputs; } // outputs;
      outputs = flake-parts.mkFlake { inherit inputs; moduleLocation = "${dir}/flake.nix"; } {
        systems = [ "x86_64-linux" ];
        imports = [ clanFlakeModule project.flakeModules.default terranixFlakeModule ];
        clan = { imports = [ (/. + dir + "/clan.nix") ]; specialArgs = { clan-terranix = project; }; };
        perSystem.terranix.terranixConfigurations.standalone.modules = [ { resource.null_resource.x = { }; } ];
      };
    in
    outputs;
in
{ inherit lib project clanOf flakePartsOf; }
