{
  meta.name = "realclan";
  inventory.machines.web.tags = [ "cloud" ];
  # What the files alone do not show: a machine, its address and the service
  # instance come through imports.
  imports = [ ./parts/fleet.nix ];
}
