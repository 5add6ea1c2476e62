# Machines tagged hetzner-infra get the Hetzner Cloud provider.
{
  imports = [ ../infrastructure/providers/hetzner.nix ];
}
