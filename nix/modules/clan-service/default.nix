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
  manifest.readme = builtins.readFile ./README.md;

  # Machines that get a workspace of their own. The install settings below are read by
  # `clan-terranix install/deploy` (internal/deploy); null means "not passed".
  roles.machine = {
    description = "Gets a Terranix workspace of its own (machines/<name>/infrastructure.nix), provisioned by clan-terranix before NixOS is installed on it; its NixOS configuration reads the workspace's outputs from clan.terranix.outputs.";
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
        sshKeyOutput = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "ssh_private_key";
          description = "Sensitive output with an OpenSSH private key the workspace made: install logs in with it, then passes it as -i (instead of identityFile).";
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

  # The machine that runs provisioning: it gets the CLI and the engine, and a timer that
  # checks the real infrastructure against the clan (`clan-terranix drift`) in a checkout
  # it keeps up to date, and reports the result where monitoring can read it.
  roles.infra-manager = {
    description = "Runs provisioning: has clan-terranix and OpenTofu/Terraform, and checks on a timer whether the real infrastructure drifted from the clan. Its settings are the clan-wide settings of clan-terranix.";
    interface = {
      # The clan-wide settings the CLI reads (engine, credentials, encryption, lock, ...)
      # are free-form here: their checks live in the CLI, next to the code using them.
      # clanDirectory and driftCheck are this module's; the CLI ignores them.
      freeformType = types.attrsOf types.anything;
      options = {
        clanDirectory = mkOption {
          type = types.str;
          default = "/var/lib/clan-terranix/clan";
          description = "Checkout of the clan repository on this machine; the drift check runs there. Writable by the clan-terranix user (its state directory /var/lib/clan-terranix by default).";
        };
        driftCheck = {
          enable = mkOption {
            type = types.bool;
            default = true;
            description = "Run `clan-terranix drift --all` on a timer; exit 2 (drift) is reported as drift, not as a failed unit.";
          };
          onCalendar = mkOption {
            type = types.str;
            default = "daily";
            description = "systemd OnCalendar of the drift check.";
          };
          remote = mkOption {
            type = types.nullOr types.str;
            default = null;
            example = "git@git.example.org:infra/clan.git";
            description = ''
              Git remote of the clan. When set, each run clones it into clanDirectory or
              fetches `branch` and resets the checkout to it, so the check sees what was
              pushed. null: clanDirectory is kept up to date by someone else.
            '';
          };
          branch = mkOption {
            type = types.str;
            default = "main";
            description = "Branch of `remote` the drift check runs on.";
          };
          sshKeyFile = mkOption {
            type = types.nullOr types.str;
            default = null;
            example = "/run/secrets/clan-terranix-deploy-key";
            description = ''
              SSH key (e.g. a read-only deploy key) for fetching `remote`, readable by the
              clan-terranix user. It cannot be created unattended: deploy it as a secret
              (clan vars or sops) and name its path here. Host keys are accepted on first
              use (StrictHostKeyChecking=accept-new).
            '';
          };
          sopsAgeKeyFile = mkOption {
            type = types.nullOr types.str;
            default = null;
            example = "/run/secrets/clan-terranix-age-key";
            description = ''
              age key that decrypts the clan's sops secrets (SOPS_AGE_KEY_FILE), for
              credentials or a state passphrase whose command runs sops. No key can be
              made up unattended: deploy it as a secret and name its path here.
            '';
          };
          environmentFile = mkOption {
            type = types.nullOr types.str;
            default = null;
            example = "/run/secrets/clan-terranix-cloud.env";
            description = ''
              systemd EnvironmentFile with the providers' credentials (e.g.
              AWS_ACCESS_KEY_ID=...) for the drift check, readable by root.
            '';
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
            drift = import ./drift.nix { inherit lib settings; };
          in
          {
            environment.systemPackages = [
              clanTerranix
              engine
            ];

            users.users.clan-terranix = lib.mkIf settings.driftCheck.enable {
              isSystemUser = true;
              group = "clan-terranix";
              home = drift.stateDirectory;
            };
            users.groups.clan-terranix = lib.mkIf settings.driftCheck.enable { };

            systemd.services.clan-terranix-drift = lib.mkIf settings.driftCheck.enable {
              description = "clan-terranix drift check (clan-terranix drift --all)";
              # What credentials commands may need: git and ssh for the checkout and the
              # state, sops and age for the clan's secrets, Nix for the evaluation.
              path = [
                clanTerranix
                engine
                pkgs.git
                pkgs.openssh
                pkgs.sops
                pkgs.age
                pkgs.nix
                pkgs.coreutils
              ];
              environment = drift.environment;
              serviceConfig = {
                Type = "oneshot";
                User = "clan-terranix";
                Group = "clan-terranix";
                StateDirectory = "clan-terranix";
                NoNewPrivileges = true;
                PrivateTmp = true;
                # Exit 2 is drift: a finding, not a failure of the unit. The result is in
                # the journal (CLAN_TERRANIX_DRIFT=...) and in drift.statusFile.
                SuccessExitStatus = [ 2 ];
              }
              // lib.optionalAttrs (settings.driftCheck.environmentFile != null) {
                EnvironmentFile = settings.driftCheck.environmentFile;
              };
              script = drift.script;
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
