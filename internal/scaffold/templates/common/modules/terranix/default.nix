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
# Builtins and the option functions of `lib` only, so the option declarations evaluate
# without nixpkgs (see nix/modules/modules_test.go).
{
  config,
  lib,
  options,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.clan.terranix;

  # Clan defines these two options for every machine it builds. In a plain NixOS
  # configuration they are absent: then set outputsFile yourself.
  defined = path: lib.hasAttrByPath path options && (lib.getAttrFromPath path options).isDefined;
  clanOutputsFile =
    if defined [ "clan" "core" "settings" "directory" ] && defined [ "clan" "core" "settings" "machine" "name" ] then
      config.clan.core.settings.directory
      + "/machines/${config.clan.core.settings.machine.name}/terraform-outputs.json"
    else
      null;

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
      type = types.nullOr types.path;
      default = null;
      example = lib.literalExpression "./infrastructure.nix";
      description = ''
        The Terranix module of this machine's workspace. null means the layout's
        machines/<name>/infrastructure.nix.
      '';
    };

    dependsOn = mkOption {
      type = types.listOf types.str;
      default = [ ];
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
