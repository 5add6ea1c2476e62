{ config, lib, ... }:
let
  cfg = config.hcloud;
  inherit (lib) mkOption mkEnableOption mkIf types mapAttrs';
in
{
  options.hcloud = {
    enable = mkEnableOption "hcloud";
    provider.token = mkOption { type = types.str; default = "\${var.hcloud_token}"; };
    server = mkOption {
      default = { };
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          name = mkOption { type = types.str; default = name; };
          serverType = mkOption { type = types.str; default = "cx22"; };
          image = mkOption { type = types.str; default = "debian-12"; };
          count = mkOption { type = types.int; default = 1; };
        };
      }));
    };
  };
  config = mkIf cfg.enable {
    variable.hcloud_token.sensitive = true;
    provider.hcloud.token = cfg.provider.token;
    resource.hcloud_server = mapAttrs' (n: s: lib.nameValuePair n {
      inherit (s) name image count;
      server_type = s.serverType;
    }) cfg.server;
  };
}
