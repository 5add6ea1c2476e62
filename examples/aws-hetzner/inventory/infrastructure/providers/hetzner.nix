# The Hetzner Cloud provider. HCLOUD_TOKEN comes from the environment, which
# clan-terranix fills from `clan secrets get hcloud-token` (inventory/services/terranix.nix):
# never write the token here, this file ends up in git and in the Nix store.
{
  terraform.required_providers.hcloud = {
    source = "hetznercloud/hcloud";
    version = "~> 1.45";
  };
  provider.hcloud = { };
}
