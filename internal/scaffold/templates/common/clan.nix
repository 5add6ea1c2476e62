# The Clan's own configuration. Tags choose each machine's provider:
# @TAG@ -> inventory/tags/@TAG@.nix.
{
  meta.name = "@CLAN@";

  inventory.machines.@MACHINE@ = {
    tags = [ "@TAG@" ];
  };

  # The terranix service instance: which machines get infrastructure, and the clan-wide
  # provisioning settings.
  imports = [ { inventory = import ./inventory/services/terranix.nix; } ];
}
