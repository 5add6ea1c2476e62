# freeformType inside a submodule: undeclared keys are kept by nixpkgs.
{ config, lib, ... }:
{
  options.servers = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submodule {
      freeformType = lib.types.attrsOf lib.types.str;
      options.server_type = lib.mkOption { type = lib.types.str; default = "cx22"; };
    });
    default = { };
  };
  config.servers.web = { location = "fsn1"; image = "debian-12"; };
  config.resource.hcloud_server = config.servers;
}
