{
  inventory.machines.db = {
    tags = [ "cloud" ];
    deploy.targetHost = "root@10.0.0.2";
  };
  inventory.instances.infra = {
    module = { name = "terranix"; input = "clan-terranix"; };
    roles.machine.tags.cloud.settings.sshPort = 2222;
    roles.machine.settings.targetUser = "admin";
    roles.machine.machines.db.settings.updateHardwareConfig = "nixos-facter";
    roles.infra-manager.settings.engine = "tofu";
  };
}
