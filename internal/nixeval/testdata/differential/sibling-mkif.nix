# A condition reading a sibling under the key it writes (terranix-hcloud, terranix-proxmox).
{ config, lib, ... }:
{
  options.hcloud.server = {
    count = lib.mkOption { type = lib.types.int; default = 1; };
    backups = lib.mkOption { type = lib.types.bool; default = false; };
    serverType = lib.mkOption { type = lib.types.str; default = "cx22"; };
  };
  config.hcloud.server.backups = lib.mkIf (config.hcloud.server.count > 1) true;
  config.hcloud.server.serverType = lib.mkIf (config.hcloud.server.backups) "cx32";
  config.hcloud.server.count = 2;
  config.resource.hcloud_server.web = {
    inherit (config.hcloud.server) count backups;
    server_type = config.hcloud.server.serverType;
  };
}
