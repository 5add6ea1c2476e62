{
  meta.name = "flakeparts";
  inventory.machines.web.tags = [ "cloud" ];
  inventory.instances.infra = {
    module = { name = "terranix"; input = "clan-terranix"; };
    roles.machine.tags.cloud = { };
    roles.machine.machines.web.settings.updateHardwareConfig = "nixos-generate-config";
  };
}
