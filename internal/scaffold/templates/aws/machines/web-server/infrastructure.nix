# This machine's own infrastructure: an instance from the reusable template. `machine.name`
# is the machine's name (the plan's config.networking.hostName).
{ machine, ... }:
{
  imports = [
    (import ../../inventory/infrastructure/modules/ec2-with-sg.nix {
      name = machine.name;
      ports = [ 80 443 ];
    })
  ];
}
