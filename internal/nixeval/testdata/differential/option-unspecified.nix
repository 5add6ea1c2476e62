# Options without a type merge as nixpkgs' mergeDefaultOption: lists, attrs (shallow), strings concatenated.
{ config, lib, ... }:
{
  imports = [
    { firewall.ports = [ 22 ]; firewall.labels = { a = { x = 1; }; }; firewall.prefix = "web"; }
    { firewall.ports = [ 443 ]; firewall.labels = { a = { y = 2; }; b = { }; }; firewall.prefix = "-prod"; }
  ];
  options.firewall = {
    ports = lib.mkOption { default = [ ]; };
    labels = lib.mkOption { default = { }; };
    prefix = lib.mkOption { };
  };
  config.resource.hcloud_firewall.fw = {
    name = config.firewall.prefix;
    labels = config.firewall.labels;
    rule = map (p: { direction = "in"; protocol = "tcp"; port = toString p; }) config.firewall.ports;
  };
}
