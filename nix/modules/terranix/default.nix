# The NixOS side of clan-terranix (the plan's modules/terranix/default.nix).
#
# A machine that sets `clan.terranix.enable = true` gets a workspace of its own: clan-terranix
# provisions `infrastructure` (default: machines/<name>/infrastructure.nix) after the
# workspaces in `dependsOn`, before NixOS is installed on it. The options are read by
# clan-terranix when it evaluates the clan; nothing here runs at activation time.
#
# After every apply, clan-terranix writes the machine's non-sensitive Terraform outputs to
# machines/<name>/terraform-outputs.json (committed). This module reads that file into the
# read-only `clan.terranix.outputs`, so the NixOS configuration can use what the cloud
# allocated, e.g. `networking.interfaces.eth0.ipv6.addresses = [ { address =
# config.clan.terranix.outputs.ipv6_address; prefixLength = 64; } ]`.
#
# Builtins and nixpkgs' lib only, so it evaluates without nixpkgs' packages (see
# nix/modules/modules_test.go and clan_test.go, which run it inside clan-core's code).
{
  config,
  lib,
  options,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.clan.terranix;

  # clan-core declares `clan.core.settings` as ONE submodule-typed option and sets it for
  # every machine it builds (nixosModules/machineModules/forName.nix: directory and
  # machine.name together), so its sub-options are not in `options`: ask the option itself.
  # In a plain NixOS configuration it is absent: then set outputsFile yourself.
  clanSettings =
    if options ? clan.core.settings && options.clan.core.settings.isDefined then
      config.clan.core.settings
    else
      null;
  clanOutputsFile =
    if clanSettings == null then
      null
    else
      "${toString clanSettings.directory}/machines/${clanSettings.machine.name}/terraform-outputs.json";

  # inventory.json and the Clan UI can only hold strings: a relative one names a file in
  # the clan, as the CLI reads it (nix/lib/clan.nix resolves it against the clan root).
  resolveInfrastructure =
    v:
    if builtins.isString v && !lib.hasPrefix "/" v && clanSettings != null then
      "${toString clanSettings.directory}/${v}"
    else
      v;

  # A missing file means "never applied": outputs are empty, not an error, so a
  # machine evaluates before its first apply.
  readOutputs =
    file:
    if file != null && builtins.pathExists file then
      builtins.fromJSON (builtins.readFile file)
    else
      { };
in
{
  options.clan.terranix = {
    enable = lib.mkEnableOption "infrastructure for this machine, provisioned by clan-terranix before NixOS is deployed";

    infrastructure = mkOption {
      type = types.nullOr (types.either types.path types.str);
      default = null;
      apply = resolveInfrastructure;
      example = "machines/web/infra.nix";
      description = ''
        The Terranix module of this machine's workspace: a path, or a string relative to
        the clan directory (what inventory.json can hold). null means the layout's
        machines/<name>/infrastructure.nix.
      '';
    };

    dependsOn = mkOption {
      type = types.listOf types.str;
      default = [ ];
      # The Clan service and the machine's configuration.nix may both name a workspace.
      apply = lib.unique;
      example = [ "shared" ];
      description = ''
        Workspaces applied before this machine's: "shared" or other machines' names.
        References to `data.terraform_remote_state.<workspace>` are found on their own;
        list here what the configuration does not reference.
      '';
    };

    outputsFile = mkOption {
      type = types.nullOr types.path;
      default = clanOutputsFile;
      defaultText = lib.literalExpression ''config.clan.core.settings.directory + "/machines/''${config.clan.core.settings.machine.name}/terraform-outputs.json"'';
      description = ''
        The JSON file clan-terranix writes this machine's non-sensitive outputs to.
        In a Clan it is found on its own; outside one, point it at the file.
      '';
    };

    outputs = mkOption {
      type = types.attrsOf types.anything;
      readOnly = true;
      default = readOutputs cfg.outputsFile;
      defaultText = lib.literalExpression "builtins.fromJSON (builtins.readFile config.clan.terranix.outputsFile)";
      description = ''
        The machine workspace's non-sensitive Terraform outputs after its last apply
        (empty before the first). Sensitive outputs are never written to the file.
      '';
    };
  };
}
