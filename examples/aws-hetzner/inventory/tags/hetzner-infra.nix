# Machines tagged hetzner-infra get the Hetzner Cloud provider in their workspace.
{
  imports = [ ../infrastructure/providers/hetzner.nix ];
}
