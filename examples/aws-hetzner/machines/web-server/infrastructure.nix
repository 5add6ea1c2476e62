# The plan's machine example: security group and instance, from the reusable template.
{ machine, ... }:
{
  imports = [
    (import ../../inventory/infrastructure/modules/ec2-with-sg.nix {
      name = machine.name;
      ports = [ 80 443 ];
    })
    (import ../../inventory/infrastructure/modules/s3-bucket.nix { name = "${machine.name}-assets"; })
  ];
}
