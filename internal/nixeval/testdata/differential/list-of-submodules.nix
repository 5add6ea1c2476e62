# listOf submodule.
{ config, lib, ... }:
{
  options.rules = lib.mkOption {
    type = lib.types.listOf (lib.types.submodule { options.port = lib.mkOption { type = lib.types.port; }; options.proto = lib.mkOption { type = lib.types.str; default = "tcp"; }; });
    default = [ ];
  };
  config.rules = [ { port = 22; } { port = 53; proto = "udp"; } ];
  config.resource.hcloud_firewall.fw.rule = map (r: { direction = "in"; protocol = r.proto; port = toString r.port; }) config.rules;
}
