# Options inside a submodule, with a default computed from `name`.
{ config, lib, ... }:
let inherit (lib) mkOption types mapAttrs; in
{
  options.dns.records = mkOption {
    type = types.attrsOf (types.submodule ({ name, ... }: {
      options.label = mkOption { type = types.str; default = name; };
      options.ttl = mkOption { type = types.int; default = 300; };
      options.value = mkOption { type = types.str; };
    }));
    default = { };
  };
  config = {
    dns.records.www.value = "192.0.2.1";
    dns.records.api = { value = "192.0.2.2"; ttl = 60; };
    resource.cloudflare_record = mapAttrs (_: r: { name = r.label; inherit (r) ttl value; type = "A"; zone_id = "z"; }) config.dns.records;
  };
}
