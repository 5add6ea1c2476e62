# A Clan with machines on AWS and on Hetzner Cloud. Tags choose the provider:
# aws-infra -> inventory/tags/aws-infra.nix, hetzner-infra -> inventory/tags/hetzner-infra.nix.
{
  meta.name = "aws-hetzner";

  inventory.machines = {
    web-server.tags = [ "aws-infra" ];
    db-server.tags = [ "aws-infra" ];
    mail.tags = [ "hetzner-infra" ];
    admin.tags = [ "infra-manager" ];
  };

  imports = [ { inventory = import ./inventory/services/terranix.nix; } ];
}
