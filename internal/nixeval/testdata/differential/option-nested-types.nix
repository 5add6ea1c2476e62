# listOf, attrsOf, nullOr, enum and ints with mkIf inside.
{ config, lib, ... }:
let t = lib.types; in
{
  options.net = {
    cidrs = lib.mkOption { type = t.listOf t.str; default = [ ]; };
    zones = lib.mkOption { type = t.attrsOf t.int; default = { }; };
    gateway = lib.mkOption { type = t.nullOr t.str; default = null; };
    mode = lib.mkOption { type = t.enum [ "routed" "bridged" ]; default = "routed"; };
    mtu = lib.mkOption { type = t.ints.between 576 9000; default = 1500; };
  };
  config.net = {
    cidrs = [ "10.0.0.0/16" (lib.mkIf false "10.1.0.0/16") ];
    zones = { a = 1; b = lib.mkIf (config.net.mode == "routed") 2; c = lib.mkIf false 3; };
    mtu = 1400;
  };
  config.resource.hcloud_network.net = {
    name = "net";
    ip_range = builtins.head config.net.cidrs;
    labels = lib.mapAttrs (_: toString) config.net.zones;
    gateway = config.net.gateway;
    mtu = config.net.mtu;
  };
}
