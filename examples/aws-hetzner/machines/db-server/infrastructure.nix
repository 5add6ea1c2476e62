{ machine, ... }:
{
  imports = [
    (import ../../inventory/infrastructure/modules/ec2-with-sg.nix {
      name = machine.name;
      instanceType = "t3.large";
      ports = [ 5432 ];
    })
    (import ../../inventory/infrastructure/modules/rds-cluster.nix {
      name = "clan-db";
      instances = 2;
    })
  ];
}
