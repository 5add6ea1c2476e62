# This machine's own infrastructure: a server from the reusable template. `machine.name`
# is the machine's name (the plan's config.networking.hostName).
{ machine, ... }:
{
  imports = [
    (import ../../inventory/infrastructure/modules/hcloud-server.nix { name = machine.name; })
  ];
}
