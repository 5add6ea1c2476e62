{
  terraform.required_providers.hcloud = {
    source = "hetznercloud/hcloud";
    version = "~> 1.45";
  };
  # HCLOUD_TOKEN comes from the environment.
  provider.hcloud = { };
}
