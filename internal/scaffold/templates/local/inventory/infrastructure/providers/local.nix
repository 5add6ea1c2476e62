# Providers that run offline, standing in for a cloud: in a real clan this file would be
# aws.nix or hetzner.nix (clan-terranix init --provider aws|hetzner).
{
  terraform.required_providers = {
    random.source = "hashicorp/random";
    tls.source = "hashicorp/tls";
    local.source = "hashicorp/local";
    time.source = "hashicorp/time";
  };
}
