# The Clan's own configuration. Machines and their tags live in the inventory; the tag
# `local-infra` gives a machine the offline providers (inventory/tags/local-infra.nix).
{
  meta.name = "quickstart";

  inventory.machines.web-server = {
    tags = [ "local-infra" ];
  };

  # The terranix service instance: which machines get infrastructure and the clan-wide
  # provisioning settings.
  imports = [ { inventory = import ./inventory/services/terranix.nix; } ];
}
