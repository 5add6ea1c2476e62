# Reference functors of resource, data and ephemeral blocks.
{ config, lib, ... }:
{
  resource.hcloud_server.web = { name = "web"; server_type = "cx22"; image = "debian-12"; };
  data.hcloud_image.debian = { name = "debian-12"; };
  resource.hcloud_rdns.web = {
    server_id = config.resource.hcloud_server.web "id";
    ip_address = config.resource.hcloud_server.web "ipv4_address";
    dns_ptr = "web.example.com";
  };
  output.image.value = config.data.hcloud_image.debian "id";
  output.ref.value = lib.tfRef "hcloud_server.web.id";
}
