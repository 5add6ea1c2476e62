# types.lines joins definitions with newlines (no conflict).
{ config, lib, ... }:
{
  imports = [
    { userData = "#cloud-config"; }
    { userData = lib.mkAfter "runcmd: [ [ touch, /ready ] ]"; }
  ];
  options.userData = lib.mkOption { type = lib.types.lines; default = ""; };
  config.userData = "packages: [ git ]";
  config.resource.hcloud_server.web = { name = "web"; user_data = config.userData; };
}
