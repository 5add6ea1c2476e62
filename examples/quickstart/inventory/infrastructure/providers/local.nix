# Providers that run offline. In a real clan this file would be aws.nix or hetzner.nix.
{
  terraform.required_providers = {
    random.source = "hashicorp/random";
    tls.source = "hashicorp/tls";
    local.source = "hashicorp/local";
  };
}
