{ config, lib, ... }:
let
  zone = "example.org";
  records = { www = "web01"; git = "web01"; matrix = "web02"; };
in
{
  data.cloudflare_zone.main.name = zone;
  resource.cloudflare_record = lib.mapAttrs' (name: server: lib.nameValuePair "${name}_a" {
    zone_id = config.data.cloudflare_zone.main "id";
    inherit name;
    type = "A";
    content = config.resource.hcloud_server.${server} "ipv4_address";
    proxied = false;
  }) records;
}
