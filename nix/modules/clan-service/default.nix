# The terranix Clan service (`clan.modules.terranix` of the clan-terranix flake).
#
#   inventory.instances.terranix = {
#     module = { name = "terranix"; input = "clan-terranix"; };
#     roles.machine.tags.aws-infra = { };                # machines that get infrastructure
#     roles.machine.settings.dependsOn = [ "shared" ];
#     roles.machine.machines.db.settings.targetHostOutput = "private_ip";
#     roles.infra-manager.machines.admin = { };          # the machine that runs provisioning
#     roles.infra-manager.settings.engine = "tofu";      # clan-wide settings live here
#   };
#
# The clan-terranix CLI reads the same settings from the inventory when it evaluates the
# clan; this module is what the machines themselves get.
{
  # The NixOS module with the clan.terranix options.
  nixosModule ? ../terranix,
  # The flake's packages.<system>; the package is built from source when absent.
  packages ? { },
}:
{ lib, ... }:
let
  inherit (lib) mkOption types;
  enumOrNull = values: types.nullOr (types.enum values);
in
{
  _class = "clan.service";
  manifest.name = "terranix";
  manifest.description = "Infrastructure described with Terranix next to the machines, provisioned with OpenTofu before NixOS is deployed";
  manifest.categories = [ "System" ];

  # Machines that get a workspace of their own. The install settings below are read by
  # `clan-terranix install/deploy` (internal/deploy); null means "not passed".
  roles.machine = {
    interface = {
      options = {
        infrastructure = mkOption {
          type = types.nullOr (types.either types.path types.str);
          default = null;
          description = "The machine's Terranix module; null: machines/<name>/infrastructure.nix.";
        };
        dependsOn = mkOption {
          type = types.listOf types.str;
          default = [ ];
          example = [ "shared" ];
          description = "Workspaces applied before this machine's.";
        };
        tags = mkOption {
          type = types.listOf types.str;
          default = [ ];
          example = [ "aws-infra" ];
          description = "Extra tags whose inventory/tags/<tag>.nix modules join this machine's workspace.";
        };
        targetHostOutput = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Output holding the SSH address; null: target_host, else ipv4_address, else ipv6_address.";
        };
        targetUser = mkOption {
          type = types.str;
          default = "root";
          description = "User of --target-host.";
        };
        instanceIdOutput = mkOption {
          type = types.str;
          default = "instance_id";
          description = "Output whose change means the instance was replaced (then install needs --reinstall).";
        };
        sshPort = mkOption {
          type = types.port;
          default = 22;
          description = "SSH port of the fresh machine.";
        };
        sshTimeout = mkOption {
          type = types.nullOr (types.either types.int types.str);
          default = null;
          example = "5m";
          description = "How long install waits for SSH (seconds or a duration such as \"5m\"); null: 10 minutes.";
        };
        identityFile = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "SSH key for the install (clan machines install -i).";
        };
        updateHardwareConfig = mkOption {
          type = enumOrNull [ "nixos-facter" "nixos-generate-config" "none" ];
          default = null;
          description = "clan machines install --update-hardware-config.";
        };
        phases = mkOption {
          type = types.listOf (types.enum [ "kexec" "disko" "install" "reboot" ]);
          default = [ ];
          description = "clan machines install --phases; empty: all.";
        };
        hostKeyCheck = mkOption {
          type = enumOrNull [ "strict" "ask" "accept-new" "tofu" "none" ];
          default = null;
          description = "clan machines install --host-key-check.";
        };
        buildOn = mkOption {
          type = enumOrNull [ "auto" "local" "remote" ];
          default = null;
          description = "clan machines install --build-on.";
        };
        installer = mkOption {
          type = types.enum [ "clan" "nixos-anywhere" ];
          default = "clan";
          description = "Install with the Clan CLI, or with nixos-anywhere directly (no Clan vars generation).";
        };
      };
    };

    perInstance =
      { settings, ... }:
      {
        nixosModule = {
          imports = [ nixosModule ];
          clan.terranix = {
            enable = lib.mkDefault true;
            inherit (settings) dependsOn;
          }
          // lib.optionalAttrs (settings.infrastructure != null) {
            infrastructure = settings.infrastructure;
          };
        };
      };
  };

  # The machine that runs provisioning: it gets the CLI and OpenTofu, and a timer that
  # checks the real infrastructure against the clan (drift) and logs the result.
  roles.infra-manager = {
    interface = {
      # The clan-wide settings the CLI reads (engine, credentials, encryption, lock, ...)
      # are free-form here: their checks live in the CLI, next to the code using them.
      freeformType = types.attrsOf types.anything;
      options = {
        clanDirectory = mkOption {
          type = types.str;
          default = "/var/lib/clan-terranix/clan";
          description = "Checkout of the clan repository on this machine; the drift check runs there.";
        };
        driftCheck = {
          enable = mkOption {
            type = types.bool;
            default = true;
            description = "Run `clan-terranix plan --all --refresh` on a timer and log whether reality drifted.";
          };
          onCalendar = mkOption {
            type = types.str;
            default = "daily";
            description = "systemd OnCalendar of the drift check.";
          };
        };
      };
    };

    perInstance =
      { settings, ... }:
      {
        nixosModule =
          { pkgs, ... }:
          let
            system = pkgs.stdenv.hostPlatform.system;
            clanTerranix = packages.${system}.default or (pkgs.callPackage ../../packages/clan-terranix { });
            engine = if (settings.engine or "tofu") == "terraform" then pkgs.terraform else pkgs.opentofu;
            dir = lib.escapeShellArg settings.clanDirectory;
          in
          {
            environment.systemPackages = [
              clanTerranix
              engine
            ];

            systemd.services.clan-terranix-drift = lib.mkIf settings.driftCheck.enable {
              description = "clan-terranix drift check (plan --all --refresh)";
              path = [
                clanTerranix
                engine
                pkgs.git
                pkgs.nix
              ];
              serviceConfig = {
                Type = "oneshot";
                WorkingDirectory = settings.clanDirectory;
              };
              # Exit 2 (drift) leaves the unit failed on purpose, so `systemctl --failed`
              # and monitoring see it; the journal holds the plan.
              script = ''
                set +e
                clan-terranix --clan ${dir} plan --all --refresh --no-color
                rc=$?
                case $rc in
                  0) echo "clan-terranix drift check: no drift" ;;
                  2) echo "clan-terranix drift check: DRIFT - the infrastructure differs from the clan (plan above)" ;;
                  *) echo "clan-terranix drift check: failed with exit code $rc" ;;
                esac
                exit $rc
              '';
            };

            systemd.timers.clan-terranix-drift = lib.mkIf settings.driftCheck.enable {
              wantedBy = [ "timers.target" ];
              timerConfig = {
                OnCalendar = settings.driftCheck.onCalendar;
                Persistent = true;
                RandomizedDelaySec = "15m";
              };
            };
          };
      };
  };
}
