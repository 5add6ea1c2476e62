# In the style of clan-infra's terraform/: DNS and servers across files, variables, lib.tfRef, local-exec with getExe.
{ config, lib, ... }:
{
  imports = [ ./_parts/dns.nix ./_parts/servers.nix ];
  terraform.required_providers = {
    hcloud.source = "hetznercloud/hcloud";
    cloudflare.source = "cloudflare/cloudflare";
  };
  variable.hcloud_token.sensitive = true;
  provider.hcloud.token = lib.tfRef "var.hcloud_token";
  output.server_ips.value = lib.mapAttrs (n: _: config.resource.hcloud_server.${n} "ipv4_address") config.resource.hcloud_server;
}
