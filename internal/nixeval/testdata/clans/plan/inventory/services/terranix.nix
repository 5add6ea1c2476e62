{
  instances.terranix = {
    module.name = "terranix";
    roles.machine.tags.database = { };
    roles.machine.settings = { targetHostOutput = "public_ip"; };
    roles.machine.machines.db.settings = { enable = true; dependsOn = [ "shared" ]; targetHostOutput = "db_host"; };
    roles.infra-manager.machines.web-server = { };
    roles.infra-manager.settings = { parallelism = 4; };
  };
}
